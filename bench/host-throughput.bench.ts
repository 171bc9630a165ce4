// Pty host benchmark (`npm run bench -- host-throughput`): an agent prints 200,000 lines (about
// 14 MB) as fast as its pty takes them, read
//  1. directly: node-pty in this process, as Lanes read its ptys before the host;
//  2. through the host: the host reads the pty, feeds its headless xterm, batches and frames the
//     output, and this process (a client, as the core is) receives it as one viewer that
//     acknowledges every TERMINAL_ACK_CHARS, as the renderer does, so flow control is in play.
// Issue 13's goal, through the host ≥ 0.7× the direct read, names the renderer: bench/terminal.bench.ts
// measures it (pty → host → core → page). This is the part up to the core, and where the time goes.
// Where the time goes: the host with no viewer (no flow control, but a terminal nobody views is
// parsed at most a quarter of the host's time and its agent waits for it); the headless xterm's
// parse rate alone in this process (the host parses in its screen thread, and drops unparsed a
// flood's lines that scroll out of the scrollback unseen where that changes nothing); the floor of
// any separate pty process, a bare forwarder (support/pty-forwarder.ts: pty → Unix socket → this
// process, batched as the host batches, no screen, no JSON, no flow control); the CPU each
// process spends per MB (the direct reader; the host and this process as its client); and a flood
// three times as long, past what the host lets a viewed screen's parse put off, for the rate a
// long flood keeps (the goal's burst can go at the speed of the hop, a long flood cannot).
import { fork } from 'node:child_process';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import * as headlessModule from '@xterm/headless';
import * as nodePty from 'node-pty';
import { TERMINAL_ACK_CHARS } from '../main/contract/instances';
import type { HostClient } from '../main/instances/host/client';
import { median, numberOption as option } from './support/cpu-load';
import { machineCpuMs, processCpuMs } from './support/process-cpu';
import { LINES_AGENT, nodeAgent, withBenchHost, WORKSPACE } from './support/host-agents';
import { figureOf, inBothConditions, reportFigures } from './support/report';

const LINES = option('lines', 200_000);
/** A flood three times as long (about 44 MB): longer than the host lets a viewed screen's parse wait, so it shows the rate a flood keeps up, not a burst's. */
const LONG_LINES = option('long-lines', 600_000);
const RUNS = option('runs', 3);
const { Terminal } = ('Terminal' in headlessModule ? headlessModule : (headlessModule as unknown as { default: typeof headlessModule }).default) as typeof headlessModule;

/** Counts characters until the agent's `done`; the clock runs from the first byte to it. */
class Receiver {
  chars = 0;
  /** CPU the whole machine spent per MB meanwhile (every core and process, the kernel's pty work included), in ms. */
  machineMsPerMb = Number.NaN;
  private firstAt = 0;
  private machineAt = 0;
  private tail = '';
  private finish!: (megabytesPerSecond: number) => void;
  /** The rate from the first byte to `done`. */
  readonly finished = new Promise<number>((resolve) => (this.finish = resolve));

  take(data: string): void {
    if (this.chars === 0) {
      this.firstAt = performance.now();
      this.machineAt = machineCpuMs();
    }
    this.chars += data.length;
    this.tail = (this.tail + data).slice(-16);
    if (this.tail.includes('done')) {
      this.machineMsPerMb = (machineCpuMs() - this.machineAt) / (this.chars / 1e6);
      this.finish(this.chars / 1e6 / ((performance.now() - this.firstAt) / 1000));
    }
  }
}

/** CPU time this process has used, in ms. */
function ownCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

async function direct(lines = LINES): Promise<{ mbs: number; readerMsPerMb: number; machineMsPerMb: number }> {
  const receiver = new Receiver();
  const spec = nodeAgent([LINES_AGENT, String(lines)]);
  const cpuBefore = ownCpuMs();
  const pty = nodePty.spawn(spec.file, [...spec.args], { name: 'xterm-256color', cols: 120, rows: 30, cwd: spec.cwd, env: spec.env, encoding: 'utf8' });
  // The same priority the host gives the agent, so both reads compete for the CPU alike.
  os.setPriority(pty.pid, spec.niceness ?? 0);
  pty.onData((data) => receiver.take(data));
  try {
    const mbs = await receiver.finished;
    return { mbs, readerMsPerMb: (ownCpuMs() - cpuBefore) / (receiver.chars / 1e6), machineMsPerMb: receiver.machineMsPerMb };
  } finally {
    pty.kill('SIGKILL');
  }
}

const FORWARDER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'support', 'pty-forwarder.ts');

