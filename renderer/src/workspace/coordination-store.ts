import { create } from 'zustand';
import type { CoordinationState } from '../../../main/contract/memory';
import { errorMessage, lanes } from '../client';

/** The "Coordination changes" panel: the home's uncommitted coordination files, fed by `memory.coordinationChanged`. */
interface CoordinationStore {
  state: CoordinationState | null;
  busy: boolean;
  error: string | null;
  load(): Promise<void>;
  commit(): Promise<void>;
  setCommitOnWrapUp(enabled: boolean): Promise<void>;
  dismissError(): void;
}

export const useCoordination = create<CoordinationStore>((set) => {
  const attempt = async (task: () => Promise<CoordinationState>) => {
    set({ busy: true, error: null });
    try {
      set({ state: await task() });
    } catch (error) {
      set({ error: errorMessage(error) });
    } finally {
      set({ busy: false });
    }
  };
  return {
    state: null,
    busy: false,
    error: null,
    async load() {
      try {
        set({ state: await lanes.call('memory.coordinationChanges', {}), error: null });
      } catch (error) {
        set({ error: errorMessage(error) });
      }
    },
    commit: () => attempt(() => lanes.call('memory.commitCoordination', {})),
    setCommitOnWrapUp: (enabled) => attempt(() => lanes.call('memory.setCommitOnWrapUp', { enabled })),
    dismissError: () => set({ error: null }),
  };
});

lanes.on('memory.coordinationChanged', (state) => useCoordination.setState({ state }));
