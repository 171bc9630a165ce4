import { promises as fs, lstatSync, readdirSync, type Dirent } from 'node:fs';
import path from 'node:path';
import watcher from '@parcel/watcher';
import type { Violation, WatcherStatus } from '../contract/zones';
import { IgnoreOracle } from './ignore-oracle';
import { normalizeRepoPath } from './matcher';
import type { ZoneSet } from './zone-set';
import { CLAUDE_LOCAL_SETTINGS } from '../shared/agent-files';
import { isAtomicWriteTemp } from '../shared/atomic-file';
import { removeInsideCheckout, writeInsideCheckout, type WritePlace } from '../shared/checkout-file';
import { git, gitBytesOrNull, gitOrNull } from '../shared/git';
import { ignoresCase, isInside, makeFolderInside } from '../shared/path-guard';
import { CONFIG_FILE } from '../workspace/config';

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
  readonly mainCheckout: string;
  /**
   * Whether a path in a linked worktree is that worktree's own copy of a coordination file (the
   * home's requests or memory folder, shared-state file or lanes.yml). Such a copy is nobody's zone,
   * even where the common zones list the path: the one that counts is in the home.
   */
  readonly isCoordinationCopy: (checkout: string, repoPath: string) => boolean;
}

interface Restored {
  readonly content: Buffer | null;
  readonly until: number;
}

/**
 * Shared by every watcher of the process: the zones room starts a new one when lanes.yml moves an
 * instance, and its log replaces entries by id, so a new watcher must not reuse the old one's ids.
 */
let nextViolationId = 1;

const IGNORED_SEGMENTS = new Set(['.git', 'node_modules']);
/**
 * Not watched at all: the checkout's `.git` and `node_modules`, and, in repositories with
 * packages below the top folder, nested `node_modules` folders (written as a RegExp: picomatch's
 * translation of the any-depth glob, a lookahead at every character, cost more still). The
 * watcher tests every path of its first crawl against such a pattern with std::regex, which made
 * the crawl of a 50,000-file checkout ~40% slower, so it is only used where nested
 * `node_modules` can exist. Writes in any `node_modules` are dropped in `handle` either way.
 */
const IGNORED_BY_WATCHER = ['.git', 'node_modules'];
const IGNORED_WITH_NESTED_PACKAGES = [...IGNORED_BY_WATCHER, /(?:^|[\\/])node_modules$/];
/** Changes to a reported file this soon after its last one are the rest of that write. */
const SAME_WRITE_MS = 400;
/** Longer than @parcel/watcher's longest wait between two batches of one burst (500 ms). */
const DELETE_QUIET_MS = 700;
/** A folder moved in with more files than this is judged by its first ones (the rest come as the user touches them). */
const NEW_FOLDER_FILE_LIMIT = 10_000;
/** How long a change Lanes made itself (a restore, a file moved home) is recognised as its own echo. */
const OWN_CHANGE_MS = 5000;
/**
 * Named, so @parcel/watcher does not first look for watchman: that probe runs a shell for each
 * watch, which stays behind as a child process of Lanes.
 */
const NATIVE_BACKEND: watcher.BackendType = process.platform === 'darwin' ? 'fs-events' : process.platform === 'win32' ? 'windows' : 'inotify';

/**
 * Watches every checkout with @parcel/watcher (native, one watch per folder, not per file: it
 * was ready in ~0.2 s on a 50,000-file tree where chokidar took ~4 s and one watch per file) and
 * reports writes outside the writer's zones. `.git/`, `node_modules/` and git-ignored paths
 * (asked of one long-running `git check-ignore` per checkout) are never violations. In restore
 * mode the file goes back to its committed state after a copy is kept under
 * `.git/lanes/restored/`.
 */
export class ZoneWatcher {
  private readonly subscriptions = new Map<string, watcher.AsyncSubscription>();
  /** Deletes in linked worktrees, judged once the checkout has been quiet (see `holdDeletes`). */
  private readonly heldDeletes = new Map<string, { readonly paths: Set<string>; timer: NodeJS.Timeout }>();
  private statuses: WatcherStatus[] = [];
  /** The last report of each file, with how the file looked then (`fileStamp`). */
  private readonly open = new Map<string, { readonly violation: Violation; readonly stamp: string; readonly seen: number }>();
  private readonly restored = new Map<string, Restored>();
  private readonly oracles = new Map<string, IgnoreOracle>();
  private queue: Promise<void> = Promise.resolve();
  private stopped = false;
  /** What each watched checkout is watched for, by checkout; read when its changes arrive. */
  private targets = new Map<string, WatchTarget>();
  private ignore: Array<string | RegExp> | null = null;

