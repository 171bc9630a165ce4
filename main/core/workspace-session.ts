import path from 'node:path';
import type { WorkspaceSnapshot } from '../contract/workspace';
import { LanesError } from '../shared/errors';
import { loadConfig } from '../workspace/config';
import { inspectWorkspace, locateRepository } from '../workspace/inspect';
import { WorkspaceWatcher } from '../workspace/watch';
import type { OpenWorkspace, RoomContext } from './room';

/**
 * Which repository is open. Opening one closes the previous first, so every room stops what it
 * started for the old workspace before starting anew.
 */
export class WorkspaceSession {
  private workspace: OpenWorkspace | null = null;
  private watcher: WorkspaceWatcher | null = null;
  private context: RoomContext | null = null;
  private transition: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly opened: (workspace: OpenWorkspace) => Promise<void>,
    private readonly closed: (workspace: OpenWorkspace) => Promise<void>,
  ) {}

  attach(context: RoomContext): void {
    this.context = context;
  }

  get current(): OpenWorkspace | null {
    return this.workspace;
  }

  require(): OpenWorkspace {
    if (!this.workspace) throw new LanesError('no-workspace', 'No workspace is open. Open a git repository on the Workspace screen first.');
    return this.workspace;
  }

  /** Opens the repository containing `input` and returns its snapshot. */
  open(input: string): Promise<WorkspaceSnapshot> {
    return this.serialize(async () => {
      const root = await locateRepository(input);
      if (this.workspace?.root !== root) {
        await this.closeNow();
        const workspace = { root, name: path.basename(root) };
        this.workspace = workspace;
        await this.opened(workspace);
        this.watcher = await WorkspaceWatcher.start(root, await coordinationFolders(root), () => void this.refresh().catch(() => undefined));
      }
      return this.publish();
    });
  }

  close(): Promise<void> {
    return this.serialize(async () => {
      await this.closeNow();
      this.context?.emit('workspace.changed', null);
    });
  }

  async snapshot(): Promise<WorkspaceSnapshot> {
    return inspectWorkspace(this.require().root);
  }

  async refresh(): Promise<void> {
    if (this.workspace) await this.publish();
  }

  private async publish(): Promise<WorkspaceSnapshot> {
    const snapshot = await this.snapshot();
    this.context?.emit('workspace.changed', snapshot);
    return snapshot;
  }

  private async closeNow(): Promise<void> {
    const previous = this.workspace;
    if (!previous) return;
    this.workspace = null;
    this.watcher?.dispose();
    this.watcher = null;
    await this.closed(previous);
  }

  private serialize<T>(task: () => Promise<T>): Promise<T> {
    const run = this.transition.then(task, task);
    this.transition = run.catch(() => undefined);
    return run;
  }
}

/** The requests and memory folders, whose counts the workspace screen shows. */
async function coordinationFolders(root: string): Promise<string[]> {
  try {
    const { config } = await loadConfig(root);
    return [config.paths.requests, path.posix.join(config.paths.requests, 'done'), config.paths.memory];
  } catch {
    return [];
  }
}
