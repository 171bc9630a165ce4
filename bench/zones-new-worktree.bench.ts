/**
 * Zones benchmark for a new worktree, as "Start all" on new instances lives it: on a repository
 * shaped like the field report's (a few hundred files in feature folders), a worktree is added and
 * lanes.yml given an instance working in it, while the workspace is open. Timed:
 *
 * - readiness: from the lanes.yml write to `zones.enforcementChanged` saying every checkout,
 *   the new one included, is watched (until then the instance shows "guarding…");
 * - the first violation after readiness: from a write outside the new instance's zone to the
 *   event arriving in the real page in Chromium (the web mode's WebSocket, listened to in the page).
 *
 * Each figure idle and beside two CPU-bound loops (bench/support/cpu-load.ts). A set is one
 * repository given ROUNDS new worktrees one after another; the p95 of ten rounds is their slowest,
 * so SETS sets are run (each on a fresh repository) and each figure is the median of the sets'.
 *
 *   npm run build && npx tsx bench/zones-new-worktree.bench.ts
 *   ZONES_NEW_WORKTREE_FILES=2000 ZONES_NEW_WORKTREE_ROUNDS=12 ZONES_NEW_WORKTREE_SETS=5 npx tsx bench/zones-new-worktree.bench.ts
 *
 * Goals (issue 11): readiness p95 under 1 s; first violation p95 under 200 ms. A missed goal exits non-zero.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';
import { median } from './support/cpu-load';
import { figureOf, inBothConditions, reportFigures } from './support/report';

const FILES = Number(process.env.ZONES_NEW_WORKTREE_FILES ?? 600);
const ROUNDS = Number(process.env.ZONES_NEW_WORKTREE_ROUNDS ?? 10);
const SETS = Number(process.env.ZONES_NEW_WORKTREE_SETS ?? 3);
const ROOT = fileURLToPath(new URL('..', import.meta.url));
// tsx runs this file as an ES module; appRoot (main/shared/app-root.ts) reads __dirname to find dist/cli.
(globalThis as { __dirname?: string }).__dirname ??= path.join(ROOT, 'main', 'cli');
const GIT_ENV = { ...process.env, GIT_AUTHOR_NAME: 'b', GIT_AUTHOR_EMAIL: 'b@b.invalid', GIT_COMMITTER_NAME: 'b', GIT_COMMITTER_EMAIL: 'b@b.invalid' };
const FOLDERS = ['lib/pages', 'lib/widgets', 'lib/services', 'docs', 'supabase/functions', 'supabase/migrations', 'web', '.github/workflows'];

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, env: GIT_ENV, encoding: 'utf8' });
}

function makeRepo(): string {
  const root = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'lanes-new-worktree-bench-')));
  for (let index = 0; index < FILES; index += 1) {
    const folder = path.join(root, FOLDERS[index % FOLDERS.length]!);
    mkdirSync(folder, { recursive: true });
    writeFileSync(path.join(folder, `file${index}.txt`), `${index}\n`);
  }
  writeFileSync(path.join(root, 'lanes.yml'), 'instances: []\n');
  git(root, 'init', '-q', '-b', 'main');
  git(root, 'add', '-A');
  git(root, 'commit', '-q', '-m', 'init');
  return root;
}

function lanesYml(count: number): string {
  const lines = ['instances:'];
  for (let index = 1; index <= count; index += 1) lines.push(`  - name: agent${index}`, `    branch: lanes/agent${index}`, `    worktree: ../wt-agent${index}`, '    zones: [lib/]');
  return `${lines.join('\n')}\n`;
}

const epochNow = () => performance.timeOrigin + performance.now();

interface Figures {
  readonly ready: number[];
  readonly firstViolation: number[];
}

async function run(label: string): Promise<Figures> {
  const { Lanes } = await import('../main/app/lanes');
  const { startWebServer } = await import('../main/web/server');
  const root = makeRepo();
  const userDataDir = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'lanes-new-worktree-bench-data-')));
  const core = new Lanes({ userDataDir, platform: { mode: 'web' }, version: 'bench' });
  const server = await startWebServer({ core, staticDir: path.join(ROOT, 'dist', 'renderer'), log: () => undefined });
  const browser = await chromium.launch(existsSync('/usr/bin/chromium') ? { executablePath: '/usr/bin/chromium' } : {});
  const worktrees: string[] = [];
  const ready: number[] = [];
  const firstViolation: number[] = [];
  /** From the lanes.yml write to the watcher listing the new checkout (the rest of readiness is its crawl). */
  const noticed: number[] = [];
  /** From the write to the core emitting its violation (the rest of the first violation's wait is the transport and the page). */
  const emitted: number[] = [];
  const emittedAt = new Map<string, number>();
  try {
    let watched: ((watchers: Array<{ checkout: string; state: string }>) => void) | null = null;
    core.onEvent((name, payload) => {
      if (name === 'zones.enforcementChanged') watched?.((payload as { watchers: Array<{ checkout: string; state: string }> }).watchers);
      if (name === 'zones.violationsAdded') for (const violation of (payload as { added: Array<{ path: string }> }).added) if (!emittedAt.has(violation.path)) emittedAt.set(violation.path, epochNow());
    });
    const opened = await core.call('workspace.open', { path: root });
    if (!opened.ok) throw new Error(opened.error.message);
    await core.call('zones.enforcement', {});
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${server.port}/?token=${server.token}`);
    await page.evaluate(async (url) => {
      const arrivals: Record<string, number> = {};
      const waiters: Record<string, (at: number) => void> = {};
      (window as unknown as { arrival(key: string): Promise<number> }).arrival = (key) =>
        new Promise((resolve) => (arrivals[key] !== undefined ? resolve(arrivals[key]) : (waiters[key] = resolve)));
      const socket = new WebSocket(url);
      socket.addEventListener('message', (event) => {
        const at = performance.timeOrigin + performance.now();
        if (typeof event.data !== 'string') return;
        const message = JSON.parse(event.data) as { t: string; name?: string; payload?: { added?: Array<{ path: string }> } };
        if (message.t !== 'event' || message.name !== 'zones.violationsAdded') return;
        for (const violation of message.payload?.added ?? []) {
          arrivals[violation.path] ??= at;
          waiters[violation.path]?.(at);
        }
      });
      await new Promise((resolve, reject) => {
        socket.addEventListener('open', resolve);
        socket.addEventListener('error', reject);
      });
    }, `ws://127.0.0.1:${server.port}/api?token=${server.token}`);

    for (let round = 1; round <= ROUNDS; round += 1) {
      const worktree = path.join(path.dirname(root), `wt-agent${round}`);
      git(root, 'worktree', 'add', '-q', '-b', `lanes/agent${round}`, worktree);
      worktrees.push(worktree);
      let listed = Number.NaN;
      const isReady = new Promise<number>((resolve) => {
        watched = (watchers) => {
          if (Number.isNaN(listed) && watchers.some((status) => status.checkout === worktree)) listed = performance.now();
          if (watchers.some((status) => status.checkout === worktree) && watchers.every((status) => status.state === 'watching')) resolve(performance.now());
        };
      });
      const started = performance.now();
      writeFileSync(path.join(root, 'lanes.yml'), lanesYml(round));
      ready.push((await isReady) - started);
      noticed.push(listed - started);
      watched = null;
      const relative = `docs/written-by-agent${round}.md`;
      const arrived = page.evaluate((key) => (window as unknown as { arrival(key: string): Promise<number> }).arrival(key), relative);
      const writtenAt = epochNow();
      await writeFile(path.join(worktree, relative), 'outside the zone\n');
      firstViolation.push((await arrived) - writtenAt);
      emitted.push((emittedAt.get(relative) ?? Number.NaN) - writtenAt);
    }
  } finally {
    await browser.close();
    await server.close();
    await core.dispose();
    for (const worktree of worktrees) git(root, 'worktree', 'remove', '--force', worktree);
    rmSync(root, { recursive: true, force: true });
    rmSync(userDataDir, { recursive: true, force: true });
  }
  console.log(`${label}: readiness ${line(ready)} (of which lanes.yml change to the new checkout listed: ${line(noticed)}); first violation in the page ${line(firstViolation)} (of which write to the core's event: ${line(emitted)})`);
  return { ready, firstViolation };
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function line(values: readonly number[]): string {
  return `median ${median(values).toFixed(0)} ms, p95 ${percentile(values, 95).toFixed(0)} ms, max ${Math.max(...values).toFixed(0)} ms (${values.length} new worktrees)`;
}