  constructor(private readonly options: ZoneWatcherOptions) {}

  /**
   * Watches exactly these checkouts, for these instances: a checkout already watched keeps its
   * watch (only its instances change), a new one is watched, one no longer listed is let go. So a
   * new instance's worktree is watched after one crawl of its own, and the others never stop.
   * A main checkout no instance works in is not watched: it has no write to judge, and the
   * config service watches lanes.yml.
   */
  async update(targets: readonly WatchTarget[]): Promise<void> {
    if (this.stopped) return;
    const wanted = targets.filter((target) => target.checkout !== this.options.mainCheckout || target.instances.length > 0);
    this.targets = new Map(wanted.map((target) => [target.checkout, target]));
    for (const checkout of [...this.subscriptions.keys()]) if (!this.targets.has(checkout)) await this.release(checkout);
    this.statuses = wanted.map((target) => {
      const kept = this.subscriptions.has(target.checkout) ? this.statuses.find((status) => status.checkout === target.checkout) : undefined;
      return { checkout: target.checkout, instances: [...target.instances], state: kept?.state ?? 'starting', message: kept?.message ?? null };
    });
    this.options.onStatus(this.statuses);
    this.ignore ??= (await tracksNestedPackages(this.options.mainCheckout)) ? IGNORED_WITH_NESTED_PACKAGES : IGNORED_BY_WATCHER;
    // One checkout at a time. @parcel/watcher crawls a tree on a thread of libuv's pool (4
    // threads) and its inotify backend lets only one crawl run at once, so subscribing to all
    // at once ran them one by one anyway while parking every pool thread on that lock: each file
    // read of the process (opening the workspace itself) waited for all the crawls. In turn, the
    // crawls take as long and the pool stays free.
    for (const target of wanted) {
      if (this.stopped) return;
      if (this.subscriptions.has(target.checkout) || this.targets.get(target.checkout) !== target) continue;
      const checkout = target.checkout;
      if (!this.oracles.has(checkout)) this.oracles.set(checkout, new IgnoreOracle(checkout));
      // Git's ignore checker starts and reads the index while the watcher library crawls the tree:
      // "watching" means ready to judge, so the first write is not slowed by git starting.
      const judging = this.oracles.get(checkout)!.prepare().catch(() => undefined);
      try {
        const subscription = await watcher.subscribe(
          checkout,
          (error, events) => {
            if (error) {
              this.setStatus(checkout, 'failed', watchFailure(checkout, error));
              return;
            }
            this.enqueue(() => this.handle(checkout, events));
          },
          { ignore: this.ignore, backend: NATIVE_BACKEND },
        );
        if (this.stopped || !this.targets.has(checkout)) {
          await subscription.unsubscribe();
          continue;
        }
        this.subscriptions.set(checkout, subscription);
        await judging;
        if (this.stopped || !this.subscriptions.has(checkout)) continue;
        this.setStatus(checkout, 'watching', null);
      } catch (error) {
        this.setStatus(checkout, 'failed', watchFailure(checkout, error));
      }
    }
  }

