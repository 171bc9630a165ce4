// Terminal pipeline benchmark (`npm run bench -- terminal`).
//  1. Throughput: 100 MB printed by a process in a pty, received by a WebSocket client of the web
//     mode (the core and server in their own process, as in real use), against reading the same
//     pty directly in Node, in the same run. Median of several runs; goal: at least half the
//     direct rate.
//  2. Responsiveness: with 8 instances flooding output, the time from a keystroke sent to one
//     terminal to its echo arriving at the client. Goal: p95 under 50 ms.
// The client acknowledges output the way the renderer does (every 5,000 characters), so flow
// control is on, as it is with a real window. BENCH_MB and BENCH_RUNS change the size and runs;
// BENCH_NO_FLOW=1 measures without acknowledgements (flow control off), for comparison.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as nodePty from 'node-pty';
import WebSocket from 'ws';

const here = path.dirname(fileURLToPath(import.meta.url));
const FAKE_AGENT = path.resolve(here, '..', 'test', 'fake-agent', 'agent.mjs');
const MEGABYTES = Number(process.env.BENCH_MB ?? 100);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const FLOOD_BYTES = MEGABYTES * 1_000_000;
const FLOODERS = 8;
const SAMPLES = 40;
const FLOW = process.env.BENCH_NO_FLOW !== '1';
const quote = (word: string) => (/^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`);
const agent = (...steps: string[]) => JSON.stringify([process.execPath, FAKE_AGENT, ...steps].map(quote).join(' '));

/** The server side, in its own process: the real core and web mode, as `lanes serve` runs them. */
async function serve(root: string, userDataDir: string): Promise<void> {
  const { LanesCore } = await import('../main/core/lanes-core');
  const { startWebServer } = await import('../main/web/server');
  const core = new LanesCore({ userDataDir, platform: { mode: 'web' }, version: 'bench' });
  const server = await startWebServer({ core, staticDir: userDataDir, log: () => undefined });
  const opened = await core.call('workspace.open', { path: root });
  if (!opened.ok) throw new Error(opened.error.message);
  process.stdout.write(`${JSON.stringify({ port: server.port, token: server.token })}\n`);
  process.once('SIGTERM', () => {
    void server.close().then(() => core.dispose()).then(() => process.exit(0));
  });
}

async function main(): Promise<void> {
  const root = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'lanes-bench-repo-')));
  const userDataDir = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'lanes-bench-user-')));
  const instances = [
    `  - name: flood\n    agent: ${agent(`--flood=${FLOOD_BYTES}`)}\n`,
    `  - name: target\n    agent: ${agent('--repl')}\n`,
    ...Array.from({ length: FLOODERS }, (_, index) => `  - name: f${index + 1}\n    agent: ${agent('--flood=1000000000000')}\n`),
  ];
  writeFileSync(path.join(root, 'lanes.yml'), `instances:\n${instances.join('')}`);
  execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: root });

  const server = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--serve', root, userDataDir], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const { port, token } = await new Promise<{ port: number; token: string }>((resolve, reject) => {
      let buffer = '';
      server.stdout!.on('data', (chunk: Buffer) => {
        buffer += chunk.toString();
        const line = buffer.split('\n').find((candidate) => candidate.startsWith('{'));
        if (line) resolve(JSON.parse(line) as { port: number; token: string });
      });
      server.once('exit', (code) => reject(new Error(`the bench server exited with ${code}`)));
    });
    const client = await Client.connect(`ws://127.0.0.1:${port}/api?token=${token}`);

    const direct: number[] = [];
    const web: number[] = [];
    for (let run = 0; run < RUNS; run += 1) {
      direct.push(await readDirectly());
      web.push(await readThroughWebMode(client));
      console.log(`run ${run + 1}/${RUNS}: direct ${direct[run]!.toFixed(1)} MB/s, web mode ${web[run]!.toFixed(1)} MB/s`);
    }
    const directRate = median(direct);
    const webRate = median(web);
    console.log(`\nThroughput, ${MEGABYTES} MB through a pty, median of ${RUNS}:`);
    console.log(`  direct (node-pty in Node):         ${directRate.toFixed(1)} MB/s`);
    console.log(`  web mode (pty → core → WebSocket): ${webRate.toFixed(1)} MB/s`);
    console.log(`  ratio: ${(webRate / directRate).toFixed(2)} (goal ≥ 0.5) ${webRate / directRate >= 0.5 ? 'PASS' : 'FAIL'}`);

    const latencies = await keystrokeLatency(client);
    const p50 = percentile(latencies, 0.5);
    const p95 = percentile(latencies, 0.95);
    console.log(`\nKeystroke to echo with ${FLOODERS} instances flooding, ${latencies.length} samples:`);
    console.log(`  p50 ${p50.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms, max ${Math.max(...latencies).toFixed(1)} ms (goal p95 < 50 ms) ${p95 < 50 ? 'PASS' : 'FAIL'}`);
    client.close();
  } finally {
    server.kill('SIGTERM');
    await new Promise((resolve) => server.once('exit', resolve));
    rmSync(root, { recursive: true, force: true });
    rmSync(userDataDir, { recursive: true, force: true });
  }
}

