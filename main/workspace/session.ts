import path from 'node:path';
import type { WorkspaceSnapshot } from '../contract/workspace';
import type { OpenWorkspace, WorkspaceSession, WorkspaceSessionHooks } from '../core/room';
import type { Disposable } from '../shared/disposable';
import { LanesError } from '../shared/errors';
import { ConfigService, configChange, type ConfigState } from './config-service';
import { inspectWorkspace, locateRepository } from './inspect';
import { WorkspaceWatcher } from './watch';

/** What the session holds for the open workspace; all of it is released when it closes. */
interface Opened {
  readonly workspace: OpenWorkspace;
  /** lanes.yml's owner; rooms reach it through `RoomContext.workspaceConfig()`. */
  readonly config: ConfigService;
  /** The session's subscription to lanes.yml changes. */
  readonly configSubscription: Disposable;
  watcher: WorkspaceWatcher | null;
  /** The folders the watcher watches, to restart it when lanes.yml moves them. */
  watchedFolders: string;
  /** The last snapshot pushed, so a refresh that finds nothing new sends nothing. */
  published: string | null;
}

/** The workspace session the app hands the core: which repository is open, its lanes.yml and its watch. */
export function createWorkspaceSession(hooks: WorkspaceSessionHooks): WorkspaceSession {
  return new RepositorySession(hooks);
}

/**
 * Which repository is open. Opening one closes the previous first, so every room stops what it
 * started for the old workspace before starting anew.
 */
class RepositorySession implements WorkspaceSession {
  private opened: Opened | null = null;
  private transition: Promise<unknown> = Promise.resolve();

  constructor(private readonly hooks: WorkspaceSessionHooks) {}

  get current(): OpenWorkspace | null {
    return this.opened?.workspace ?? null;
  }

  require(): OpenWorkspace {
    return this.requireOpened().workspace;
  }

  /** The open workspace's lanes.yml service, or a `no-workspace` error. */
  requireConfig(): ConfigService {
    return this.requireOpened().config;
  }

  /** Opens the repository containing `input` and returns its snapshot. */
  open(input: string): Promise<WorkspaceSnapshot> {
    return this.serialize(async () => {
      const root = await locateRepository(input);
      if (this.opened?.workspace.root !== root) {
        await this.closeNow();
        const workspace = { root, name: path.basename(root) };
        const config = await ConfigService.open(root);
        const opened: Opened = {
          workspace,
          config,
          configSubscription: config.onDidChange((state) => this.configChanged(opened, state)),
          watcher: null,
          watchedFolders: '',
          published: null,
        };
        this.opened = opened;
        try {
          await this.hooks.roomsOpened(workspace);
          await this.watchFolders(opened, await opened.config.state());
          return await this.publish(true);
        } catch (error) {
          // Half open is worse than closed: the rooms would serve a workspace no screen shows.
          await this.closeNow().catch((closing: unknown) => console.error('Lanes could not close a workspace that failed to open:', closing));
          this.hooks.emit('workspace.changed', null);
          throw error;
        }
      }
      return this.publish(true);
    });
  }

  close(): Promise<void> {
    return this.serialize(async () => {
      await this.closeNow();
      this.hooks.emit('workspace.changed', null);
    });
  }

  async snapshot(): Promise<WorkspaceSnapshot> {
    const opened = this.requireOpened();
    return inspectWorkspace(opened.workspace.root, await opened.config.state());
  }

  /** Pushes the snapshot to the screens if it differs from the last one pushed. */
  async refresh(): Promise<void> {
    if (this.opened) await this.publish(false);
  }

  private requireOpened(): Opened {
    if (!this.opened) throw new LanesError('no-workspace', 'No workspace is open. Open a git repository on the Workspace screen first.');
    return this.opened;
  }

  private async publish(always: boolean): Promise<WorkspaceSnapshot> {
    const opened = this.requireOpened();
    const snapshot = await this.snapshot();
    const text = JSON.stringify(snapshot);
    if (this.opened === opened && (always || text !== opened.published)) {
      opened.published = text;
      this.hooks.emit('workspace.changed', snapshot);
    }
    return snapshot;
  }

  private configChanged(opened: Opened, state: ConfigState): void {
    if (this.opened !== opened) return;
    this.hooks.emit('config.changed', configChange(opened.workspace.root, state));
    opened.watcher?.changed();
    void this.watchFolders(opened, state).catch((error: unknown) => console.error('Lanes could not watch the coordination folders lanes.yml names:', error));
  }

  /** Watches what the workspace screen shows, including the folders lanes.yml names now. */
  private async watchFolders(opened: Opened, state: ConfigState): Promise<void> {
    const folders = coordinationFolders(state);
    const key = folders.join('\n');
    if (opened.watcher && key === opened.watchedFolders) return;
    opened.watchedFolders = key;
    const watcher = await WorkspaceWatcher.start(opened.workspace.root, folders, () => void this.refresh().catch(() => undefined));
    if (this.opened !== opened || opened.watchedFolders !== key) {
      watcher.dispose();
      return;
    }
    opened.watcher?.dispose();
    opened.watcher = watcher;
  }

  private async closeNow(): Promise<void> {
    const previous = this.opened;
    if (!previous) return;
    this.opened = null;
    previous.watcher?.dispose();
    previous.watcher = null;
    await this.hooks.roomsClosed(previous.workspace);
    previous.configSubscription.dispose();
    previous.config.dispose();
  }

  private serialize<T>(task: () => Promise<T>): Promise<T> {
    const run = this.transition.then(task, task);
    this.transition = run.catch(() => undefined);
    return run;
  }
}

/** The requests and memory folders, whose counts the workspace screen shows. */
function coordinationFolders(state: ConfigState): string[] {
  if (state.status === 'invalid') return [];
  const { paths } = state.loaded.config;
  return [paths.requests, path.posix.join(paths.requests, 'done'), paths.memory];
}
