import path from 'node:path';
import type { CoordinationState } from '../contract/memory';
import type { RoomContext } from '../core/room';
import type { WorkspaceConfig } from '../contract/workspace';
import { coordinationPaths, type CoordinationPaths } from '../workspace/home';
import { areaPaths, commitCoordinationChanges, coordinationChanges, coordinationCommitMessage, whyCommitIsBlocked } from './coordination-changes';
import { instanceWorktrees, worktreeCopies, type InstanceWorktree } from './move-home';
import { disposableTimeout } from '../shared/disposable';
import { watchFolder, type Disposable } from './watch';

/** How long after each wrap-up Lanes keeps committing the agents' coordination writes as they settle. */
export const AUTO_COMMIT_WINDOW_MS = 10 * 60_000;
/** How long the coordination files must be quiet before an automatic commit: agents write several files in a burst. */
export const AUTO_COMMIT_SETTLE_MS = 3_000;

/**
 * How long a read of the list answers screens that ask again while nothing changed: the Workspace
 * and Memory screens each ask when they open, often within a second of each other, and each read
 * costs two git processes and a look at every changed file (thousands of untracked memory files
 * after a day). After this, a screen that opens reads afresh.
 */
export const READ_REUSE_MS = 2_000;

/** The git files whose change can change the list: the index (a commit, `git add`), HEAD, and the markers of a merge or rebase. */
const GIT_FILES = new Set(['index', 'HEAD', 'MERGE_HEAD', 'CHERRY_PICK_HEAD', 'REVERT_HEAD', 'rebase-merge', 'rebase-apply']);

/** lanes.yml `coordination: { commitOnWrapUp: true }`. */
export function commitsOnWrapUp(config: WorkspaceConfig): boolean {
  const section = (config as { coordination?: unknown }).coordination;
  return typeof section === 'object' && section !== null && (section as { commitOnWrapUp?: unknown }).commitOnWrapUp === true;
}

/**
 * The "Coordination changes" panel of one open workspace: the list of uncommitted changes to the
 * home's coordination files, kept current by watching those folders, the home's git folder and
 * lanes.yml, and announced as `memory.coordinationChanged` whenever it changes; the commit; and
 * the automatic commit after a wrap-up.
 */
export class CoordinationPanel {
  private watchers: Disposable[] = [];
  private configWatch: Disposable | null = null;
  private watchedPaths: string | null = null;
  private announced: string | null = null;
  /** Reads of the list started, and the newest of them that finished (announced, or found the same as announced). */
  private readsStarted = 0;
  private announcedRead = 0;
  private lastCommit: CoordinationState['lastCommit'] = null;
  private autoCommitUntil: number | null = null;
  private autoCommitError: string | null = null;
  private settleTimer: Disposable | null = null;
  private closed = false;
  /**
   * The newest read of the list. Every change the watchers see starts a new one at once (the
   * announcement's), so a read kept here is never older than the last change Lanes heard of.
   */
  private lastRead: { startedAt: number; state: Promise<CoordinationState> } | null = null;

  constructor(
    private readonly home: string,
    private readonly context: RoomContext,
    private readonly settleMs = AUTO_COMMIT_SETTLE_MS,
  ) {}

  /**
   * The list now, for a screen that opens; watching starts with the first call. A read that started
   * less than READ_REUSE_MS ago with nothing changed since (still running, or done) answers it.
   */
  state(): Promise<CoordinationState> {
    const last = this.lastRead;
    if (last && Date.now() - last.startedAt < READ_REUSE_MS) return last.state;
    return this.read();
  }

  /** Reads the list afresh, and keeps the read for screens that ask meanwhile. */
  private read(): Promise<CoordinationState> {
    const entry = { startedAt: Date.now(), state: this.readNow() };
    this.lastRead = entry;
    entry.state.catch(() => {
      if (this.lastRead === entry) this.lastRead = null;
    });
    return entry.state;
  }

  private async readNow(): Promise<CoordinationState> {
    const config = (await this.context.workspaceConfig().read()).config;
    const paths = coordinationPaths(this.home, config.paths);
    const worktrees = instanceWorktrees(paths.home, config.instances);
    this.watch(paths, worktrees);
    const [changes, blockedBy, copies] = await Promise.all([coordinationChanges(paths), whyCommitIsBlocked(this.home), worktreeCopies(paths, worktrees)]);
    if (this.autoCommitUntil !== null && Date.now() > this.autoCommitUntil) this.autoCommitUntil = null;
    return {
      home: paths.home,
      changes,
      summary: changes.length > 0 ? coordinationCommitMessage(changes, paths).split('\n')[0]! : null,
      blockedBy,
      commitOnWrapUp: commitsOnWrapUp(config),
      autoCommitUntil: this.autoCommitUntil === null ? null : new Date(this.autoCommitUntil).toISOString(),
      lastCommit: this.lastCommit,
      autoCommitError: this.autoCommitError,
      areaPaths: Object.fromEntries(areaPaths(paths)) as CoordinationState['areaPaths'],
      worktreeCopies: copies.copies,
      worktreeProblems: copies.problems,
    };
  }