function readDirectly(): Promise<number> {
  return new Promise((resolve) => {
    const started = performance.now();
    let chars = 0;
    const pty = nodePty.spawn(process.execPath, [FAKE_AGENT, `--flood=${FLOOD_BYTES}`], { cols: 120, rows: 32, encoding: 'utf8' });
    pty.onData((data) => (chars += data.length));
    pty.onExit(() => resolve(rate(chars, started)));
  });
}

async function readThroughWebMode(client: Client): Promise<number> {
  if (FLOW) await client.call('instances.attach', { name: 'flood' });
  let chars = 0;
  const stopCounting = client.onOutput('flood', (data) => (chars += data.length));
  const started = performance.now();
  const ended = client.waitForStatus('flood', 'exited');
  await client.call('instances.start', { name: 'flood' });
  await ended;
  stopCounting();
  if (chars < FLOOD_BYTES) throw new Error(`the web mode delivered ${chars} of ${FLOOD_BYTES} characters`);
  return rate(chars, started);
}

async function keystrokeLatency(client: Client): Promise<number[]> {
  const names = ['target', ...Array.from({ length: FLOODERS }, (_, index) => `f${index + 1}`)];
  for (const name of names) await client.call('instances.attach', { name });
  let targetOutput = '';
  const stop = client.onOutput('target', (data) => (targetOutput += data));
  for (const name of names) await client.call('instances.start', { name });
  await sleep(1_500);
  const latencies: number[] = [];
  for (let sample = 0; sample < SAMPLES; sample += 1) {
    const keystrokes = `k${sample}z`;
    targetOutput = '';
    const started = performance.now();
    await client.call('instances.write', { name: 'target', data: keystrokes });
    while (!targetOutput.includes(keystrokes)) await client.nextMessage();
    latencies.push(performance.now() - started);
    await client.call('instances.write', { name: 'target', data: '\r' });
    await sleep(60);
  }
  stop();
  await client.call('instances.stopAll', {});
  return latencies;
}

/** A minimal web-mode client that acknowledges output like the renderer does. */
class Client {
  private nextId = 1;
  private readonly pending = new Map<number, (envelope: { ok: boolean; value?: unknown; error?: { message: string } }) => void>();
  private readonly outputListeners = new Map<string, Set<(data: string) => void>>();
  private readonly statusWaiters: Array<{ name: string; status: string; left: boolean; resolve: () => void }> = [];
  private readonly unacked = new Map<string, number>();
  private messageWaiters: Array<() => void> = [];

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (raw) => this.receive(JSON.parse(raw.toString())));
  }

  static async connect(url: string): Promise<Client> {
    const socket = new WebSocket(url, { headers: { Host: new URL(url).host } });
    await new Promise((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    return new Client(socket);
  }

  call(name: string, args: unknown): Promise<unknown> {
    const id = this.nextId++;
    this.socket.send(JSON.stringify({ t: 'call', id, name, args }));
    return new Promise((resolve, reject) => {
      this.pending.set(id, (envelope) => (envelope.ok ? resolve(envelope.value) : reject(new Error(envelope.error?.message))));
    });
  }

  onOutput(name: string, listener: (data: string) => void): () => void {
    const set = this.outputListeners.get(name) ?? new Set();
    this.outputListeners.set(name, set);
    set.add(listener);
    return () => set.delete(listener);
  }

  /** Resolves when the instance reaches `status` after having been in another one (a new run). */
  waitForStatus(name: string, status: string): Promise<void> {
    return new Promise((resolve) => this.statusWaiters.push({ name, status, left: false, resolve }));
  }

  nextMessage(): Promise<void> {
    return new Promise((resolve) => this.messageWaiters.push(resolve));
  }

  close(): void {
    this.socket.close();
  }

  private receive(message: { t: string; id?: number; envelope?: never; name?: string; payload?: any }): void {
    if (message.t === 'result') {
      this.pending.get(message.id!)?.(message.envelope!);
      this.pending.delete(message.id!);
    } else if (message.name === 'instances.output') {
      const { instance, data } = message.payload as { instance: string; data: string };
      for (const listener of this.outputListeners.get(instance) ?? []) listener(data);
      const unacked = (this.unacked.get(instance) ?? 0) + data.length;
      if (FLOW && unacked >= 5_000) {
        this.socket.send(JSON.stringify({ t: 'call', id: this.nextId++, name: 'instances.ack', args: { name: instance, chars: unacked } }));
        this.unacked.set(instance, 0);
      } else this.unacked.set(instance, unacked);
    } else if (message.name === 'instances.changed') {
      for (const waiter of [...this.statusWaiters]) {
        const state = (message.payload.instances as Array<{ name: string; status: string }>).find((candidate) => candidate.name === waiter.name);
        if (state && state.status !== waiter.status) waiter.left = true;
        else if (state && waiter.left) {
          this.statusWaiters.splice(this.statusWaiters.indexOf(waiter), 1);
          waiter.resolve();
        }
      }
    }
    const waiters = this.messageWaiters;
    this.messageWaiters = [];
    for (const resolve of waiters) resolve();
  }
}

function rate(chars: number, started: number): number {
  return chars / 1_000_000 / ((performance.now() - started) / 1000);
}

function median(values: number[]): number {
  return percentile(values, 0.5);
}

function percentile(values: number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)]!;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

if (process.argv[2] === '--serve') await serve(process.argv[3]!, process.argv[4]!);
else await main();
