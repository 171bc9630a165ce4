/**
 * Zones benchmark: the matcher, `lanes guard`'s start-to-exit time, and the live watcher on a
 * repository's main checkout and its worktrees against the bare watcher library in the same run.
 *
 *   npx tsx bench/zones.bench.ts            (npm run build first, for the guard and the page)
 *   ZONES_BENCH_FILES=50000 ZONES_BENCH_WORKTREES=8 npx tsx bench/zones.bench.ts
 *
 * Lanes runs as in real use: the core behind the web mode (`startWebServer`) in a process of
 * its own, bundled and run under plain Node as `lanes serve` is (bench/support/zones-serve.ts). Its readiness is timed from the start of `workspace.open` to every checkout watched;
 * a violation's latency from the write to the event arriving over the web mode's WebSocket, at
 * a Node `ws` client and, when the renderer is built and Chromium is found, in the real page in
 * Chromium. The bare @parcel/watcher subscribes to the same checkouts in a fresh process too.
 *
 * Knobs: ZONES_BENCH_FILES, ZONES_BENCH_WORKTREES, ZONES_BENCH_SAMPLES; ZONES_BENCH_ONLY=matcher
 * (the matcher alone) or =watcher (the watchers alone); ZONES_BENCH_PROFILE=<folder> writes a CPU
 * profile of the Lanes process there; ZONES_BENCH_DEBUG=1 logs the Lanes process's calls and
 * events with their times, and every latency; CHROMIUM=<path> picks the browser (default
 * /usr/bin/chromium, else Playwright's own).
 *
 * The watchers are timed idle and again beside two CPU-bound loops (bench/support/cpu-load.ts),
 * with where each violation's time went: @parcel/watcher (write to its callback in the Lanes
 * process), the core (callback to the event emitted), the transport (to a Node WebSocket client)
 * and the page (to the page in Chromium).
 *
 * Goals (issues 5 and 17): ≥ 1,000,000 matcher checks/s; guard well under 150 ms; watcher ready
 * within 3 s; write-to-violation p95 in the page under 100 ms; the Lanes process under 300 MB
 * RSS after the samples. A missed watcher goal, idle or under load, exits non-zero.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import watcher from '@parcel/watcher';
import { chromium, type Browser, type Page } from '@playwright/test';
import { build } from 'esbuild';
import WebSocket from 'ws';
import { ZoneSet } from '../main/zones/zone-set';
import { withCpuLoad } from './support/cpu-load';
import { figureOf, reportFigures } from './support/report';
import type { ServerReport } from './support/zones-serve';
import { clockNow, mb, ms, PROBE_FOLDER } from './support/zones-shared';

const FILES = Number(process.env.ZONES_BENCH_FILES ?? 50_000);
const WORKTREES = Number(process.env.ZONES_BENCH_WORKTREES ?? 8);
const SAMPLES = Number(process.env.ZONES_BENCH_SAMPLES ?? 60);
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const GOAL_READY_MS = 3000;
const GOAL_P95_MS = 100;
const GOAL_RSS_MB = 300;
const GIT_ENV = { ...process.env, GIT_AUTHOR_NAME: 'b', GIT_AUTHOR_EMAIL: 'b@b.invalid', GIT_COMMITTER_NAME: 'b', GIT_COMMITTER_EMAIL: 'b@b.invalid' };

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, env: GIT_ENV, encoding: 'utf8', maxBuffer: 1 << 30 });
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}


function instanceName(index: number): string {
  return `agent${index + 1}`;
}

/** 8 instances × 10 patterns: folders with and without slashes, globs, files. */
function benchZones(): Array<{ name: string; zones: string[] }> {
  return Array.from({ length: 8 }, (_, i) => ({
    name: instanceName(i),
    zones: [
      `pkg${i}/`,
      `apps/app${i}`,
      `libs/lib${i}/**/*.ts`,
      `docs/area${i}/*.md`,
      `config/${i}/{dev,prod}/`,
      `tools/t${i}?/`,
      `src/module${i}/`,
      `tests/**/module${i}/**`,
      `scripts/run${i}.sh`,
      `assets/[a-c]${i}/`,
    ],
  }));
}

