/**
 * Zones benchmark: the matcher, `lanes guard`'s start-to-exit time, and the live watcher on
 * several worktrees against the bare watcher library in the same run.
 *
 *   npx tsx bench/zones.bench.ts            (npm run build first, for the guard)
 *   ZONES_BENCH_FILES=50000 ZONES_BENCH_WORKTREES=8 npx tsx bench/zones.bench.ts
 *
 * Goals (issue 5): ≥ 1,000,000 matcher checks/s; guard well under 150 ms; watcher ready within
 * 3 s and write-to-violation p95 under 100 ms.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import watcher from '@parcel/watcher';
import { LanesCore } from '../main/core/lanes-core';
import { ZoneSet } from '../main/zones/zone-set';

const FILES = Number(process.env.ZONES_BENCH_FILES ?? 50_000);
const WORKTREES = Number(process.env.ZONES_BENCH_WORKTREES ?? 8);
const SAMPLES = Number(process.env.ZONES_BENCH_SAMPLES ?? 60);
const ROOT = fileURLToPath(new URL('..', import.meta.url));
// tsx runs this file as an ES module, where CommonJS's __dirname does not exist; the core's
// app-paths helper (written for the CommonJS bundle) reads it to find dist/cli for the hooks.
(globalThis as { __dirname?: string }).__dirname ??= path.join(ROOT, 'main', 'cli');
const GIT_ENV = { ...process.env, GIT_AUTHOR_NAME: 'b', GIT_AUTHOR_EMAIL: 'b@b.invalid', GIT_COMMITTER_NAME: 'b', GIT_COMMITTER_EMAIL: 'b@b.invalid' };

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, env: GIT_ENV, encoding: 'utf8', maxBuffer: 1 << 30 });
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const ms = (value: number) => `${value.toFixed(1)} ms`;
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

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
  const timed = (label: string, check: (p: string) => boolean) => {
    let hits = 0;
    const cpu = process.cpuUsage();
    const started = performance.now();
    for (const p of paths) if (check(p)) hits += 1;
    const wall = performance.now() - started;
    const used = process.cpuUsage(cpu);
    const cpuMs = (used.user + used.system) / 1000;
    // CPU time as well as wall time: on a shared machine the wall clock counts other people's work.
    console.log(
      `matcher: ${label} on 1,000,000 paths x 8 zones of 10 patterns: wall ${ms(wall)} = ${Math.round(1e9 / wall).toLocaleString('en')}/s; CPU ${ms(cpuMs)} = ${Math.round(1e9 / cpuMs).toLocaleString('en')}/s (${hits} hits)`,
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
  const node = Array.from({ length: 15 }, () => run(['-e', '0']).ms);
  const times = Array.from({ length: 15 }, () => run([guard, '--workspace', workspace, '--instance', 'agent2']));
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
    worktrees.push(worktree);
  }
  return { root, worktrees, cleanup: () => rmSync(base, { recursive: true, force: true }) };
}

async function benchBareWatcher(worktrees: string[]): Promise<void> {
  const rssBefore = process.memoryUsage().rss;
  const waiting = new Map<string, (at: number) => void>();
  const started = performance.now();
  const subscriptions = await Promise.all(
    worktrees.map((worktree) =>
      watcher.subscribe(
        worktree,
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
    const file = path.join(worktrees[i % worktrees.length]!, `pkg${(i + 1) % 8}`, `bare-${i}.ts`);
    const seen = new Promise<number>((resolve) => waiting.set(file, resolve));
    const written = performance.now();
    await writeFile(file, 'x');
    latencies.push((await seen) - written);
    await new Promise((resolve) => setTimeout(resolve, 15));
  }
  const rss = process.memoryUsage().rss;
  await Promise.all(subscriptions.map((subscription) => subscription.unsubscribe()));
  console.log(`bare @parcel/watcher: ready ${ms(ready)}, process RSS ${mb(rssBefore)} before, ${mb(rss)} watching, write-to-callback p50 ${ms(percentile(latencies, 50))}, p95 ${ms(percentile(latencies, 95))}`);
}

async function benchLanesWatcher(root: string, worktrees: string[]): Promise<void> {
  const userData = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'lanes-zones-bench-data-')));
  const core = new LanesCore({ userDataDir: userData, platform: { mode: 'web' }, version: 'bench' });
  const rssBefore = process.memoryUsage().rss;
  const waiting = new Map<string, (at: number) => void>();
  core.onEvent((name, payload) => {
    if (name !== 'zones.violationsAdded') return;
    const now = performance.now();
    for (const violation of (payload as { added: Array<{ checkout: string; path: string }> }).added) waiting.get(path.join(violation.checkout, violation.path))?.(now);
  });
  const started = performance.now();
  await core.call('workspace.open', { path: root });
  const opened = performance.now() - started;
  const enforcement = await core.call('zones.enforcement', {});
  const ready = performance.now() - started;
  const states = enforcement.ok ? (enforcement.value as { watchers: Array<{ state: string }> }).watchers.map((w) => w.state) : [];
  const latencies: number[] = [];
  for (let i = 0; i < SAMPLES; i += 1) {
    // Written outside the writer's zone, so each write is a violation.
    const file = path.join(worktrees[i % worktrees.length]!, `pkg${((i % worktrees.length) + 1) % 8}`, `lanes-${i}.ts`);
    const seen = new Promise<number>((resolve) => waiting.set(file, resolve));
    const written = performance.now();
    await writeFile(file, 'x');
    const at = await Promise.race([seen, new Promise<number>((resolve) => setTimeout(() => resolve(Number.NaN), 5000))]);
    latencies.push(at - written);
    await new Promise((resolve) => setTimeout(resolve, 15));
  }
  const rss = process.memoryUsage().rss;
  await core.dispose();
  rmSync(userData, { recursive: true, force: true });
  const lost = latencies.filter((value) => Number.isNaN(value)).length;
  const measured = latencies.filter((value) => !Number.isNaN(value));
  console.log(
    `Lanes zone watcher (${states.filter((s) => s === 'watching').length}/${states.length} checkouts watching): workspace open ${ms(opened)}, all watching ${ms(ready)} after the open began (hooks installed too), process RSS ${mb(rssBefore)} before, ${mb(rss)} watching, write-to-violation event p50 ${ms(percentile(measured, 50))}, p95 ${ms(percentile(measured, 95))}${lost ? `, ${lost} not seen within 5 s` : ''}`,
  );
}

async function main(): Promise<void> {
  console.log(`zones bench on ${os.cpus().length} cores, load ${os.loadavg()[0]!.toFixed(2)}`);
  benchMatcher();
  if (process.env.ZONES_BENCH_ONLY === 'matcher') return;
  const prepared = performance.now();
  const repo = makeRepo();
  console.log(`setup: ${FILES.toLocaleString('en')}-file repository with ${WORKTREES} worktrees in ${ms(performance.now() - prepared)}`);
  try {
    benchGuard(repo.root);
    await benchBareWatcher(repo.worktrees);
    await benchLanesWatcher(repo.root, repo.worktrees);
  } finally {
    for (const worktree of repo.worktrees) git(repo.root, 'worktree', 'remove', '--force', worktree);
    repo.cleanup();
  }
}

void main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
