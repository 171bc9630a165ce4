/**
 * Soak benchmark (issue 17 §4): does the Lanes process give back what a long day takes? On a
 * repository in the field report's layout with three instances in worktrees, the real core behind
 * the real web mode runs in a process of its own (with `--expose-gc`), and a web-mode client
 * stays connected while this process makes
 *
 * - 10,000 violations: writes outside the writer's zone, in bursts across the worktrees, each
 *   burst waited for until every one of its violations has arrived over the WebSocket;
 * - 10,000 request-file changes: rewrites of files in the home's requests folder, each burst
 *   waited for until the board's delta carries every new title.
 *
 * The Lanes process's RSS and heap are taken after a full GC once warmed up (a first round of
 * each kind, so one-time costs such as compiled code do not count), at every quarter, and at the
 * end. Goal: RSS after a GC at the end within 10% of where it started. Run idle and beside two
 * CPU-bound loops (bench/support/cpu-load.ts); a miss in either exits non-zero.
 *
 *   npx tsx bench/soak.bench.ts
 *   SOAK_VIOLATIONS=2000 SOAK_REQUEST_CHANGES=2000 npx tsx bench/soak.bench.ts
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { withCpuLoad } from './support/cpu-load';
import { figureOf, reportFigures } from './support/report';

const VIOLATIONS = Number(process.env.SOAK_VIOLATIONS ?? 10_000);
const REQUEST_CHANGES = Number(process.env.SOAK_REQUEST_CHANGES ?? 10_000);
/** Distinct files each kind cycles through: a day's writes land on the same files again and again. */
const VIOLATION_FILES = 600;
const REQUEST_FILES = 200;
const BURST = 25;
const WARM_UP = 500;
const GOAL_GROWTH = 0.1;
const ROOT = fileURLToPath(new URL('..', import.meta.url));
// tsx runs this file as an ES module; appRoot (main/shared/app-root.ts) reads __dirname to find dist/cli.
(globalThis as { __dirname?: string }).__dirname ??= path.join(ROOT, 'main', 'cli');
const GIT_ENV = { ...process.env, GIT_AUTHOR_NAME: 'b', GIT_AUTHOR_EMAIL: 'b@b.invalid', GIT_COMMITTER_NAME: 'b', GIT_COMMITTER_EMAIL: 'b@b.invalid' };
const FOLDERS = ['lib/pages', 'lib/widgets', 'supabase/functions', 'docs', 'supabase/migrations', '.github/workflows', 'web'];
const INSTANCES = [
  { name: 'VSCode', zones: ['lib/', 'supabase/functions/'], outside: 'docs' },
  { name: 'Windows', zones: ['docs/', 'supabase/migrations/'], outside: 'lib/pages' },
  { name: 'PowerShell', zones: ['.github/workflows/'], outside: 'web' },
];
const REQUESTS_FOLDER = 'docs/cross-instance-prs';

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, env: GIT_ENV, encoding: 'utf8' });
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

interface Repo {
  readonly root: string;
  readonly worktrees: string[];
  cleanup(): void;
}

function makeRepo(): Repo {
  const base = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'lanes-soak-bench-')));
  const root = path.join(base, 'app');
  for (let index = 0; index < 600; index += 1) {
    const folder = path.join(root, FOLDERS[index % FOLDERS.length]!);
    mkdirSync(folder, { recursive: true });
    writeFileSync(path.join(folder, `file${index}.txt`), `${index}\n`);
  }
  mkdirSync(path.join(root, REQUESTS_FOLDER), { recursive: true });
  for (let index = 0; index < REQUEST_FILES; index += 1) writeFileSync(requestFile(root, index), requestText(index, 0));
  const lines = ['instances:'];
  for (const instance of INSTANCES) {
    lines.push(`  - name: ${instance.name}`, `    branch: lanes/${instance.name}`, `    worktree: ../wt-${instance.name}`, `    zones: [${instance.zones.join(', ')}]`);
  }
  writeFileSync(path.join(root, 'lanes.yml'), `${lines.join('\n')}\n`);
  git(root, 'init', '-q', '-b', 'main');
  git(root, 'add', '-A');
  git(root, 'commit', '-q', '-m', 'init');
  const worktrees = INSTANCES.map((instance) => {
    const worktree = path.join(base, `wt-${instance.name}`);
    git(root, 'worktree', 'add', '-q', '-b', `lanes/${instance.name}`, worktree);
    return worktree;
  });
  return { root, worktrees, cleanup: () => rmSync(base, { recursive: true, force: true }) };
}