function benchMatcher(): void {
  const zones = new ZoneSet(benchZones(), ['docs/cross-instance-prs/', 'memory/', 'COMPRESSED_PROMPT_V3.md']);
  const tops = ['pkg3', 'apps/app5', 'libs/lib2/src', 'docs/area7', 'src/module1/deep/er', 'tests/unit/module4', 'vendor/x', 'assets/b6'];
  const paths = Array.from({ length: 1_000_000 }, (_, i) => `${tops[i % tops.length]}/f${i % 997}/file${i}.${i % 3 === 0 ? 'ts' : 'md'}`);
  for (let i = 0; i < 50_000; i += 1) zones.ownersOf(paths[i]!);
  // Three passes over the million paths, the median reported: the first pass of a freshly
  // loaded process also pays for compiling and for collecting the setup's garbage.
  const timed = (label: string, check: (p: string) => boolean) => {
    const passes: Array<{ wall: number; cpu: number; hits: number }> = [];
    for (let pass = 0; pass < 3; pass += 1) {
      let hits = 0;
      const cpu = process.cpuUsage();
      const started = performance.now();
      for (const p of paths) if (check(p)) hits += 1;
      const wall = performance.now() - started;
      const used = process.cpuUsage(cpu);
      passes.push({ wall, cpu: (used.user + used.system) / 1000, hits });
    }
    passes.sort((a, b) => a.wall - b.wall);
    const { wall, cpu: cpuMs, hits } = passes[1]!;
    // CPU time as well as wall time: on a shared machine the wall clock counts other people's work.
    console.log(
      `matcher: ${label} on 1,000,000 paths x 8 zones of 10 patterns, median of 3 passes: wall ${ms(wall)} = ${Math.round(1e9 / wall).toLocaleString('en')}/s; CPU ${ms(cpuMs)} = ${Math.round(1e9 / cpuMs).toLocaleString('en')}/s (${hits} hits; passes ${passes.map((entry) => Math.round(1e9 / entry.wall).toLocaleString('en')).join(', ')}/s)`,
    );
  };
  timed('ownersOf', (p) => zones.ownersOf(p).length > 0);
  timed('mayWrite', (p) => zones.mayWrite('agent3', p));
}

function benchGuard(workspace: string): void {
  const guard = path.join(ROOT, 'dist', 'cli', 'guard.cjs');
  if (!existsSync(guard)) {
    console.log('guard: skipped (run `npm run build` first)');
    return;
  }
  const input = JSON.stringify({ tool_name: 'Write', tool_input: { file_path: path.join(workspace, 'pkg1', 'x.ts'), content: '' }, cwd: workspace });
  const run = (args: string[]) => {
    const started = performance.now();
    const result = spawnSync(process.execPath, args, { input, encoding: 'utf8' });
    return { ms: performance.now() - started, status: result.status };
  };
  run([guard, '--workspace', workspace, '--instance', 'agent2']);
  // Alternated with bare Node starts, so both see the same moment of the machine (the fixture's
  // setup has just written 50,000 files and the disk is still flushing them).
  const node: number[] = [];
  const times: Array<{ ms: number; status: number | null }> = [];
  for (let index = 0; index < 20; index += 1) {
    node.push(run(['-e', '0']).ms);
    times.push(run([guard, '--workspace', workspace, '--instance', 'agent2']));
  }
  console.log(`guard: start-to-exit p50 ${ms(percentile(times.map((t) => t.ms), 50))}, p95 ${ms(percentile(times.map((t) => t.ms), 95))} (exit ${times[0]!.status}); bare \`node -e 0\` p50 ${ms(percentile(node, 50))} on this machine`);
}

