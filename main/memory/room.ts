import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { InstructionToPaste, MemoryListing, MemorySource, MemorySourceId, SharedState, WrapUpState } from '../contract/memory';
import type { OpenWorkspace, Room, RoomContext, RoomFactory } from '../core/room';
import { LanesError } from '../shared/errors';
import { toRepoPath } from '../shared/path-guard';
import { whyNotTyped } from '../instances/agent-context';
import type { InstanceConfig, WorkspaceConfig } from '../contract/workspace';
import { coordinationPaths, workspaceHome, type CoordinationPaths } from '../workspace/home';
import { claudeFolderOf, claudeFolders, moveClaudeEntries, type MovedEntry } from './claude-memory';
import { CoordinationPanel } from './coordination-panel';
import { INDEX_FILE, isMarkdownName } from './kinds';
import { MemoryFolder } from './memory-folder';
import { instanceWorktrees, moveHome } from './move-home';
import { SharedStateFile } from './shared-state-file';
import { claudeMemoryFolder, claudeProjectsFolder } from './sources';
import { watchFolder, type Disposable } from './watch';
import { changesSince, wrapUpInstruction, type VersionSnapshot } from './wrap-up';

const SOURCE_LABELS: Record<MemorySourceId, string> = { repo: 'Repository memory', claude: 'Claude Code memory' };

interface WatchedFolder {
  readonly folder: MemoryFolder;
  readonly watcher: Disposable;
  /** The first read of the folder; calls wait for it. */
  readonly ready: Promise<unknown>;
  /** Where the folder was and whether it existed at the last event: a change to either sends the whole listing. */
  published: { path: string; exists: boolean } | null;
}

interface SentWrapUp {
  readonly sentAt: string;
  readonly sentTo: string[];
  readonly toPaste: InstructionToPaste[];
  readonly baseline: VersionSnapshot;
}

/** Everything the room holds for the open workspace; all of it is released on close. */
class MemoryWorkspace {
  private readonly folders = new Map<MemorySourceId, WatchedFolder>();
  private sharedState: { file: SharedStateFile; watcher: Disposable } | null = null;
  private lastSharedVersion: string | null | undefined;
  wrapUp: SentWrapUp | null = null;
  private closed = false;
  readonly coordination: CoordinationPanel;

  /**
   * `opened` is the checkout Lanes opened; `root` is the workspace's home (its main checkout),
   * where the memory folder and the shared-state file every instance writes live.
   */
  constructor(
    readonly opened: string,
    readonly root: string,
    private readonly context: RoomContext,
  ) {
    this.coordination = new CoordinationPanel(root, context);
  }

  /** The home's coordination files, absolute, as agents are told them. */
  async paths(config?: WorkspaceConfig): Promise<CoordinationPaths> {
    return coordinationPaths(this.root, (config ?? (await this.config())).paths);
  }

  /** lanes.yml, from the config service, which parses each version of it once. */
  async config(): Promise<WorkspaceConfig> {
    return (await this.context.workspaceConfig().read()).config;
  }

  async sources(): Promise<MemorySource[]> {
    const config = await this.config();
    const repo = await this.folder('repo', config);
    const claudePath = claudeMemoryFolder(this.root);
    return [
      { id: 'repo', label: SOURCE_LABELS.repo, path: config.paths.memory, exists: repo.exists },
      { id: 'claude', label: SOURCE_LABELS.claude, path: claudePath, exists: await isDirectory(claudePath) },
    ];
  }

  /** The folder of a source, watched from the first time it is asked for. */
  async folder(source: MemorySourceId, config?: WorkspaceConfig): Promise<MemoryFolder> {
    const absolute = source === 'repo' ? (await this.paths(config)).memory : claudeMemoryFolder(this.root);
    let entry = this.folders.get(source);
    if (entry && entry.folder.folder !== absolute) {
      entry.watcher.dispose();
      this.folders.delete(source);
      entry = undefined;
    }
    if (!entry) {
      if (this.closed) throw new LanesError('no-workspace', 'The workspace was closed.');
      const folder = new MemoryFolder(source, absolute, source === 'repo' ? this.root : undefined);
      const boundary = source === 'repo' ? this.root : claudeProjectsFolder();
      const watcher = watchFolder(absolute, boundary, (names) => void this.folderChanged(source, names));
      const ready = folder.refresh().catch((error: unknown) => {
        // Forget a folder that could not be read, so the next call tries again.
        watcher.dispose();
        if (this.folders.get(source)?.folder === folder) this.folders.delete(source);
        throw error;
      });
      // The search index is built right after the first read, so the first keystroke does not wait
      // for it; in the next turn of the event loop, once the callers waiting for the read (the
      // Memory screen's listing) have had their answer.
      void ready.then(
        () => setImmediate(() => void this.prepareSearch(folder)),
        () => undefined,
      );
      entry = { folder, watcher, ready, published: null };
      this.folders.set(source, entry);
    }
    await entry.ready;
    return entry.folder;
  }

