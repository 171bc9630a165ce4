// Pty host benchmark (`npm run bench -- host-throughput`): an agent prints 200,000 lines (about
// 14 MB) as fast as its pty takes them, read
//  1. directly: node-pty in this process, as Lanes read its ptys before the host;
//  2. through the host: the host reads the pty, feeds its headless xterm, batches and frames the
//     output, and this process (a client, as the core is) receives it as one viewer that
//     acknowledges every TERMINAL_ACK_CHARS, as the renderer does, so flow control is in play.
// Goal: through the host ≥ 0.7× the direct read, measured in the same run (median of --runs).
// Where the time goes: the host with no viewer (no flow control, but a terminal nobody views is
// parsed at most a quarter of the host's time and its agent waits for it), and the headless
// xterm's parse rate alone in this process (the host parses every byte on its one thread).
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import * as headlessModule from '@xterm/headless';
import * as nodePty from 'node-pty';
import { TERMINAL_ACK_CHARS } from '../main/contract/instances';
import type { HostClient } from '../main/instances/host/client';
import { median, numberOption as option } from './support/cpu-load';
import { LINES_AGENT, nodeAgent, withBenchHost, WORKSPACE } from './support/host-agents';
import { figureOf, inBothConditions, reportFigures } from './support/report';

const LINES = option('lines', 200_000);
const RUNS = option('runs', 3);
const RATIO_GOAL = 0.7;
const { Terminal } = ('Terminal' in headlessModule ? headlessModule : (headlessModule as unknown as { default: typeof headlessModule }).default) as typeof headlessModule;

/** Counts characters until the agent's `done`; the clock runs from the first byte to it. */
class Receiver {
  chars = 0;
  private firstAt = 0;
  private tail = '';
  private finish!: (megabytesPerSecond: number) => void;
  /** The rate from the first byte to `done`. */
  readonly finished = new Promise<number>((resolve) => (this.finish = resolve));

  take(data: string): void {
    if (this.chars === 0) this.firstAt = performance.now();
    this.chars += data.length;
    this.tail = (this.tail + data).slice(-16);
    if (this.tail.includes('done')) this.finish(this.chars / 1e6 / ((performance.now() - this.firstAt) / 1000));
  }
}

async function direct(): Promise<number> {
  const receiver = new Receiver();
  const spec = nodeAgent([LINES_AGENT, String(LINES)]);
  const pty = nodePty.spawn(spec.file, [...spec.args], { name: 'xterm-256color', cols: 120, rows: 30, cwd: spec.cwd, env: spec.env, encoding: 'utf8' });
  // The same priority the host gives the agent, so both reads compete for the CPU alike.
  os.setPriority(pty.pid, spec.niceness ?? 0);
  pty.onData((data) => receiver.take(data));
  try {
    return await receiver.finished;
  } finally {
    pty.kill('SIGKILL');
  }
}

let agentNumber = 0;
async function throughHost(client: HostClient, withViewer: boolean): Promise<number> {
  const name = `flood-${(agentNumber += 1)}`;
  const receiver = new Receiver();
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
    await client.call('agents.start', { workspace: WORKSPACE, name, spec: nodeAgent([LINES_AGENT, String(LINES)]) });
    return await receiver.finished;
  } finally {
    stopListening();
    await client.call('agents.stop', { workspace: WORKSPACE, name });
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
  noViewerMbs: number;
  parseMbs: number;
}

async function measure(label: string): Promise<Measured> {
  return withBenchHost(async (client) => {
    const runs: Measured[] = [];
    for (let run = 0; run < RUNS; run += 1) {
      // Alternated in each run, so a burst of load from elsewhere on the machine hits both alike.
      const directMbs = await direct();
      const hostMbs = await throughHost(client, true);
      const noViewerMbs = await throughHost(client, false);
      const parseMbs = await parseRate();
      runs.push({ directMbs, hostMbs, ratio: hostMbs / directMbs, noViewerMbs, parseMbs });
    }
    const pick = (key: keyof Measured) => median(runs.map((run) => run[key]));
    const result = { directMbs: pick('directMbs'), hostMbs: pick('hostMbs'), ratio: pick('ratio'), noViewerMbs: pick('noViewerMbs'), parseMbs: pick('parseMbs') };
    console.log(
      `${label}: direct ${result.directMbs.toFixed(1)} MB/s, through the host ${result.hostMbs.toFixed(1)} MB/s (ratio ${result.ratio.toFixed(2)}), ` +
        `host without a viewer ${result.noViewerMbs.toFixed(1)} MB/s, headless xterm parse alone ${result.parseMbs.toFixed(1)} MB/s ` +
        `(median of ${RUNS}; per run ratio ${runs.map((run) => run.ratio.toFixed(2)).join(', ')})`,
    );
    return result;
  });
}

async function main(): Promise<void> {
  const both = await inBothConditions((condition) => measure(condition === 'idle' ? 'idle' : 'beside two CPU-bound loops'));
  const values = (key: keyof Measured) => ({ idle: both.idle[key], loaded: both.loaded[key] });
  reportFigures('host-throughput', [
    figureOf('pty → client through the host, as a share of a direct read of the pty', '×', { op: '>=', value: RATIO_GOAL }, values('ratio'), both.load),
    figureOf('direct read of the pty', 'MB/s', null, values('directMbs'), both.load),
    figureOf('through the host, one viewer acknowledging', 'MB/s', null, values('hostMbs'), both.load),
    figureOf('through the host, no viewer (no flow control; parsed at a quarter of the host\'s time)', 'MB/s', null, values('noViewerMbs'), both.load),
    figureOf('headless xterm parse alone (the host does it for every byte)', 'MB/s', null, values('parseMbs'), both.load),
  ]);
}

void main();