function makeRepo(): { root: string; worktrees: string[]; cleanup(): void } {
  const base = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'lanes-zones-bench-')));
  const root = path.join(base, 'repo');
  mkdirSync(root);
  git(root, 'init', '-q', '-b', 'main');
  for (let i = 0; i < FILES; i += 1) {
    const folder = path.join(root, `pkg${i % 8}`, `d${Math.floor(i / 100) % 100}`);
    mkdirSync(folder, { recursive: true });
    writeFileSync(path.join(folder, `f${i}.ts`), `export const v${i} = ${i};\n`);
  }
  const config = ['instances:', ...benchZones().map((instance, i) => `  - name: ${instance.name}\n    branch: lanes/${instance.name}\n    worktree: ../wt${i}\n    zones: [${instance.zones.map((z) => JSON.stringify(z)).join(', ')}]`)].join('\n');
  writeFileSync(path.join(root, 'lanes.yml'), `${config}\n`);
  git(root, 'add', '-A');
  git(root, 'commit', '-q', '-m', 'bench');
  const worktrees: string[] = [];
  for (let i = 0; i < WORKTREES; i += 1) {
    const worktree = path.join(base, `wt${i}`);
    git(root, 'worktree', 'add', '-q', '-b', `lanes/${instanceName(i)}`, worktree);
    // The samples are written here: a folder no instance owns, so each write is a violation, and
    // small, so the probe watcher on it (see `serve`) costs nothing.
    mkdirSync(path.join(worktree, PROBE_FOLDER));
    worktrees.push(worktree);
  }
  return { root, worktrees, cleanup: () => rmSync(base, { recursive: true, force: true }) };
}

interface WatcherFigures {
  readonly ready: number;
  readonly rssBefore: number;
  readonly rssWatching: number;
  readonly latencies: number[];
}

async function benchBareWatcher(checkouts: string[]): Promise<WatcherFigures> {
  const rssBefore = process.memoryUsage().rss;
  const waiting = new Map<string, (at: number) => void>();
  const started = performance.now();
  const subscriptions = await Promise.all(
    checkouts.map((checkout) =>
      watcher.subscribe(
        checkout,
        (_error, events) => {
          const now = performance.now();
          for (const event of events) waiting.get(event.path)?.(now);
        },
        { ignore: ['.git', 'node_modules'] },
      ),
    ),
  );
  const ready = performance.now() - started;
  const latencies: number[] = [];
  for (let i = 0; i < SAMPLES; i += 1) {
    const file = path.join(checkouts[i % checkouts.length]!, `pkg${(i + 1) % 8}`, `bare-${i}.ts`);
    const seen = new Promise<number>((resolve) => waiting.set(file, resolve));
    const written = performance.now();
    await writeFile(file, 'x');
    latencies.push((await seen) - written);
    await sleep(15);
  }
  const rssWatching = process.memoryUsage().rss;
  await Promise.all(subscriptions.map((subscription) => subscription.unsubscribe()));
  return { ready, rssBefore, rssWatching, latencies };
}

let bundled: string | null = null;

/**
 * bench/support/zones-serve.ts bundled as the app's build bundles `lanes serve` (CommonJS for
 * Node, dependencies left to node_modules), inside the repository so the core finds its own
 * package (and dist/cli for the hooks) from the bundle's folder.
 */
async function serveBundle(): Promise<string> {
  if (bundled) return bundled;
  const outfile = path.join(ROOT, 'node_modules', '.cache', 'lanes-bench', 'zones-serve.cjs');
  await build({ entryPoints: [path.join(ROOT, 'bench', 'support', 'zones-serve.ts')], outfile, bundle: true, platform: 'node', target: 'node20', format: 'cjs', packages: 'external', logLevel: 'error' });
  bundled = outfile;
  return outfile;
}