  /** The folder already being watched, without looking at lanes.yml again (for search, on every keystroke). */
  async openedFolder(source: MemorySourceId): Promise<MemoryFolder> {
    const entry = this.folders.get(source);
    if (!entry) return this.folder(source);
    await entry.ready;
    return entry.folder;
  }

  /** The whole listing; events after it carry only what changes, as long as the folder stays where it is. */
  listing(source: MemorySourceId, folder: MemoryFolder, config: WorkspaceConfig | null): MemoryListing {
    const shown = source === 'repo' ? (config?.paths.memory ?? toRepoPath(this.root, folder.folder)) : folder.folder;
    const entry = this.folders.get(source);
    if (entry?.folder === folder && entry.published === null) entry.published = { path: shown, exists: folder.exists };
    return {
      source: { id: source, label: SOURCE_LABELS[source], path: shown, exists: folder.exists },
      files: folder.list(),
      health: folder.health(),
    };
  }

  /** Tells the screens a folder changed, after a file-system event or Lanes' own change. */
  async publish(source: MemorySourceId, changed: string[]): Promise<void> {
    const entry = this.folders.get(source);
    if (!entry || this.closed) return;
    const config = await this.config().catch(() => null);
    const listing = this.listing(source, entry.folder, config);
    const shown = { path: listing.source.path, exists: listing.source.exists };
    const appearedOrMoved = entry.published === null || entry.published.path !== shown.path || entry.published.exists !== shown.exists;
    entry.published = shown;
    if (appearedOrMoved) this.context.emit('memory.changed', { kind: 'listing', listing, changed });
    else {
      // Only the named files travel: the whole listing of a large folder is hundreds of kilobytes.
      const { present, absent } = entry.folder.listed(changed);
      this.context.emit('memory.changed', { kind: 'delta', source: listing.source, upserted: present, removed: absent, health: listing.health, changed });
    }
    if (this.wrapUp) this.context.emit('memory.wrapUpChanged', await this.wrapUpState());
  }

  async sharedStateFile(): Promise<SharedStateFile> {
    const config = await this.config();
    const absolute = (await this.paths(config)).sharedState;
    if (this.sharedState?.file.path !== absolute) {
      this.sharedState?.watcher.dispose();
      const file = new SharedStateFile(this.root, config.paths.sharedState, absolute);
      const name = path.basename(absolute);
      const watcher = watchFolder(path.dirname(absolute), this.root, () => void this.sharedStateChanged(), 120, (fileName) => fileName === name);
      this.sharedState = { file, watcher };
    }
    return this.sharedState.file;
  }

  async sharedStateView(): Promise<SharedState> {
    const view = await (await this.sharedStateFile()).view();
    this.lastSharedVersion = view.version;
    return view;
  }

  async saveSharedState(editable: string, expectedVersion: string | null): Promise<SharedState> {
    const view = await (await this.sharedStateFile()).save(editable, expectedVersion);
    this.lastSharedVersion = view.version;
    this.context.emit('memory.sharedStateChanged', view);
    return view;
  }

  async wrapUpState(): Promise<WrapUpState> {
    const control = this.context.services.instances;
    const config = await this.config().catch(() => null);
    let last: WrapUpState['last'] = null;
    if (this.wrapUp) {
      const { sentAt, sentTo, toPaste, baseline } = this.wrapUp;
      last = { sentAt, sentTo, toPaste, changed: changesSince(baseline, await this.versions(false)) };
    }
    return {
      available: control !== undefined,
      instances: (config?.instances ?? []).map((instance) => {
        const notTypedBecause = whyNotTyped(instance);
        return { name: instance.name, running: control?.isRunning(instance.name) ?? false, takesInstructions: notTypedBecause === null, notTypedBecause };
      }),
      last,
    };
  }

  /**
   * Every file version of every source that exists, to compare against after a wrap-up. `fresh`
   * re-reads the folders first (for the baseline); otherwise the watchers keep them current.
   */
  async versions(fresh: boolean): Promise<VersionSnapshot> {
    const snapshot = new Map<MemorySourceId, ReadonlyMap<string, string>>();
    for (const source of ['repo', 'claude'] as const) {
      if (source === 'claude' && !(await isDirectory(claudeMemoryFolder(this.root)))) continue;
      const folder = await this.folder(source);
      if (fresh) await folder.refresh();
      snapshot.set(source, folder.versions());
    }
    return snapshot;
  }