/** The bare forwarder: the agent's pty read in another process and handed over a Unix socket. */
async function forwarded(): Promise<number> {
  const socketPath = path.join(os.tmpdir(), `lanes-bench-forwarder-${process.pid}.sock`);
  // This process runs under tsx (`node --import tsx`); the forwarder inherits it.
  const child = fork(FORWARDER, [socketPath, JSON.stringify(nodeAgent([LINES_AGENT, String(LINES)]))], { stdio: 'inherit' });
  try {
    await new Promise<void>((resolve, reject) => {
      child.once('message', () => resolve());
      child.once('exit', (code) => reject(new Error(`the forwarder exited with ${code} before it listened`)));
    });
    const receiver = new Receiver();
    const socket = net.connect(socketPath);
    socket.setEncoding('utf8');
    socket.on('data', (data: string) => receiver.take(data));
    try {
      return await receiver.finished;
    } finally {
      socket.destroy();
    }
  } finally {
    child.kill('SIGKILL');
  }
}

let agentNumber = 0;
async function throughHost(client: HostClient, withViewer: boolean, lines = LINES): Promise<{ mbs: number; hostMsPerMb: number; clientMsPerMb: number; machineMsPerMb: number }> {
  const name = `flood-${(agentNumber += 1)}`;
  const receiver = new Receiver();
  const cpuBefore = { host: processCpuMs(client.hostPid), client: ownCpuMs() };
  let unacked = 0;
  let viewer: string | null = null;
  const stopListening = client.onEvent((event, payload: { name: string; data: string }) => {
    if (event !== 'output' || payload.name !== name) return;
    receiver.take(payload.data);
    unacked += payload.data.length;
    if (viewer !== null && unacked >= TERMINAL_ACK_CHARS) {
      void client.call('agents.ack', { workspace: WORKSPACE, name, viewer, chars: unacked });
      unacked = 0;
    }
  });
  try {
    if (withViewer) viewer = (await client.call<{ viewer: string }>('agents.attach', { workspace: WORKSPACE, name })).viewer;
    await client.call('agents.start', { workspace: WORKSPACE, name, spec: nodeAgent([LINES_AGENT, String(lines)]) });
    const mbs = await receiver.finished;
    const megabytes = receiver.chars / 1e6;
    return { mbs, hostMsPerMb: (processCpuMs(client.hostPid) - cpuBefore.host) / megabytes, clientMsPerMb: (ownCpuMs() - cpuBefore.client) / megabytes, machineMsPerMb: receiver.machineMsPerMb };
  } finally {
    stopListening();
    await client.call('agents.stop', { workspace: WORKSPACE, name });
    // The screen asked for: the host has parsed the whole flood before the next measure starts.
    const { viewer: last } = await client.call<{ viewer: string }>('agents.attach', { workspace: WORKSPACE, name });
    for (const id of [viewer, last]) if (id !== null) await client.call('agents.detach', { workspace: WORKSPACE, name, viewer: id });
  }
}

/** The headless xterm alone, parsing the same text in this process. */
async function parseRate(): Promise<number> {
  let text = '';
  for (let line = 1; line <= LINES; line += 1) text += `line ${line} ${'.'.repeat(60)}\r\n`;
  const terminal = new Terminal({ cols: 120, rows: 30, scrollback: 10_000, allowProposedApi: true });
  const start = performance.now();
  // In pieces of the size a pty hands over, as the host receives it.
  for (let at = 0; at < text.length; at += 4_096) terminal.write(text.slice(at, at + 4_096));
  await new Promise<void>((resolve) => terminal.write('', resolve));
  const ms = performance.now() - start;
  terminal.dispose();
  return text.length / 1e6 / (ms / 1000);
}

interface Measured {
  directMbs: number;
  hostMbs: number;
  ratio: number;
  forwardedMbs: number;
  forwardedRatio: number;
  longRatio: number;
  noViewerMbs: number;
  parseMbs: number;
  readerMsPerMb: number;
  hostMsPerMb: number;
  clientMsPerMb: number;
  directMachineMsPerMb: number;
  hostMachineMsPerMb: number;
  /** The most 2 cores could carry through the host at its whole-machine cost per MB, as a share of the direct read. */
  ceilingRatio: number;
}

