import { create } from 'zustand';
import type { RecentWorkspace, WorkspaceSnapshot } from '../../../main/contract/workspace';
import { errorMessage, lanes } from '../client';

interface WorkspaceState {
  snapshot: WorkspaceSnapshot | null;
  recent: RecentWorkspace[];
  /** True until the first answer from main, so the screen does not flash "no workspace". */
  loading: boolean;
  busy: boolean;
  error: string | null;
  load(): Promise<void>;
  open(path: string): Promise<boolean>;
  pickAndOpen(): Promise<void>;
  refresh(): Promise<void>;
  close(): Promise<void>;
  forget(path: string): Promise<void>;
  dismissError(): void;
}

export const useWorkspace = create<WorkspaceState>((set) => {
  const attempt = async (task: () => Promise<void>): Promise<boolean> => {
    set({ busy: true, error: null });
    try {
      await task();
      return true;
    } catch (error) {
      set({ error: errorMessage(error) });
      return false;
    } finally {
      set({ busy: false });
    }
  };

  return {
    snapshot: null,
    recent: [],
    loading: true,
    busy: false,
    error: null,
    async load() {
      try {
        const [snapshot, recent] = await Promise.all([lanes.call('workspace.current', {}), lanes.call('workspace.recent', {})]);
        set({ snapshot, recent, loading: false });
      } catch (error) {
        set({ error: errorMessage(error), loading: false });
      }
    },
    open: (path) => attempt(async () => set({ snapshot: await lanes.call('workspace.open', { path }) })),
    async pickAndOpen() {
      await attempt(async () => {
        const picked = await lanes.call('workspace.pickFolder', {});
        if (picked.path) set({ snapshot: await lanes.call('workspace.open', { path: picked.path }) });
      });
    },
    refresh: () => attempt(async () => set({ snapshot: await lanes.call('workspace.refresh', {}) })).then(() => undefined),
    close: () => attempt(async () => {
      await lanes.call('workspace.close', {});
      set({ snapshot: null });
    }).then(() => undefined),
    forget: (path) => attempt(async () => set({ recent: await lanes.call('workspace.forgetRecent', { path }) })).then(() => undefined),
    dismissError: () => set({ error: null }),
  };
});

lanes.on('workspace.changed', (snapshot) => useWorkspace.setState({ snapshot }));
lanes.on('workspace.recentChanged', (recent) => useWorkspace.setState({ recent }));
