import { create } from 'zustand';
import type { CoordinationState, WorktreeCopy } from '../../../main/contract/memory';
import type { Violation } from '../../../main/contract/zones';
import { errorMessage, lanes } from '../client';

/** A worktree copy Lanes moved home in this session, to say so where it was flagged. */
export interface MovedCopy {
  readonly checkout: string;
  readonly path: string;
  readonly homePath: string;
}

/**
 * The "Coordination changes" panel: the home's uncommitted coordination files and the writes in
 * instance worktrees' own copies of them, fed by `memory.coordinationChanged`.
 */
interface CoordinationStore {
  state: CoordinationState | null;
  busy: boolean;
  error: string | null;
  /** Which copy is being moved home now (`checkout\0path`), so only its button waits. */
  moving: string | null;
  moved: MovedCopy[];
  load(): Promise<void>;
  commit(): Promise<void>;
  setCommitOnWrapUp(enabled: boolean): Promise<void>;
  moveHome(checkout: string, path: string): Promise<void>;
  dismissError(): void;
}

export const useCoordination = create<CoordinationStore>((set, get) => {
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
    moving: null,
    moved: [],
    async load() {
      try {
        set({ state: await lanes.call('memory.coordinationChanges', {}), error: null });
      } catch (error) {
        set({ error: errorMessage(error) });
      }
    },
    commit: () => attempt(() => lanes.call('memory.commitCoordination', {})),
    setCommitOnWrapUp: (enabled) => attempt(() => lanes.call('memory.setCommitOnWrapUp', { enabled })),
    async moveHome(checkout, path) {
      set({ moving: `${checkout}\0${path}`, error: null });
      try {
        const result = await lanes.call('memory.moveHome', { checkout, path });
        set({ state: result.state, moved: [...get().moved, { checkout, path, homePath: result.homePath }] });
      } catch (error) {
        set({ error: errorMessage(error) });
      } finally {
        set({ moving: null });
      }
    },
    dismissError: () => set({ error: null }),
  };
});

/** Which coordination path a path relative to a checkout lies in, by the home's layout; null for any other file. */
export function coordinationAreaOf(state: CoordinationState, repoPath: string): keyof CoordinationState['areaPaths'] | null {
  for (const [area, prefix] of Object.entries(state.areaPaths) as [keyof CoordinationState['areaPaths'], string][]) {
    if (repoPath === prefix || repoPath.startsWith(`${prefix}/`)) return area;
  }
  return null;
}

/** A violation that is a write into a worktree's own copy of a coordination path. */
export function isWorktreeCopyWrite(state: CoordinationState, violation: Pick<Violation, 'checkout' | 'path'>): boolean {
  return violation.checkout !== state.home && coordinationAreaOf(state, violation.path) !== null;
}

/** The change git sees now in that copy, or undefined when there is none (moved home, or put back). */
export function currentCopy(state: CoordinationState, violation: Pick<Violation, 'checkout' | 'path' | 'instances'>): WorktreeCopy | undefined {
  return state.worktreeCopies.find(
    (copy) => copy.path === violation.path && (copy.checkout === violation.checkout || copy.instances.some((name) => violation.instances.includes(name))),
  );
}

lanes.on('memory.coordinationChanged', (state) => useCoordination.setState({ state }));

