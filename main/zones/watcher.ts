import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import watcher from '@parcel/watcher';
import type { Violation, WatcherStatus } from '../contract/zones';
import { IgnoreOracle } from './ignore-oracle';
import { normalizeRepoPath } from './matcher';
import type { ZoneSet } from './zone-set';
import { isAtomicWriteTemp } from '../shared/atomic-file';

const run = promisify(execFile);

/** One checkout to watch and the instances that work in it. */
export interface WatchTarget {
  readonly checkout: string;
  readonly instances: readonly string[];
}

export type { Violation, WatcherStatus };

export interface ZoneWatcherOptions {
  /** The current zones; read on every batch, so a saved change applies at once. */
  readonly zones: () => ZoneSet;
  readonly mode: () => 'warn' | 'restore';
  readonly onViolations: (added: Violation[]) => void;
  readonly onStatus: (statuses: WatcherStatus[]) => void;
  /** lanes.yml changed in the main checkout (by hand or by git). */
  readonly onConfigChanged?: () => void;
  readonly mainCheckout: string;
}

interface Restored {
  readonly content: Buffer | null;
  readonly until: number;
}

const IGNORED_SEGMENTS = new Set(['.git', 'node_modules']);
/** Claude Code's own git-excluded settings, where Lanes installs the guard and Claude records permissions. */
const CLAUDE_LOCAL_SETTINGS = '.claude/settings.local.json';

/**
 * Watches every checkout with @parcel/watcher (native, one watch per folder, not per file: it
 * was ready in ~0.2 s on a 50,000-file tree where chokidar took ~4 s and one watch per file) and
 * reports writes outside the writer's zones. `.git/`, `node_modules/` and git-ignored paths
 * (asked of one long-running `git check-ignore` per checkout) are never violations. In restore mode the file goes back to its committed state after a copy is
 * kept under `.git/lanes/restored/`.
 */
export class ZoneWatcher {
  private readonly subscriptions: watcher.AsyncSubscription[] = [];
  private statuses: WatcherStatus[] = [];
  private readonly open = new Map<string, Violation>();
  private readonly restored = new Map<string, Restored>();
  private readonly oracles = new Map<string, IgnoreOracle>();
  private nextId = 1;
  private queue: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(private readonly options: ZoneWatcherOptions) {}