if (!existsSync(path.join(ROOT, 'dist', 'renderer', 'index.html'))) {
  console.error('Build the renderer first (npm run build): the first violation is timed in the real page.');
  process.exit(1);
}
console.log(`zones new-worktree bench: ${FILES} files, ${ROUNDS} new worktrees per set, ${SETS} sets, ${os.cpus().length} cores, load ${os.loadavg().map((value) => value.toFixed(2)).join(' ')}`);

/** The sets of one condition, each on a fresh repository: the medians and p95s of each set. */
async function sets(label: string): Promise<{ readyP95: number[]; readyMedian: number[]; firstP95: number[]; firstMedian: number[] }> {
  const figures: Figures[] = [];
  for (let set = 1; set <= SETS; set += 1) figures.push(await run(`${label}, set ${set}`));
  return {
    readyP95: figures.map((figure) => percentile(figure.ready, 95)),
    readyMedian: figures.map((figure) => median(figure.ready)),
    firstP95: figures.map((figure) => percentile(figure.firstViolation, 95)),
    firstMedian: figures.map((figure) => median(figure.firstViolation)),
  };
}

const both = await inBothConditions((condition) => sets(condition === 'idle' ? 'idle' : 'beside two CPU-bound loops'));
const of = (pick: (figures: Awaited<ReturnType<typeof sets>>) => number[]) => ({ idle: median(pick(both.idle)), loaded: median(pick(both.loaded)) });
const met = reportFigures('zones-new-worktree', [
  figureOf(`new worktree: first violation in the page p95 (median of ${SETS} sets of ${ROUNDS})`, 'ms', { op: '<', value: 200 }, of((figures) => figures.firstP95), both.load),
  figureOf('of which the median', 'ms', null, of((figures) => figures.firstMedian), both.load),
  figureOf(`new worktree: readiness p95 (median of ${SETS} sets of ${ROUNDS})`, 'ms', { op: '<', value: 1000 }, of((figures) => figures.readyP95), both.load),
  figureOf('of which the median', 'ms', null, of((figures) => figures.readyMedian), both.load),
]);
process.exit(met ? 0 : 1);
