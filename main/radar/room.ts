import path from 'node:path';
import type { RadarState } from '../contract/radar';
import type { OpenWorkspace, Room, RoomFactory } from '../core/room';
import { DisposableStore } from '../shared/disposable';
import { FolderWatch } from '../shared/folder-engine';
import { ignoresCase } from '../shared/path-guard';
import type { ConfigService } from '../workspace/config-service';
import { commonGitDir, scanRadar, type LaneSource } from './scan';

/**
 * The radar of one open workspace: it scans when first asked (not when the workspace opens, where
 * every room's git work competes), then after every change of a watched branch (a commit, a
 * reset, a deleted branch) and of lanes.yml, one scan at a time; a change during a scan runs one
 * more scan after it.
 */
class WorkspaceRadar {
  state: RadarState = { status: 'loading', report: null, error: null };
  private readonly store = new DisposableStore();
  private readonly refWatches = new DisposableStore();
  private watchedKey = '';
  private scanning: Promise<void> | null = null;
  private scanAgain = false;
  private started = false;
  private gitDir: Promise<string>;

  constructor(
    readonly workspace: OpenWorkspace,
    private readonly lanesYml: ConfigService,
    private readonly announce: (state: RadarState) => void,
  ) {
    this.store.add(this.refWatches);
    this.store.add(lanesYml.onDidChange(() => void (this.started && this.refresh())));
    this.gitDir = commonGitDir(workspace.root);
  }

  /** The first scan, started by whoever asks first. */
  firstScan(): Promise<void> {
    return this.started ? (this.scanning ?? Promise.resolve()) : this.refresh();
  }

  /** Scans now, or once more after the scan running now; resolves when the state is that of a scan started after this call. */
  refresh(): Promise<void> {
    this.started = true;
    if (this.scanning) {
      this.scanAgain = true;
      return this.scanning;
    }
    this.scanning = this.scanLoop().finally(() => {
      this.scanning = null;
    });
    return this.scanning;
  }

  dispose(): void {
    this.store.dispose();
  }

  private async scanLoop(): Promise<void> {
    do {
      this.scanAgain = false;
      if (this.state.status !== 'loading') this.publish({ ...this.state, status: 'loading' });
      await this.scanOnce();
    } while (this.scanAgain && !this.store.isDisposed);
  }

  private async scanOnce(): Promise<void> {
    try {
      const { config } = await this.lanesYml.read();
      const sources: LaneSource[] = config.instances.map((instance) => ({ instance: instance.name, branch: instance.branch ?? null, base: instance.base ?? null }));
      this.watchRefs(await this.gitDir, sources);
      const report = await scanRadar(this.workspace.root, sources, { common: config.common ?? [], ignoreCase: ignoresCase(this.workspace.root) });
      this.publish({ status: 'ready', report, error: null });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.publish({ status: 'error', report: this.state.report, error: `The conflict radar could not scan the branches: ${message}` });
    }
  }

  /**
   * Watches the folders holding the lanes' branches (`refs/heads/lanes/` for `lanes/alpha`) and
   * the git folder itself for `packed-refs`: a commit rewrites its branch's file there, in
   * whichever checkout it was made.
   */
  private watchRefs(gitDir: string, sources: readonly LaneSource[]): void {
    const folders = new Set<string>();
    for (const source of sources) {
      for (const ref of [source.branch, source.base]) if (ref) folders.add(path.dirname(path.join(gitDir, 'refs', 'heads', ref)));
    }
    const key = [...folders].sort().join('\0');
    if (key === this.watchedKey || this.store.isDisposed) return;
    this.watchedKey = key;
    this.refWatches.clear();
    const changed = () => void this.refresh();
    this.refWatches.add(new FolderWatch(gitDir, gitDir, changed, { accept: (name) => name === 'packed-refs' }));
    for (const folder of folders) this.refWatches.add(new FolderWatch(folder, gitDir, changed));
  }

  private publish(state: RadarState): void {
    if (this.store.isDisposed) return;
    this.state = state;
    this.announce(state);
  }
}

export const createRadarRoom: RoomFactory = (context): Room => {
  let current: WorkspaceRadar | null = null;

  const radar = (): WorkspaceRadar => {
    const workspace = context.requireWorkspace();
    if (!current || current.workspace.root !== workspace.root) throw new Error('The radar lost track of the open workspace.');
    return current;
  };

  return {
    handlers: {
      'radar.state': async () => {
        const open = radar();
        await open.firstScan();
        return open.state;
      },
      'radar.refresh': async () => {
        const open = radar();
        await open.refresh();
        return open.state;
      },
    },
    workspaceOpened: async (workspace) => {
      current = new WorkspaceRadar(workspace, context.workspaceConfig(), (state) => context.emit('radar.changed', state));
    },
    workspaceClosed: async () => {
      current?.dispose();
      current = null;
    },
    dispose: async () => {
      current?.dispose();
      current = null;
    },
  };
};