  async start(targets: readonly WatchTarget[]): Promise<void> {
    this.statuses = targets.map((target) => ({ checkout: target.checkout, instances: [...target.instances], state: 'starting', message: null }));
    this.options.onStatus(this.statuses);
    const others = targets.map((target) => target.checkout);
    for (const target of targets) this.oracles.set(target.checkout, new IgnoreOracle(target.checkout));
    await Promise.all(
      targets.map(async (target, index) => {
        try {
          const subscription = await watcher.subscribe(
            target.checkout,
            (error, events) => {
              if (error) {
                this.setStatus(index, 'failed', watchFailure(target.checkout, error));
                return;
              }
              this.enqueue(() => this.handle(target, others, events));
            },
            { ignore: ['.git', 'node_modules', '**/node_modules'] },
          );
          if (this.stopped) await subscription.unsubscribe();
          else this.subscriptions.push(subscription);
          this.setStatus(index, 'watching', null);
        } catch (error) {
          this.setStatus(index, 'failed', watchFailure(target.checkout, error));
        }
      }),
    );
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.subscriptions.splice(0).map((subscription) => subscription.unsubscribe()));
    await this.queue;
    for (const oracle of this.oracles.values()) oracle.close();
    this.oracles.clear();
  }

  /** Forgets logged violations (all, or one instance's), so the same file is reported anew. */
  clear(instance?: string): void {
    for (const [key, violation] of this.open) {
      if (instance === undefined || violation.instance === instance || violation.instances.includes(instance)) this.open.delete(key);
    }
  }

  private setStatus(index: number, state: WatcherStatus['state'], message: string | null): void {
    this.statuses = this.statuses.map((status, i) => (i === index ? { ...status, state, message } : status));
    this.options.onStatus(this.statuses);
  }

  private enqueue(task: () => Promise<void>): void {
    this.queue = this.queue.then(task).catch((error: unknown) => console.error('Lanes: the zone watcher failed on a batch of changes:', error));
  }

  private async handle(target: WatchTarget, checkouts: readonly string[], events: readonly watcher.Event[]): Promise<void> {
    if (this.stopped) return;
    const changes = new Map<string, watcher.Event['type']>();
    for (const event of events) {
      const relative = path.relative(target.checkout, event.path);
      if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) continue;
      const repoPath = normalizeRepoPath(relative);
      if (repoPath === CLAUDE_LOCAL_SETTINGS || isAtomicWriteTemp(repoPath) || repoPath.split('/').some((segment) => IGNORED_SEGMENTS.has(segment))) continue;
      // A worktree kept inside another checkout is watched on its own.
      if (checkouts.some((other) => other !== target.checkout && isWithin(other, event.path))) continue;
      changes.set(repoPath, event.type);
    }
    if (changes.size === 0) return;
    const oracle = this.oracles.get(target.checkout)!;
    if ([...changes.keys()].some((repoPath) => repoPath === '.gitignore' || repoPath.endsWith('/.gitignore'))) oracle.restart();
    if (target.checkout === this.options.mainCheckout && changes.has('lanes.yml')) {
      // Lanes' own editor writes it here; the guard still keeps agents from editing it.
      changes.delete('lanes.yml');
      this.options.onConfigChanged?.();
    }
    if (target.instances.length === 0) return;

    const zones = this.options.zones();
    const outside: string[] = [];
    for (const repoPath of changes.keys()) {
      if (!target.instances.some((name) => zones.mayWrite(name, repoPath))) outside.push(repoPath);
    }
    if (outside.length === 0) return;
    const candidates = await this.withoutOwnEchoes(target.checkout, await withoutDirectories(target.checkout, outside, changes));
    const ignored = await oracle.ignored(candidates);
    const violating = candidates.filter((repoPath) => !ignored.has(repoPath));
    if (violating.length === 0 || this.stopped) return;

    const restore = this.options.mode() === 'restore';
    const added: Violation[] = [];
    for (const repoPath of violating) {
      const key = `${target.checkout}\0${repoPath}`;
      const previous = this.open.get(key);
      const restored = restore ? await this.restore(target.checkout, repoPath) : false;
      const violation: Violation = {
        id: previous?.id ?? this.nextId++,
        at: new Date().toISOString(),
        checkout: target.checkout,
        instance: target.instances.length === 1 ? target.instances[0]! : null,
        instances: [...target.instances],
        path: repoPath,
        owners: zones.ownersOf(repoPath),
        change: changes.get(repoPath)!,
        writes: (previous?.writes ?? 0) + 1,
        restored,
      };
      this.open.set(key, violation);
      added.push(violation);
    }
    this.options.onViolations(added);
  }

  /** Drops the events our own restores caused: the file is exactly what we put back. */
  private async withoutOwnEchoes(checkout: string, repoPaths: readonly string[]): Promise<string[]> {
    const now = Date.now();
    const kept: string[] = [];
    for (const repoPath of repoPaths) {
      const key = `${checkout}\0${repoPath}`;
      const restored = this.restored.get(key);
      if (restored && restored.until > now) {
        const content = await fs.readFile(path.join(checkout, repoPath)).catch(() => null);
        if ((content === null && restored.content === null) || (content && restored.content && content.equals(restored.content))) continue;
      }
      if (restored) this.restored.delete(key);
      kept.push(repoPath);
    }
    return kept;
  }

  /** Puts the committed version back (or removes a new file), keeping a copy of what was written. */
  private async restore(checkout: string, repoPath: string): Promise<boolean> {
    const absolute = path.join(checkout, repoPath);
    try {
      const gitDir = path.resolve(checkout, (await run('git', ['rev-parse', '--git-dir'], { cwd: checkout })).stdout.trim());
      const current = await fs.readFile(absolute).catch(() => null);
      if (current !== null) {
        const backup = path.join(gitDir, 'lanes', 'restored', new Date().toISOString().replace(/[:.]/g, '-'), repoPath);
        await fs.mkdir(path.dirname(backup), { recursive: true });
        await fs.writeFile(backup, current);
      }
      const committed = await run('git', ['cat-file', 'blob', `HEAD:${repoPath}`], { cwd: checkout, encoding: 'buffer', maxBuffer: 1024 * 1024 * 1024 }).then(
        (result) => result.stdout as Buffer,
        () => null,
      );
      if (committed === null) await fs.rm(absolute, { force: true });
      else {
        await fs.mkdir(path.dirname(absolute), { recursive: true });
        await fs.writeFile(absolute, committed);
      }
      this.restored.set(`${checkout}\0${repoPath}`, { content: committed, until: Date.now() + 5000 });
      return true;
    } catch (error) {
      console.error(`Lanes: could not restore ${repoPath}:`, error);
      return false;
    }
  }
}

/** What to tell the user when watching fails; the watch limit gets the setting to raise. */
export function watchFailure(checkout: string, error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  if (/ENOSPC|No space left on device|max_user_watches/i.test(text)) {
    return `The system's limit on watched folders was reached while watching \`${checkout}\`, so Lanes cannot see writes there. Raise it with \`sudo sysctl fs.inotify.max_user_watches=524288\` (add \`fs.inotify.max_user_watches=524288\` to /etc/sysctl.conf to keep it), then reopen the workspace.`;
  }
  if (/EMFILE|Too many open files|max_user_instances/i.test(text)) {
    return `The system's limit on file watchers was reached while watching \`${checkout}\`, so Lanes cannot see writes there. Raise it with \`sudo sysctl fs.inotify.max_user_instances=1024\`, then reopen the workspace.`;
  }
  return `Lanes could not watch \`${checkout}\` for writes outside the zones: ${text}`;
}

async function withoutDirectories(checkout: string, repoPaths: readonly string[], changes: ReadonlyMap<string, string>): Promise<string[]> {
  const kept: string[] = [];
  await Promise.all(
    repoPaths.map(async (repoPath) => {
      if (changes.get(repoPath) === 'delete') {
        kept.push(repoPath);
        return;
      }
      const stat = await fs.lstat(path.join(checkout, repoPath)).catch(() => null);
      if (stat === null || !stat.isDirectory()) kept.push(repoPath);
    }),
  );
  return kept.sort();
}

function isWithin(folder: string, candidate: string): boolean {
  const relative = path.relative(folder, candidate);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}