  close(): void {
    this.closed = true;
    this.coordination.close();
    for (const entry of this.folders.values()) entry.watcher.dispose();
    this.folders.clear();
    this.sharedState?.watcher.dispose();
    this.sharedState = null;
  }

  private async prepareSearch(folder: MemoryFolder): Promise<void> {
    try {
      await folder.prepareSearchInSteps(() => !this.closed && this.folders.get(folder.source)?.folder === folder);
    } catch (error) {
      // A search will meet the same refusal and show it; nothing is waiting for this one.
      console.error('Lanes: could not index the memory folder for search:', error);
    }
  }

  private async folderChanged(source: MemorySourceId, names: string[] | null): Promise<void> {
    const entry = this.folders.get(source);
    if (!entry || this.closed) return;
    try {
      const changed = await entry.folder.refresh(names ?? undefined);
      if (changed.length > 0) await this.publish(source, changed);
    } catch (error) {
      console.error(`Lanes: could not re-read the ${source} memory folder:`, error);
    }
  }

  private async sharedStateChanged(): Promise<void> {
    if (this.closed || !this.sharedState) return;
    try {
      const view = await this.sharedState.file.view();
      if (view.version === this.lastSharedVersion) return;
      this.lastSharedVersion = view.version;
      if (!this.closed) this.context.emit('memory.sharedStateChanged', view);
    } catch (error) {
      console.error('Lanes: could not re-read the shared-state file:', error);
    }
  }

}

async function isDirectory(absolute: string): Promise<boolean> {
  try {
    return (await fs.stat(absolute)).isDirectory();
  } catch {
    return false;
  }
}