  /**
   * Starts each checkout's `git check-ignore` ahead of the first write it must judge, so that
   * write is not slowed by git starting and reading the index. Call it once Lanes' own setup
   * (which adds to `info/exclude`, restarting those processes) is done.
   */
  prepareIgnoreChecks(): void {
    if (this.stopped) return;
    // Should git fail to start now, the first question tries again.
    for (const oracle of this.oracles.values()) void oracle.prepare().catch(() => undefined);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const held of this.heldDeletes.values()) clearTimeout(held.timer);
    this.heldDeletes.clear();
    const subscriptions = [...this.subscriptions.values()];
    this.subscriptions.clear();
    // A folder deleted under its watch (a removed worktree) has lost its inotify watches already,
    // and the library then fails with "Unable to remove watcher: Invalid argument": nothing is left to stop.
    await Promise.all(subscriptions.map((subscription) => subscription.unsubscribe().catch(() => undefined)));
    await this.queue;
    for (const oracle of this.oracles.values()) oracle.close();
    this.oracles.clear();
  }

  /** Forgets logged violations (all, or one instance's), so the same file is reported anew. */
  clear(instance?: string): void {
    for (const [key, { violation }] of this.open) {
      if (instance === undefined || violation.instance === instance || violation.instances.includes(instance)) this.open.delete(key);
    }
  }

  private setStatus(checkout: string, state: WatcherStatus['state'], message: string | null): void {
    this.statuses = this.statuses.map((status) => (status.checkout === checkout ? { ...status, state, message } : status));
    this.options.onStatus(this.statuses);
  }

  private enqueue(task: () => Promise<void>): void {
    this.queue = this.queue.then(task).catch((error: unknown) => console.error('Lanes: the zone watcher failed on a batch of changes:', error));
  }

  private async handle(checkout: string, events: readonly watcher.Event[]): Promise<void> {
    const target = this.targets.get(checkout);
    if (this.stopped || !target || !this.subscriptions.has(checkout)) return;
    const checkouts = [...this.targets.keys()];
    const changes = new Map<string, watcher.Event['type']>();
    const rule = { ignoreCase: ignoresCase(target.checkout) };
    const take = (absolute: string, type: watcher.Event['type']) => {
      const relative = path.relative(target.checkout, absolute);
      if (relative === '' || !isInside(target.checkout, absolute, rule)) return;
      const repoPath = normalizeRepoPath(relative);
      if (repoPath === CLAUDE_LOCAL_SETTINGS || isAtomicWriteTemp(repoPath) || repoPath.split('/').some((segment) => IGNORED_SEGMENTS.has(segment))) return;
      // A worktree kept inside another checkout is watched on its own.
      if (checkouts.some((other) => other !== target.checkout && isInside(other, absolute, rule))) return;
      changes.set(repoPath, type);
    };
    for (const event of events) {
      take(event.path, event.type);
      if (event.type === 'create') for (const inside of filesInNewFolder(event.path)) take(inside, 'create');
    }
    if (target.checkout === this.options.mainCheckout) {
      // Lanes' own editor writes it here; the config service hears of it, and the guard still keeps agents from editing it.
      changes.delete(CONFIG_FILE);
    } else if (this.holdDeletes(target, changes)) {
      return;
    }
    await this.judge(target, changes);
  }

  /**
   * Removing a worktree (Lanes' "Remove instance", or \`git worktree remove\`) deletes every file
   * in it, and those deletes are nobody's violation. They arrive over one or more batches (the
   * first event of a burst alone, then at most every 500 ms) while the folder still exists, so a
   * linked worktree's deletes wait until its events have been quiet for a moment: by then a
   * removed worktree is gone, and the watch on it is let go without a word. Returns whether the
   * checkout is already gone.
   */
  private holdDeletes(target: WatchTarget, changes: Map<string, watcher.Event['type']>): boolean {
    if (!isCheckout(target.checkout)) {
      this.enqueue(() => this.release(target.checkout));
      return true;
    }
    const held = this.heldDeletes.get(target.checkout);
    const deletes = [...changes].filter(([, type]) => type === 'delete').map(([repoPath]) => repoPath);
    if (deletes.length === 0 && !held) return false;
    for (const repoPath of deletes) changes.delete(repoPath);
    if (held) clearTimeout(held.timer);
    const paths = held?.paths ?? new Set<string>();
    for (const repoPath of deletes) paths.add(repoPath);
    // A path written again since it was deleted is judged as that write.
    for (const repoPath of changes.keys()) paths.delete(repoPath);
    const timer = setTimeout(() => {
      this.heldDeletes.delete(target.checkout);
      this.enqueue(async () => {
        if (this.stopped) return;
        if (!isCheckout(target.checkout)) return this.release(target.checkout);
        await this.judge(target, new Map([...paths].map((repoPath) => [repoPath, 'delete' as const])));
      });
    }, DELETE_QUIET_MS);
    timer.unref();
    this.heldDeletes.set(target.checkout, { paths, timer });
    return false;
  }

  /** Stops watching a checkout that is no longer there (its worktree was removed). */
  private async release(checkout: string): Promise<void> {
    const subscription = this.subscriptions.get(checkout);
    if (!subscription) return;
    this.subscriptions.delete(checkout);
    this.targets.delete(checkout);
    const held = this.heldDeletes.get(checkout);
    if (held) clearTimeout(held.timer);
    this.heldDeletes.delete(checkout);
    this.oracles.get(checkout)?.close();
    this.oracles.delete(checkout);
    for (const key of [...this.open.keys()]) if (key.startsWith(`${checkout}\0`)) this.open.delete(key);
    this.statuses = this.statuses.filter((status) => status.checkout !== checkout);
    this.options.onStatus(this.statuses);
    await subscription.unsubscribe().catch(() => undefined);
  }

  private async judge(target: WatchTarget, changes: ReadonlyMap<string, watcher.Event['type']>): Promise<void> {
    if (changes.size === 0 || this.stopped) return;
    const oracle = this.oracles.get(target.checkout);
    if (!oracle) return;
    if ([...changes.keys()].some((repoPath) => repoPath === '.gitignore' || repoPath.endsWith('/.gitignore'))) oracle.restart();
    if (target.instances.length === 0) return;

    const zones = this.options.zones();
    const outside: string[] = [];
    const linked = target.checkout !== this.options.mainCheckout;
    for (const repoPath of changes.keys()) {
      const copy = linked && this.options.isCoordinationCopy(target.checkout, repoPath);
      if (copy || !target.instances.some((name) => zones.mayWrite(name, repoPath))) outside.push(repoPath);
    }
    if (outside.length === 0) return;
    const candidates = await this.withoutOwnEchoes(target.checkout, withoutDirectories(target.checkout, outside, changes));
    const ignored = await oracle.ignored(candidates);
    const violating = candidates.filter((repoPath) => !ignored.has(repoPath));
    if (violating.length === 0 || this.stopped) return;

    const restore = this.options.mode() === 'restore';
    const added: Violation[] = [];
    for (const repoPath of violating) {
      const key = `${target.checkout}\0${repoPath}`;
      const previous = this.open.get(key);
      // One write can arrive as two batches (a burst's first event comes alone, the rest after
      // it): a file just as it was when last reported, or changed again right after, is that same
      // write. Its entry is brought up to date, and counts one write.
      const stamp = fileStamp(path.join(target.checkout, repoPath));
      const now = Date.now();
      if (previous && previous.stamp === stamp) continue;
      const sameWrite = previous !== undefined && now - previous.seen < SAME_WRITE_MS;
      if (sameWrite) {
        this.open.set(key, { ...previous, stamp, seen: now });
        continue;
      }
      const restored = restore ? await this.restore(target.checkout, repoPath) : false;
      const violation: Violation = {
        id: previous?.violation.id ?? nextViolationId++,
        at: new Date().toISOString(),
        checkout: target.checkout,
        instance: target.instances.length === 1 ? target.instances[0]! : null,
        instances: [...target.instances],
        path: repoPath,
        owners: zones.ownersOf(repoPath),
        change: changes.get(repoPath)!,
        writes: (previous?.violation.writes ?? 0) + 1,
        restored,
      };
      this.open.set(key, { violation, stamp, seen: now });
      added.push(violation);
    }
    if (added.length > 0) this.options.onViolations(added);
  }

  /** A change Lanes is about to make itself (see `ZonesControl`): its echo is not a violation. */
  expectOwnChange(checkout: string, repoPath: string, content: Buffer | null): void {
    this.restored.set(`${checkout}\0${repoPath}`, { content, until: Date.now() + OWN_CHANGE_MS });
  }

  /** Drops the events our own changes caused: the file is exactly what Lanes put there (or gone, as Lanes left it). */
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

  /**
   * Puts the committed version back (or removes a new file), keeping a copy of what was written.
   * A symbolic link the agent left there is replaced, and kept as a link: Lanes neither reads
   * nor writes what it points at.
   */
  private async restore(checkout: string, repoPath: string): Promise<boolean> {
    const absolute = path.join(checkout, repoPath);
    const place: WritePlace = { root: checkout, what: `the committed version of \`${repoPath}\`` };
    try {
      const gitDir = path.resolve(checkout, (await git(checkout, ['rev-parse', '--git-dir'])).trim());
      const written = await fs.lstat(absolute).catch(() => null);
      if (written?.isFile() || written?.isSymbolicLink()) {
        const backup = path.posix.join('lanes', 'restored', new Date().toISOString().replace(/[:.]/g, '-'), repoPath);
        const backupPlace: WritePlace = { root: gitDir, rootLabel: 'the git folder', what: `the copy of \`${repoPath}\`` };
        if (written.isSymbolicLink()) {
          const target = await fs.readlink(absolute);
          const copy = path.join(gitDir, ...backup.split('/'));
          await makeFolderInside(gitDir, path.dirname(copy), backupPlace);
          await fs.symlink(target, copy);
        } else {
          await writeInsideCheckout(backupPlace, backup, await fs.readFile(absolute));
        }
      }
      const committed = await gitBytesOrNull(checkout, ['cat-file', 'blob', `HEAD:${repoPath}`]);
      if (committed === null) await removeInsideCheckout(place, repoPath);
      else await writeInsideCheckout(place, repoPath, committed, { replaceLink: true });
      this.expectOwnChange(checkout, repoPath, committed);
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

/**
 * Whether the repository tracks a package.json below its top folder: package managers put
 * `node_modules` next to one, so without any, no nested `node_modules` folder is to be expected.
 */
export async function tracksNestedPackages(checkout: string): Promise<boolean> {
  try {
    const stdout = await gitOrNull(checkout, ['ls-files', '-z', '--', ':(glob)*/**/package.json']);
    return stdout === null || stdout.length > 0;
  } catch {
    // Unsure: leave them out of the watch, as the cost of a slower crawl is the smaller risk.
    return true;
  }
}

/**
 * Drops folders (a new folder is an event too). The stats are synchronous on purpose: each takes
 * microseconds, while an asynchronous one waits in libuv's thread pool behind whatever else is
 * queued there (walking a worktree for its size queued ~100,000 stats and held a violation
 * back for seconds).
 */
function withoutDirectories(checkout: string, repoPaths: readonly string[], changes: ReadonlyMap<string, string>): string[] {
  return repoPaths
    .filter((repoPath) => {
      if (changes.get(repoPath) === 'delete') return true;
      const stat = lstatSync(path.join(checkout, repoPath), { throwIfNoEntry: false });
      return stat === undefined || !stat.isDirectory();
    })
    .sort();
}

/**
 * The files already inside a folder that was just created (or moved in). The watcher library
 * starts watching a new folder only once it sees it, so on Linux the files written into it in the
 * same instant (`mkdir -p a/b && echo > a/b/f`) often come with no event of their own.
 */
function filesInNewFolder(folder: string): string[] {
  const stat = lstatSync(folder, { throwIfNoEntry: false });
  if (!stat?.isDirectory()) return [];
  const found: string[] = [];
  const pending = [folder];
  while (pending.length > 0 && found.length < NEW_FOLDER_FILE_LIMIT) {
    const current = pending.pop()!;
    let entries: Dirent[];
    try {
      entries = readdirSync(current, { withFileTypes: true });
    } catch {
      continue; // gone again, or unreadable: its own events (if any) still come
    }
    for (const entry of entries) {
      if (IGNORED_SEGMENTS.has(entry.name)) continue;
      const absolute = path.join(current, entry.name);
      if (entry.isDirectory()) pending.push(absolute);
      else found.push(absolute);
    }
  }
  return found;
}

/** Whether the folder is still a checkout: a removed worktree loses its `.git` and then itself. */
function isCheckout(checkout: string): boolean {
  return lstatSync(path.join(checkout, '.git'), { throwIfNoEntry: false }) !== undefined;
}

/** Which version of a file is there now (identity, size, modification time), or `absent`. */
function fileStamp(file: string): string {
  const stat = lstatSync(file, { bigint: true, throwIfNoEntry: false });
  return stat ? `${stat.ino}:${stat.size}:${stat.mtimeNs}` : 'absent';
}