  /** Reads the list again after Lanes moved a worktree's copy home, and tells the screens. */
  refresh(): Promise<CoordinationState> {
    return this.announce();
  }

  async commit(automatic = false): Promise<CoordinationState> {
    const config = (await this.context.workspaceConfig().read()).config;
    const made = await commitCoordinationChanges(coordinationPaths(this.home, config.paths));
    this.lastCommit = { commit: made.commit, summary: made.message.split('\n')[0]!, at: new Date().toISOString(), automatic };
    this.autoCommitError = null;
    return this.announce();
  }

  async setCommitOnWrapUp(enabled: boolean): Promise<CoordinationState> {
    await this.context.workspaceConfig().edit((document) => document.setIn(['coordination', 'commitOnWrapUp'], enabled));
    if (!enabled) this.stopAutoCommit();
    return this.announce();
  }

  /** A wrap-up was sent: with `commitOnWrapUp`, what the agents write next is committed as it settles. */
  async wrapUpSent(): Promise<void> {
    const config = (await this.context.workspaceConfig().read()).config;
    if (!commitsOnWrapUp(config)) return;
    this.autoCommitUntil = Date.now() + AUTO_COMMIT_WINDOW_MS;
    await this.changed();
  }

  close(): void {
    this.closed = true;
    this.stopAutoCommit();
    this.unwatch();
  }

  /**
   * Reads the list again and tells the screens when it differs from what they were last told.
   * Reads overlap (a watcher's and a commit's), and git answers them in any order: a read that
   * started before the one last announced is never announced after it, or the screens would show
   * the changes a commit has just taken.
   */
  private async announce(): Promise<CoordinationState> {
    const read = ++this.readsStarted;
    const state = await this.read();
    const text = JSON.stringify(state);
    if (read > this.announcedRead && !this.closed) {
      this.announcedRead = read;
      if (text !== this.announced) {
        this.announced = text;
        this.context.emit('memory.coordinationChanged', state);
      }
    }
    return state;
  }

  private async changed(): Promise<void> {
    if (this.closed) return;
    try {
      const state = await this.announce();
      if (this.autoCommitUntil !== null && state.changes.length > 0 && state.blockedBy === null) this.commitWhenSettled();
    } catch (error) {
      console.error('Lanes: could not read the coordination changes:', error);
    }
  }

  private commitWhenSettled(): void {
    this.settleTimer?.dispose();
    this.settleTimer = disposableTimeout(() => {
      this.settleTimer = null;
      if (this.closed) return;
      void this.commit(true).catch(async (error: unknown) => {
        this.autoCommitError = `Lanes could not commit the coordination changes after the wrap-up: ${error instanceof Error ? error.message : String(error)}`;
        await this.announce().catch(() => undefined);
      });
    }, this.settleMs);
  }

  private stopAutoCommit(): void {
    this.autoCommitUntil = null;
    this.settleTimer?.dispose();
    this.settleTimer = null;
  }

  private watch(paths: CoordinationPaths, worktrees: readonly InstanceWorktree[]): void {
    const key = JSON.stringify([paths, worktrees.map((worktree) => worktree.checkout)]);
    if (this.closed || this.watchedPaths === key) return;
    this.unwatch();
    this.watchedPaths = key;
    const onChange = () => void this.changed();
    const sharedStateName = path.basename(paths.sharedState);
    this.watchers = [
      watchFolder(paths.memory, paths.home, onChange),
      watchFolder(paths.requests, paths.home, onChange),
      watchFolder(paths.requestsDone, paths.home, onChange),
      watchFolder(path.dirname(paths.sharedState), paths.home, onChange, 120, (name) => name === sharedStateName),
      watchFolder(path.join(paths.home, '.git'), paths.home, onChange, 120, (name) => GIT_FILES.has(name)),
      // A shell write into a worktree's own copy touches nothing in the home; these see it.
      ...worktrees.flatMap(({ checkout }) => {
        const inWorktree = (absolute: string) => path.join(checkout, path.relative(paths.home, absolute));
        return [
          watchFolder(inWorktree(paths.memory), checkout, onChange),
          watchFolder(inWorktree(paths.requests), checkout, onChange),
          watchFolder(inWorktree(paths.requestsDone), checkout, onChange),
          watchFolder(path.dirname(inWorktree(paths.sharedState)), checkout, onChange, 120, (name) => name === sharedStateName),
        ];
      }),
    ];
    this.configWatch = this.context.workspaceConfig().onDidChange(onChange);
  }

  private unwatch(): void {
    for (const watcher of this.watchers) watcher.dispose();
    this.watchers = [];
    this.configWatch?.dispose();
    this.configWatch = null;
    this.watchedPaths = null;
  }
}