function requestFile(root: string, index: number): string {
  return path.join(root, REQUESTS_FOLDER, `20260413_soak_${index}.md`);
}

function requestText(index: number, round: number): string {
  return `# Soak request ${index} round ${round} (VSCode → Windows)\n## What to do\nRound ${round} of request ${index}.\n`;
}

/** What the Lanes process says after a full collection. */
interface Memory {
  readonly rss: number;
  readonly heapUsed: number;
  /** What V8 holds for its heap, used or not: RSS that moves while this stays is memory outside JavaScript. */
  readonly heapTotal: number;
  readonly external: number;
  readonly arrayBuffers: number;
}

/** The Lanes side: the core and the web mode, answering `gc` on stdin with its memory after a full collection. */
async function serve(root: string, userDataDir: string): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('The Lanes side of the soak bench needs node --expose-gc.');
  const { Lanes } = await import('../main/app/lanes');
  const { startWebServer } = await import('../main/web/server');
  const core = new Lanes({ userDataDir, platform: { mode: 'web' }, version: 'bench' });
  const server = await startWebServer({ core, staticDir: userDataDir, log: () => undefined });
  const opened = await core.call('workspace.open', { path: root });
  if (!opened.ok) throw new Error(opened.error.message);
  const enforcement = await core.call('zones.enforcement', {});
  if (!enforcement.ok || (enforcement.value as { watchers: Array<{ state: string }> }).watchers.some((status) => status.state !== 'watching')) {
    throw new Error(`not every checkout is watched: ${JSON.stringify(enforcement)}`);
  }
  process.stdout.write(`${JSON.stringify({ port: server.port, token: server.token })}\n`);
  for await (const line of createInterface({ input: process.stdin })) {
    if (line !== 'gc') continue;
    // Twice: the first collection's finalizers free more for the second.
    gc();
    await new Promise((resolve) => setImmediate(resolve));
    gc();
    const { rss, heapUsed, heapTotal, external, arrayBuffers } = process.memoryUsage();
    process.stdout.write(`${JSON.stringify({ rss, heapUsed, heapTotal, external, arrayBuffers } satisfies Memory)}\n`);
  }
  await server.close();
  await core.dispose();
  process.exit(0);
}

/** The web-mode client: counts the violations and request titles it hears of. */
class Client {
  private readonly seenViolations = new Set<string>();
  private readonly titles = new Map<string, string>();
  private waiter: (() => void) | null = null;

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (raw, isBinary) => {
      if (isBinary) return;
      const message = JSON.parse(raw.toString()) as { t: string; name?: string; payload?: any };
      if (message.t !== 'event') return;
      if (message.name === 'zones.violationsAdded') {
        for (const violation of message.payload.added as Array<{ checkout: string; path: string; writes: number }>) this.seenViolations.add(`${violation.checkout}/${violation.path}#${violation.writes}`);
      } else if (message.name === 'requests.changed' && message.payload.kind === 'delta') {
        for (const request of message.payload.upserted as Array<{ file: string; title: string }>) this.titles.set(request.file, request.title);
      }
      this.waiter?.();
    });
  }

  static async connect(port: number, token: string): Promise<Client> {
    const socket = new WebSocket(`ws://127.0.0.1:${port}/api?token=${token}`, { headers: { Host: `127.0.0.1:${port}` } });
    await new Promise((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    return new Client(socket);
  }

  hasViolation(key: string): boolean {
    return this.seenViolations.has(key);
  }

  title(file: string): string | undefined {
    return this.titles.get(file);
  }

  /** Resolves once `done` holds, checked at every message; rejects when nothing new for 20 s. */
  async until(done: () => boolean, what: string): Promise<void> {
    while (!done()) {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`The soak stalled: no event for 20 s while waiting for ${what}.`)), 20_000);
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    this.waiter = null;
  }

  close(): void {
    this.socket.close();
  }
}

