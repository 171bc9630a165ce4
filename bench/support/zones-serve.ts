/**
 * The Lanes side of bench/zones.bench.ts, in a process of its own: the real core behind the real
 * web mode, as `lanes serve` runs them. The bench bundles this file with esbuild as the app's own
 * build bundles `lanes serve` (dependencies left to node_modules) and runs it under plain Node,
 * so the process it measures holds what the shipped one does: run through tsx it also held the
 * TypeScript loader and its transpiled sources (about 45 MB more). It writes JSON lines: its
 * report once every checkout is watched, then when a write reaches @parcel/watcher (`probe`) and
 * when the core emits its violation (`emitted`).
 *
 *   node <bundle> <root> <user-data> <worktree>...
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import watcher from '@parcel/watcher';
import { Lanes } from '../../main/app/lanes';
import { appRoot } from '../../main/shared/app-root';
import { startWebServer } from '../../main/web/server';

import { clockNow, mb, ms, PROBE_FOLDER } from './zones-shared';

const ROOT = appRoot();

/** What the Lanes process reports once every checkout is watched. */
export interface ServerReport {
  readonly port: number;
  readonly token: string;
  /** From the start of `workspace.open`: the call's answer, every checkout watching, hooks installed too. */
  readonly opened: number;
  readonly watching: number;
  readonly enforced: number;
  readonly states: string[];
  readonly rssBefore: number;
  readonly rssWatching: number;
}

/** The Lanes side, in its own process: the real core behind the real web mode, as `lanes serve` runs them. */
export async function serve(root: string, worktrees: readonly string[], userDataDir: string): Promise<void> {
  const core = new Lanes({ userDataDir, platform: { mode: 'web' }, version: 'bench' });
  const staticDir = existsSync(path.join(ROOT, 'dist', 'renderer', 'index.html')) ? path.join(ROOT, 'dist', 'renderer') : userDataDir;
  if (process.env.ZONES_BENCH_DEBUG) {
    const call = core.call.bind(core);
    core.call = async (name, args) => {
      const begun = performance.now();
      const result = await call(name, args);
      console.error(`[lanes] ${String(name)} ${ms(performance.now() - begun)} rss ${mb(process.memoryUsage().rss)}`);
      return result;
    };
  }
  const server = await startWebServer({ core, staticDir, log: () => undefined });
  const rssBefore = process.memoryUsage().rss;
  let watching = Number.NaN;
  const started = performance.now();
  core.onEvent((name, payload) => {
    const states = (payload as { watchers?: Array<{ state: string }> } | null)?.watchers?.map((status) => status.state) ?? [];
    if (process.env.ZONES_BENCH_DEBUG) console.error(`[lanes] ${ms(performance.now() - started)} ${name} ${states.map((state) => state[0]).join('')}`);
    if (name === 'zones.enforcementChanged' && Number.isNaN(watching) && states.length > 0 && states.every((state) => state === 'watching')) watching = performance.now() - started;
  });
  const opened = await core.call('workspace.open', { path: root });
  if (!opened.ok) throw new Error(opened.error.message);
  const openedAt = performance.now() - started;
  const enforcement = await core.call('zones.enforcement', {});
  const enforced = performance.now() - started;
  const states = enforcement.ok ? (enforcement.value as { watchers: Array<{ state: string }> }).watchers.map((status) => status.state) : [];
  const report: ServerReport = { port: server.port, token: server.token, opened: openedAt, watching, enforced, states, rssBefore, rssWatching: process.memoryUsage().rss };
  // For the breakdown: when @parcel/watcher hands this process a write (a second subscription on
  // each worktree's probe folder: the library's debounce and callback thread are shared by every
  // subscription of a process, so it hears of a write when the zone watcher does) and when the
  // core emits its violation. Both on the monotonic clock the bench's other processes share (`clockNow`).
  for (const worktree of worktrees) {
    await watcher.subscribe(path.join(worktree, PROBE_FOLDER), (_error, events) => {
      const at = clockNow();
      for (const event of events) process.stdout.write(`${JSON.stringify({ probe: event.path, at })}\n`);
    });
  }
  core.onEvent((name, payload) => {
    if (name !== 'zones.violationsAdded') return;
    const at = clockNow();
    for (const violation of (payload as { added: Array<{ checkout: string; path: string }> }).added) {
      process.stdout.write(`${JSON.stringify({ emitted: path.join(violation.checkout, violation.path), at })}\n`);
    }
  });
  process.stdout.write(`${JSON.stringify(report)}\n`);
  process.once('SIGTERM', () => {
    void server.close().then(() => core.dispose()).then(() => process.exit(0));
  });
}


if (require.main === module) void serve(process.argv[2]!, process.argv.slice(4), process.argv[3]!);