export const createMemoryRoom: RoomFactory = (context): Room => {
  let current: MemoryWorkspace | null = null;

  const workspace = (): MemoryWorkspace => {
    const open = context.requireWorkspace();
    if (!current || current.opened !== open.root) throw new LanesError('no-workspace', 'The workspace is still opening; try again in a moment.');
    return current;
  };

  /** Runs a change to a folder, then tells every screen. */
  const change = async <T>(source: MemorySourceId, names: (result: T) => string[], task: (folder: MemoryFolder) => Promise<T>): Promise<T> => {
    const memory = workspace();
    const folder = await memory.folder(source);
    const result = await task(folder);
    await memory.publish(source, names(result));
    return result;
  };

  return {
    handlers: {
      'memory.sources': () => workspace().sources(),
      'memory.list': async ({ source }) => {
        const memory = workspace();
        const config = await memory.config();
        const folder = await memory.folder(source, config);
        return memory.listing(source, folder, config);
      },
      'memory.read': async ({ source, name }) => (await workspace().folder(source)).read(name),
      'memory.search': async ({ source, query, limit }) => (await workspace().openedFolder(source)).search(query, { limit }),
      'memory.save': ({ source, name, text, expectedVersion }) =>
        change(source, () => [name], (folder) => folder.save(name, text, expectedVersion)),
      'memory.create': ({ source, kind, slug, text, addToIndex }) =>
        change(source, (document) => [document.name], (folder) => folder.create(kind, slug, text, addToIndex)),
      'memory.rename': ({ source, from, to, expectedVersion }) =>
        change(source, () => [from, to], (folder) => folder.rename(from, to, expectedVersion)),
      'memory.delete': async ({ source, name, expectedVersion }) => {
        await change(source, () => [name], (folder) => folder.delete(name, expectedVersion));
        return null;
      },
      'memory.indexUnlisted': async ({ source }) => {
        const memory = workspace();
        const unlisted = (await memory.folder(source)).health().unlisted;
        await change(source, () => unlisted, (folder) => folder.indexUnlisted());
        return memory.listing(source, await memory.folder(source), await memory.config().catch(() => null));
      },
      'memory.removeIndexLine': async ({ source, line, target }) => {
        const memory = workspace();
        const folder = await change(source, () => [INDEX_FILE], async (opened) => {
          await opened.removeIndexLine(line, target);
          return opened;
        });
        return memory.listing(source, folder, await memory.config().catch(() => null));
      },
      'memory.sharedState': () => workspace().sharedStateView(),
      'memory.saveSharedState': ({ editable, expectedVersion }) => workspace().saveSharedState(editable, expectedVersion),
      'memory.wrapUpState': () => workspace().wrapUpState(),
      'memory.wrapUp': async ({ instance }) => {
        const memory = workspace();
        const control = context.services.instances;
        if (!control) {
          throw new LanesError(
            'unavailable',
            'Lanes cannot type into the instances’ terminals in this session (the instances service is not running). Ask each agent to wrap up in its own terminal.',
          );
        }
        const config = await memory.config();
        let targets: InstanceConfig[];
        if (instance === null) {
          targets = config.instances.filter((item) => control.isRunning(item.name));
          if (targets.length === 0) throw new LanesError('unavailable', 'No instance is running, so there is no session to wrap up. Start an instance first.');
        } else {
          const target = config.instances.find((item) => item.name === instance);
          if (!target) throw new LanesError('not-found', `There is no instance named “${instance}” in lanes.yml.`);
          if (whyNotTyped(target) === null && !control.isRunning(instance)) {
            throw new LanesError('unavailable', `${instance} is not running, so there is no session to wrap up. Start it first.`);
          }
          targets = [target];
        }
        const paths = await memory.paths(config);
        const baseline = await memory.versions(true);
        const sentTo: string[] = [];
        const toPaste: InstructionToPaste[] = [];
        const failures: string[] = [];
        for (const target of targets) {
          try {
            const text = wrapUpInstruction(target.name, paths);
            const notTypedBecause = whyNotTyped(target);
            if (notTypedBecause !== null) {
              toPaste.push({ instance: target.name, text, reason: notTypedBecause });
              continue;
            }
            await control.sendText(target.name, text);
            sentTo.push(target.name);
          } catch (error) {
            failures.push(`${target.name}: ${error instanceof Error ? error.message : String(error)}`);
          }
        }
        if (sentTo.length === 0 && toPaste.length === 0) throw new LanesError('unavailable', `The wrap-up could not be sent. ${failures.join(' ')}`);
        memory.wrapUp = { sentAt: new Date().toISOString(), sentTo, toPaste, baseline };
        const state = await memory.wrapUpState();
        context.emit('memory.wrapUpChanged', state);
        // The wrap-up was sent either way; a lanes.yml that cannot be read now only skips the automatic commit.
        await memory.coordination.wrapUpSent().catch((error: unknown) => console.error('Lanes: could not arm the commit after the wrap-up:', error));
        return state;
      },
      'memory.coordinationChanges': () => workspace().coordination.state(),
      'memory.commitCoordination': () => workspace().coordination.commit(),
      'memory.setCommitOnWrapUp': ({ enabled }) => workspace().coordination.setCommitOnWrapUp(enabled),
      'memory.moveHome': async ({ checkout, path: requested }) => {
        const memory = workspace();
        const config = await memory.config();
        const paths = await memory.paths(config);
        const moved = await moveHome(paths, instanceWorktrees(paths.home, config.instances), checkout, requested, (at, repoPath, content) =>
          context.services.zones?.expectOwnChange(at, repoPath, content),
        );
        const name = path.basename(moved.homePath);
        // A memory entry moved home is indexed like every other entry (MEMORY.md itself is not an entry).
        if (moved.area === 'memory' && path.dirname(moved.homePath) === paths.memory && isMarkdownName(name) && name.toLowerCase() !== INDEX_FILE.toLowerCase()) {
          await change('repo', () => [name, INDEX_FILE], (folder) => folder.indexUnlisted([name]));
        }
        return { homePath: moved.homePath, state: await memory.coordination.refresh() };
      },
      'memory.claudeFolders': async () => {
        const memory = workspace();
        const config = await memory.config();
        return { ...(await claudeFolders(memory.root, config.instances)), autoMemoryDirectory: (await memory.paths(config)).memory };
      },
      'memory.moveClaudeMemory': async ({ instance }) => {
        const memory = workspace();
        const config = await memory.config();
        const source = claudeFolderOf(memory.root, config.instances, instance);
        const moved = await change<MovedEntry[]>('repo', (entries) => [...entries.map((entry) => entry.to), INDEX_FILE], (folder) => moveClaudeEntries(source, folder, instance ?? 'claude'));
        return { moved, folders: { ...(await claudeFolders(memory.root, config.instances)), autoMemoryDirectory: (await memory.paths(config)).memory } };
      },
    },
    async workspaceOpened(open: OpenWorkspace) {
      current?.close();
      current = new MemoryWorkspace(open.root, workspaceHome(open.root), context);
    },
    async workspaceClosed() {
      current?.close();
      current = null;
    },
    async dispose() {
      current?.close();
      current = null;
    },
  };
};