/** A web-mode client in Node that notes when each violation arrives. */
class ViolationClient {
  private readonly arrivals = new Map<string, number>();
  private readonly waiters = new Map<string, (at: number) => void>();

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (raw, isBinary) => {
      const at = clockNow();
      // Terminal output comes in binary frames; zones events are JSON text.
      if (isBinary) return;
      const message = JSON.parse(raw.toString()) as { t: string; name?: string; payload?: { added?: Array<{ checkout: string; path: string }> } };
      if (message.t !== 'event' || message.name !== 'zones.violationsAdded') return;
      for (const violation of message.payload?.added ?? []) {
        const key = `${violation.checkout}/${violation.path}`;
        if (!this.arrivals.has(key)) this.arrivals.set(key, at);
        this.waiters.get(key)?.(at);
      }
    });
  }

  static async connect(port: number, token: string): Promise<ViolationClient> {
    const socket = new WebSocket(`ws://127.0.0.1:${port}/api?token=${token}`, { headers: { Host: `127.0.0.1:${port}` } });
    await new Promise((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    return new ViolationClient(socket);
  }

  /** When the violation of `key` (checkout/path) arrived, on `clockNow`'s clock; NaN after 5 s. */
  arrival(key: string): Promise<number> {
    const known = this.arrivals.get(key);
    if (known !== undefined) return Promise.resolve(known);
    return Promise.race([new Promise<number>((resolve) => this.waiters.set(key, resolve)), sleep(5000).then(() => Number.NaN)]);
  }

  close(): void {
    this.socket.close();
  }
}

interface BenchWindow {
  benchArrival(key: string): Promise<number>;
}

/**
 * The web mode's page in Chromium, with a listener on the WebSocket in the page itself, so the
 * time counted ends in the renderer, behind the page's own work on the same event.
 */
class BrowserClient {
  private constructor(
    private readonly browser: Browser,
    private readonly page: Page,
    /** Page clock minus this process's `clockNow`, measured by round trips. */
    readonly offset: number,
  ) {}

  static async open(port: number, token: string): Promise<BrowserClient | string> {
    const executablePath = process.env.CHROMIUM ?? (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined);
    if (!existsSync(path.join(ROOT, 'dist', 'renderer', 'index.html'))) return 'the renderer is not built (npm run build)';
    let browser: Browser;
    try {
      browser = await chromium.launch(executablePath ? { executablePath } : {});
    } catch (error) {
      return `Chromium did not start: ${String(error).split('\n')[0]}`;
    }
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${port}/?token=${token}`);
    await page.evaluate(async (url) => {
      const arrivals: Record<string, number> = {};
      const waiters: Record<string, (at: number) => void> = {};
      (window as unknown as BenchWindow).benchArrival = (key) =>
        new Promise((resolve) => {
          if (arrivals[key] !== undefined) resolve(arrivals[key]);
          else waiters[key] = resolve;
        });
      const socket = new WebSocket(url);
      socket.binaryType = 'arraybuffer';
      socket.addEventListener('message', (event) => {
        const at = performance.timeOrigin + performance.now();
        if (typeof event.data !== 'string') return;
        const message = JSON.parse(event.data) as { t: string; name?: string; payload?: { added?: Array<{ checkout: string; path: string }> } };
        if (message.t !== 'event' || message.name !== 'zones.violationsAdded') return;
        for (const violation of message.payload?.added ?? []) {
          const key = `${violation.checkout}/${violation.path}`;
          arrivals[key] ??= at;
          waiters[key]?.(at);
        }
      });
      await new Promise((resolve, reject) => {
        socket.addEventListener('open', resolve);
        socket.addEventListener('error', reject);
      });
    }, `ws://127.0.0.1:${port}/api?token=${token}`);
    // The clock offset from the round trip that took least time, when the error is smallest.
    let best = { rtt: Infinity, offset: 0 };
    for (let i = 0; i < 20; i += 1) {
      const before = clockNow();
      const pageNow = await page.evaluate(() => performance.timeOrigin + performance.now());
      const after = clockNow();
      if (after - before < best.rtt) best = { rtt: after - before, offset: pageNow - (before + after) / 2 };
    }
    return new BrowserClient(browser, page, best.offset);
  }

  /** When the violation of `key` arrived in the page, on `clockNow`'s clock; NaN after 5 s. */
  async arrival(key: string): Promise<number> {
    // Waits in the page for the message, without polling it (polling would load the page's thread).
    const arrived = this.page.evaluate((wanted) => (window as unknown as BenchWindow).benchArrival(wanted), key);
    const at = await Promise.race([arrived, sleep(5000).then(() => Number.NaN)]);
    return at - this.offset;
  }

  async close(): Promise<void> {
    await this.browser.close();
  }
}

/** Where one sample's time went, from times on one clock (`clockNow`); NaN where a part was not seen. */
interface Breakdown {
  /** Write to @parcel/watcher's callback in the Lanes process (the library's debounce and thread hop). */
  readonly watcher: number[];
  /** Callback to the core emitting the violation (judging it: zones, git check-ignore, the log). */
  readonly core: number[];
  /** Emitted to a Node WebSocket client (the web mode's transport). */
  readonly transport: number[];
  /** Emitted to the page in Chromium (transport to the page and the page's own work before it). */
  readonly page: number[];
}

interface LanesFigures {
  readonly report: ServerReport;
  /** Once the page is open and has made its first calls, before the first sample. */
  readonly rssPageOpen: number | null;
  readonly rssAfter: number | null;
  readonly node: number[];
  readonly browser: number[] | string;
  readonly offset: number | null;
  readonly breakdown: Breakdown;
}

async function benchLanes(root: string, worktrees: string[], tag: string): Promise<LanesFigures> {
  const userData = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'lanes-zones-bench-data-')));
  const profile = process.env.ZONES_BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.ZONES_BENCH_PROFILE}`] : [];
  const server = spawn(process.execPath, [...profile, await serveBundle(), root, userData, ...worktrees], { stdio: ['ignore', 'pipe', 'inherit'] });
  const probed = new Map<string, number>();
  const emitted = new Map<string, number>();
  try {
    const report = await new Promise<ServerReport>((resolve, reject) => {
      let buffer = '';
      server.stdout!.on('data', (chunk: Buffer) => {
        buffer += chunk.toString();
        const lines = buffer.split('\n');
        buffer = lines.pop()!;
        for (const line of lines) {
          if (!line.startsWith('{')) continue;
          const message = JSON.parse(line) as ServerReport & { probe?: string; emitted?: string; at?: number };
          if (message.probe !== undefined) probed.set(message.probe, message.at!);
          else if (message.emitted !== undefined) emitted.set(message.emitted, message.at!);
          else resolve(message);
        }
      });
      server.once('exit', (code) => reject(new Error(`the Lanes bench process exited with ${code}`)));
    });
    const node = await ViolationClient.connect(report.port, report.token);
    const browser = await BrowserClient.open(report.port, report.token);
    await sleep(500);
    const rssPageOpen = processRss(server.pid!);
    const nodeLatencies: number[] = [];
    const browserLatencies: number[] = [];
    const breakdown: Breakdown = { watcher: [], core: [], transport: [], page: [] };
    for (let i = 0; i < SAMPLES; i += 1) {
      // Written in a folder no instance owns, so each write is a violation.
      const worktree = worktrees[i % worktrees.length]!;
      const relative = `${PROBE_FOLDER}/${tag}-${i}.ts`;
      const key = `${worktree}/${relative}`;
      const writtenAt = clockNow();
      await writeFile(path.join(worktree, relative), 'x');
      const nodeAt = await node.arrival(key);
      nodeLatencies.push(nodeAt - writtenAt);
      const pageAt = typeof browser === 'string' ? Number.NaN : await browser.arrival(key);
      if (typeof browser !== 'string') browserLatencies.push(pageAt - writtenAt);
      const probeAt = probed.get(path.join(worktree, relative)) ?? Number.NaN;
      const emittedAt = emitted.get(key) ?? Number.NaN;
      breakdown.watcher.push(probeAt - writtenAt);
      breakdown.core.push(emittedAt - probeAt);
      breakdown.transport.push(nodeAt - emittedAt);
      breakdown.page.push(pageAt - emittedAt);
      await sleep(15);
    }
    const rssAfter = processRss(server.pid!);
    node.close();
    if (typeof browser !== 'string') await browser.close();
    return { report, rssPageOpen, rssAfter, node: nodeLatencies, browser: typeof browser === 'string' ? browser : browserLatencies, offset: typeof browser === 'string' ? null : browser.offset, breakdown };
  } finally {
    if (server.exitCode === null) {
      const exited = new Promise((resolve) => server.once('exit', resolve));
      server.kill('SIGTERM');
      await exited;
    }
    rmSync(userData, { recursive: true, force: true });
  }
}

/** Runs this file with `args` in a fresh Node process (so its memory is the watcher's alone) and returns the JSON it prints. */
function inOwnProcess<T>(args: string[]): Promise<T> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => {
      const line = output.split('\n').find((candidate) => candidate.startsWith('{'));
      if (code === 0 && line) resolve(JSON.parse(line) as T);
      else reject(new Error(`${args[0]} exited with ${code}`));
    });
  });
}

/**
 * The machine's monotonic clock in milliseconds, the same in every Node process here, so times
 * taken in the Lanes process and in this one compare without drift (`performance.timeOrigin` is
 * taken once per process and put the parts of the breakdown a few ms off, some below zero). The
 * page's clock is put on it by `BrowserClient`'s measured offset.
 */

/** Resident memory of another process, from /proc (Linux); null elsewhere. */
function processRss(pid: number): number | null {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

function sleep(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}

function latencyLine(values: number[]): string {
  const lost = values.filter((value) => Number.isNaN(value)).length;
  const measured = values.filter((value) => !Number.isNaN(value));
  return `p50 ${ms(percentile(measured, 50))}, p95 ${ms(percentile(measured, 95))}, max ${ms(Math.max(...measured))} (${measured.length} samples${lost ? `, ${lost} not seen within 5 s` : ''})`;
}

/** One condition's figures, for the runner's table (scripts/bench.mjs). */
interface ConditionFigures {
  readonly ready: number;
  readonly bareReady: number;
  readonly p95: number;
  readonly nodeP95: number;
  readonly watcherP95: number;
  readonly coreP95: number;
  readonly rssMb: number;
  readonly load: number;
}

/** The bare watcher and Lanes on the same checkouts, in one condition of the machine. */
async function benchCondition(label: string, tag: string, checkouts: string[], repo: { root: string; worktrees: string[] }): Promise<ConditionFigures> {
  console.log(`\n${label} (load ${os.loadavg().map((value) => value.toFixed(2)).join(' ')}):`);
  const bare = await inOwnProcess<WatcherFigures>(['--bare', ...checkouts]);
  console.log(
    `  bare @parcel/watcher on ${checkouts.length} checkouts (own process): ready ${ms(bare.ready)}; RSS ${mb(bare.rssBefore)} before, +${mb(bare.rssWatching - bare.rssBefore)} watching; write to callback ${latencyLine(bare.latencies)}`,
  );
  const lanes = await benchLanes(repo.root, repo.worktrees, tag);
  const { report, breakdown } = lanes;
  const watchingCount = report.states.filter((state) => state === 'watching').length;
  const readyOk = report.watching <= GOAL_READY_MS && watchingCount === report.states.length;
  console.log(
    `  Lanes (core + web mode, own process), ${watchingCount}/${report.states.length} checkouts watching: from the start of workspace.open, answered ${ms(report.opened)}, all watching ${ms(report.watching)} (goal ${GOAL_READY_MS} ms: ${readyOk ? 'PASS' : 'FAIL'}), hooks installed ${ms(report.enforced)}`,
  );
  const rssAfter = lanes.rssAfter ?? report.rssWatching;
  const rssPageOpen = lanes.rssPageOpen ?? report.rssWatching;
  const rssOk = rssAfter / 1024 / 1024 < GOAL_RSS_MB;
  console.log(
    `  Lanes process RSS (git check-ignore helpers not counted): ${mb(report.rssBefore)} before the open, ${mb(report.rssWatching)} watching (+${mb(report.rssWatching - report.rssBefore)}), ${mb(rssPageOpen)} with the page open (+${mb(rssPageOpen - report.rssWatching)}), ${mb(rssAfter)} after ${SAMPLES} violations (+${mb(rssAfter - rssPageOpen)}) (goal under ${GOAL_RSS_MB} MB: ${rssOk ? 'PASS' : 'FAIL'})`,
  );
  console.log(`  write to violation at a Node WebSocket client: ${latencyLine(lanes.node)}`);
  if (process.env.ZONES_BENCH_DEBUG) console.log(lanes.node.map((value) => value.toFixed(0)).join(' '));
  if (typeof lanes.browser === 'string') console.log(`  write to violation in Chromium: skipped (${lanes.browser})`);
  else console.log(`  write to violation in the page in Chromium: ${latencyLine(lanes.browser)} (clock offset page−bench ${ms(lanes.offset ?? 0)}, corrected)`);
  console.log('  where the time goes (p50 / p95 of each part):');
  console.log(`    watcher   write → @parcel/watcher callback in the Lanes process: ${partLine(breakdown.watcher)}`);
  console.log(`    core      callback → violation emitted (zones, git check-ignore, log): ${partLine(breakdown.core)}`);
  console.log(`    transport emitted → Node WebSocket client: ${partLine(breakdown.transport)}`);
  console.log(`    page      emitted → page in Chromium: ${partLine(breakdown.page)}`);
  // The goal names the page; without Chromium it is not measured (the Node client's figure is a part of it, not a stand-in).
  const renderer = typeof lanes.browser === 'string' ? [Number.NaN] : lanes.browser;
  const p95 = percentile(renderer.filter((value) => !Number.isNaN(value)), 95);
  const latencyOk = p95 < GOAL_P95_MS && !renderer.some((value) => Number.isNaN(value));
  console.log(`  p95 to the page ${typeof lanes.browser === 'string' ? 'not measured' : ms(p95)} (goal under ${GOAL_P95_MS} ms: ${latencyOk ? 'PASS' : 'FAIL'}); load after: ${os.loadavg().map((value) => value.toFixed(2)).join(' ')}`);
  const p95Of = (values: number[]) => percentile(values.filter((value) => !Number.isNaN(value)), 95);
  return {
    // A checkout that never watched, or a violation never seen: not measured, which misses its goal.
    ready: watchingCount === report.states.length ? report.watching : Number.NaN,
    bareReady: bare.ready,
    p95: renderer.some((value) => Number.isNaN(value)) ? Number.NaN : p95,
    nodeP95: lanes.node.some((value) => Number.isNaN(value)) ? Number.NaN : p95Of(lanes.node),
    watcherP95: p95Of(breakdown.watcher),
    coreP95: p95Of(breakdown.core),
    rssMb: rssAfter / 1024 / 1024,
    load: os.loadavg()[0]!,
  };
}

function partLine(values: number[]): string {
  const measured = values.filter((value) => !Number.isNaN(value));
  if (measured.length === 0) return 'not measured';
  return `${ms(percentile(measured, 50))} / ${ms(percentile(measured, 95))}`;
}

async function main(): Promise<boolean> {
  console.log(`zones bench on ${os.cpus().length} cores, load ${os.loadavg().map((value) => value.toFixed(2)).join(' ')}`);
  const only = process.env.ZONES_BENCH_ONLY;
  if (only !== 'watcher') benchMatcher();
  if (only === 'matcher') return true;
  const prepared = performance.now();
  const repo = makeRepo();
  console.log(`setup: ${FILES.toLocaleString('en')}-file repository with ${WORKTREES} worktrees in ${ms(performance.now() - prepared)}`);
  try {
    if (only !== 'watcher') benchGuard(repo.root);
    const checkouts = [repo.root, ...repo.worktrees];
    console.log(`load before the watchers: ${os.loadavg().map((value) => value.toFixed(2)).join(' ')}`);
    const idle = await benchCondition('idle', 'idle', checkouts, repo);
    const loaded = await withCpuLoad(() => benchCondition('beside two CPU-bound loops', 'loaded', checkouts, repo));
    const load = { idle: idle.load, loaded: loaded.load };
    const of = (key: keyof Omit<ConditionFigures, 'load'>) => ({ idle: idle[key], loaded: loaded[key] });
    const checkoutsLabel = `${checkouts.length} checkouts × ${FILES.toLocaleString('en')} files`;
    // The verdict, idle and under load, is the table's: each goal once, in report.ts.
    return reportFigures('zones', [
      figureOf(`write → violation in the page p95, ${checkoutsLabel}`, 'ms', { op: '<', value: GOAL_P95_MS }, of('p95'), load),
      figureOf('of which write → Node WebSocket client p95', 'ms', null, of('nodeP95'), load),
      figureOf('of which write → @parcel/watcher callback p95', 'ms', null, of('watcherP95'), load),
      figureOf('of which callback → violation emitted p95', 'ms', null, of('coreP95'), load),
      figureOf(`workspace.open → every checkout watching, ${checkoutsLabel}`, 'ms', { op: '<=', value: GOAL_READY_MS }, of('ready'), load),
      figureOf('bare @parcel/watcher ready on the same checkouts, own process (same run)', 'ms', null, of('bareReady'), load),
      figureOf(`Lanes process RSS after ${SAMPLES} violations`, 'MB', { op: '<', value: GOAL_RSS_MB }, of('rssMb'), load),
    ]);
  } finally {
    for (const worktree of repo.worktrees) git(repo.root, 'worktree', 'remove', '--force', worktree);
    repo.cleanup();
  }
}

if (process.argv[2] === '--bare') {
  process.stdout.write(`${JSON.stringify(await benchBareWatcher(process.argv.slice(3)))}\n`);
} else {
  await main().then(
    (met) => process.exit(met ? 0 : 1),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