/** The Lanes process and a line-by-line reader of what it prints. */
class LanesProcess {
  private readonly lines: string[] = [];
  private waiting: ((line: string) => void) | null = null;

  constructor(private readonly child: ChildProcess) {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (!line.startsWith('{')) return;
      if (this.waiting) {
        const waiting = this.waiting;
        this.waiting = null;
        waiting(line);
      } else {
        this.lines.push(line);
      }
    });
  }

  next<T>(): Promise<T> {
    const queued = this.lines.shift();
    if (queued !== undefined) return Promise.resolve(JSON.parse(queued) as T);
    return new Promise((resolve, reject) => {
      this.waiting = (line) => resolve(JSON.parse(line) as T);
      this.child.once('exit', (code) => reject(new Error(`the Lanes process exited with ${code}`)));
    });
  }

  async memory(): Promise<Memory> {
    this.child.stdin!.write('gc\n');
    return this.next<Memory>();
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.stdin!.end();
    await exited;
  }
}

interface SoakResult {
  readonly start: Memory;
  readonly end: Memory;
  readonly seconds: number;
  /** RSS growth from the start to the end, as a share of the start. */
  readonly growth: number;
  /** The one-minute load average at the end. */
  readonly load: number;
}

async function soak(label: string): Promise<SoakResult> {
  const repo = makeRepo();
  const userData = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'lanes-soak-bench-data-')));
  const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', fileURLToPath(import.meta.url), '--serve', repo.root, userData], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lanes = new LanesProcess(child);
  try {
    const { port, token } = await lanes.next<{ port: number; token: string }>();
    const client = await Client.connect(port, token);
    let violations = 0;
    let requestChanges = 0;
    const violationRound = async (count: number) => {
      for (let done = 0; done < count; done += BURST) {
        const keys: string[] = [];
        const writes: Array<Promise<void>> = [];
        for (let index = 0; index < Math.min(BURST, count - done); index += 1) {
          const n = violations + index;
          const writer = n % INSTANCES.length;
          const slot = Math.floor(n / INSTANCES.length) % VIOLATION_FILES;
          const relative = `${INSTANCES[writer]!.outside}/soak-${slot}.txt`;
          // Which write of this file it is: the same file comes round again after VIOLATION_FILES × 3 writes.
          const write = Math.floor(n / (INSTANCES.length * VIOLATION_FILES)) + 1;
          keys.push(`${repo.worktrees[writer]}/${relative}#${write}`);
          writes.push(writeFile(path.join(repo.worktrees[writer]!, relative), `write ${write}\n`));
        }
        await Promise.all(writes);
        violations += keys.length;
        await client.until(() => keys.every((key) => client.hasViolation(key)), `violations ${violations - keys.length + 1}–${violations}`);
      }
    };
    const requestRound = async (count: number) => {
      for (let done = 0; done < count; done += BURST) {
        const expected: Array<[string, string]> = [];
        const writes: Array<Promise<void>> = [];
        for (let index = 0; index < Math.min(BURST, count - done); index += 1) {
          const n = requestChanges + index;
          const slot = n % REQUEST_FILES;
          const round = Math.floor(n / REQUEST_FILES) + 1;
          expected.push([path.basename(requestFile(repo.root, slot)), `Soak request ${slot} round ${round}`]);
          writes.push(writeFile(requestFile(repo.root, slot), requestText(slot, round)));
        }
        await Promise.all(writes);
        requestChanges += expected.length;
        await client.until(() => expected.every(([file, title]) => client.title(file) === title), `request changes ${requestChanges - expected.length + 1}–${requestChanges}`);
      }
    };

    const opened = await lanes.memory();
    await violationRound(WARM_UP);
    await requestRound(WARM_UP);
    const start = await lanes.memory();
    const began = performance.now();
    const quarters: Memory[] = [];
    const quarter = (total: number) => Math.ceil(total / 4 / BURST) * BURST;
    while (violations - WARM_UP < VIOLATIONS || requestChanges - WARM_UP < REQUEST_CHANGES) {
      // Interleaved, as on a real day: a quarter of each at a time.
      await violationRound(Math.min(quarter(VIOLATIONS), VIOLATIONS - (violations - WARM_UP)));
      await requestRound(Math.min(quarter(REQUEST_CHANGES), REQUEST_CHANGES - (requestChanges - WARM_UP)));
      quarters.push(await lanes.memory());
    }
    const seconds = (performance.now() - began) / 1000;
    const end = quarters.at(-1)!;
    client.close();
    const growth = (end.rss - start.rss) / start.rss;
    const met = growth <= GOAL_GROWTH;
    console.log(
      `${label}: ${VIOLATIONS.toLocaleString('en')} violations and ${REQUEST_CHANGES.toLocaleString('en')} request-file changes in ${seconds.toFixed(0)} s (after ${WARM_UP} of each to warm up)\n` +
        `  Lanes process after a full GC: RSS ${mb(opened.rss)} once open, ${mb(start.rss)} warmed up (the start), ${quarters.map((entry) => mb(entry.rss)).join(' → ')} at each quarter\n` +
        `  heap used ${mb(opened.heapUsed)} once open, ${mb(start.heapUsed)} at the start, ${quarters.map((entry) => mb(entry.heapUsed)).join(' → ')}; heap total ${mb(start.heapTotal)} → ${mb(end.heapTotal)}; external ${mb(start.external)} → ${mb(end.external)}\n` +
        `  RSS growth ${(growth * 100).toFixed(1)}% (goal: within ${GOAL_GROWTH * 100}%) ${met ? 'PASS' : 'FAIL'}`,
    );
    return { start, end, seconds, growth, load: os.loadavg()[0]! };
  } finally {
    await lanes.stop();
    for (const worktree of repo.worktrees) git(repo.root, 'worktree', 'remove', '--force', worktree);
    repo.cleanup();
    rmSync(userData, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--serve') {
  await serve(process.argv[3]!, process.argv[4]!);
} else {
  console.log(`soak bench on ${os.cpus().length} cores, load ${os.loadavg().map((value) => value.toFixed(2)).join(' ')}`);
  try {
    const idle = await soak('idle');
    const loaded = await withCpuLoad(() => soak('beside two CPU-bound loops'));
    console.log(`load after: ${os.loadavg().map((value) => value.toFixed(2)).join(' ')}`);
    const load = { idle: idle.load, loaded: loaded.load };
    const both = (pick: (result: typeof idle) => number) => ({ idle: pick(idle), loaded: pick(loaded) });
    // The verdict, idle and under load, is the table's: the goal once, in report.ts.
    const met = reportFigures('soak', [
      figureOf(`Lanes process RSS growth after a GC, ${VIOLATIONS.toLocaleString('en')} violations + ${REQUEST_CHANGES.toLocaleString('en')} request-file changes`, '%', { op: '<=', value: GOAL_GROWTH * 100 }, both((result) => result.growth * 100), load),
      figureOf('Lanes process RSS after a GC at the start (warmed up)', 'MB', null, both((result) => result.start.rss / 1024 / 1024), load),
      figureOf('Lanes process RSS after a GC at the end', 'MB', null, both((result) => result.end.rss / 1024 / 1024), load),
      figureOf('time for the whole soak', 's', null, both((result) => result.seconds), load),
    ]);
    process.exit(met ? 0 : 1);
  } catch (error) {
    console.error(error);
    process.exit(1);
  }
}