async function measure(label: string): Promise<Measured> {
  return withBenchHost(async (client) => {
    const runs: Measured[] = [];
    for (let run = 0; run < RUNS; run += 1) {
      // Alternated in each run, so a burst of load from elsewhere on the machine hits all alike.
      const { mbs: directMbs, readerMsPerMb, machineMsPerMb: directMachineMsPerMb } = await direct();
      const { mbs: hostMbs, hostMsPerMb, clientMsPerMb, machineMsPerMb: hostMachineMsPerMb } = await throughHost(client, true);
      const forwardedMbs = await forwarded();
      const { mbs: noViewerMbs } = await throughHost(client, false);
      const parseMbs = await parseRate();
      const longRatio = (await throughHost(client, true, LONG_LINES)).mbs / (await direct(LONG_LINES)).mbs;
      const ceilingRatio = (os.cpus().length * 1000) / hostMachineMsPerMb / directMbs;
      runs.push({ directMbs, hostMbs, ratio: hostMbs / directMbs, forwardedMbs, forwardedRatio: forwardedMbs / directMbs, longRatio, noViewerMbs, parseMbs, readerMsPerMb, hostMsPerMb, clientMsPerMb, directMachineMsPerMb, hostMachineMsPerMb, ceilingRatio });
    }
    const pick = (key: keyof Measured) => median(runs.map((run) => run[key]));
    const result = Object.fromEntries(Object.keys(runs[0]!).map((key) => [key, pick(key as keyof Measured)])) as unknown as Measured;
    console.log(
      `${label}: direct ${result.directMbs.toFixed(1)} MB/s, through the host ${result.hostMbs.toFixed(1)} MB/s (ratio ${result.ratio.toFixed(2)}), ` +
        `bare forwarder ${result.forwardedMbs.toFixed(1)} MB/s (ratio ${result.forwardedRatio.toFixed(2)}), ` +
        `a flood of ${LONG_LINES.toLocaleString('en')} lines through the host at ${result.longRatio.toFixed(2)}× its direct read, ` +
        `host without a viewer ${result.noViewerMbs.toFixed(1)} MB/s, headless xterm parse alone ${result.parseMbs.toFixed(1)} MB/s; ` +
        `CPU per MB: direct reader ${result.readerMsPerMb.toFixed(1)} ms, host ${result.hostMsPerMb.toFixed(1)} ms, its client ${result.clientMsPerMb.toFixed(1)} ms; ` +
        `whole machine per MB: direct ${result.directMachineMsPerMb.toFixed(1)} ms, through the host ${result.hostMachineMsPerMb.toFixed(1)} ms, so ${os.cpus().length} cores carry at most ${result.ceilingRatio.toFixed(2)}× the direct read through the host ` +
        `(median of ${RUNS}; per run ratio ${runs.map((run) => run.ratio.toFixed(2)).join(', ')}; forwarder ${runs.map((run) => run.forwardedRatio.toFixed(2)).join(', ')})`,
    );
    return result;
  });
}

async function main(): Promise<void> {
  const both = await inBothConditions((condition) => measure(condition === 'idle' ? 'idle' : 'beside two CPU-bound loops'));
  const values = (key: keyof Measured) => ({ idle: both.idle[key], loaded: both.loaded[key] });
  reportFigures('host-throughput', [
    // Issue 13's goal names the renderer: bench/terminal.bench.ts measures pty → page through the host against it.
    figureOf('of which pty → client (the core) through the host, as a share of a direct read of the pty (goal ≥ 0.7 measured to the page: bench terminal)', '×', null, values('ratio'), both.load),
    figureOf('direct read of the pty', 'MB/s', null, values('directMbs'), both.load),
    figureOf('through the host, one viewer acknowledging', 'MB/s', null, values('hostMbs'), both.load),
    figureOf(`a longer flood (${LONG_LINES.toLocaleString('en')} lines, ~44 MB) through the host, as a share of its direct read`, '×', null, values('longRatio'), both.load),
    figureOf('a bare forwarder process (pty → Unix socket → client; no screen, no JSON), as a share of the direct read', '×', null, values('forwardedRatio'), both.load),
    figureOf('through the host, no viewer (no flow control; parsed at a quarter of the host\'s time)', 'MB/s', null, values('noViewerMbs'), both.load),
    figureOf('headless xterm parse alone (the host, in its screen thread, for every line that can still be seen)', 'MB/s', null, values('parseMbs'), both.load),
    figureOf('CPU per MB: the direct reader', 'ms', null, values('readerMsPerMb'), both.load),
    figureOf('CPU per MB: the host (read, parse, frame, send)', 'ms', null, values('hostMsPerMb'), both.load),
    figureOf('CPU per MB: its client (receive, decode, acknowledge)', 'ms', null, values('clientMsPerMb'), both.load),
    figureOf('CPU per MB of the whole machine (every core and process, kernel included): the direct read', 'ms', null, values('directMachineMsPerMb'), both.load),
    figureOf('CPU per MB of the whole machine: through the host', 'ms', null, values('hostMachineMsPerMb'), both.load),
    figureOf('the most the machine\'s cores could carry through the host at that cost, as a share of the direct read (read it idle: beside the loops it counts them too)', '×', null, values('ceilingRatio'), both.load),
  ]);
}

void main();
