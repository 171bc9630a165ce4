import { create } from 'zustand';
import type { RadarState } from '../../../main/contract/radar';
import { errorMessage, lanes } from '../client';

/** The cell whose conflicting files are listed: an instance against another, or against its base (`other` null). */
export interface SelectedCell {
  readonly instance: string;
  readonly other: string | null;
}

interface RadarStore {
  root: string | null;
  radar: RadarState | null;
  /** Why asking main for the radar failed (a scan's own failure is in `radar.error`). */
  error: string | null;
  selected: SelectedCell | null;
  load(root: string): Promise<void>;
  refresh(): Promise<void>;
  select(cell: SelectedCell | null): void;
}

export const useRadar = create<RadarStore>((set, get) => {
  lanes.on('radar.changed', (radar) => {
    if (get().root) set({ radar, error: null });
  });

  return {
    root: null,
    radar: null,
    error: null,
    selected: null,
    async load(root) {
      if (get().root !== root) set({ root, radar: null, selected: null, error: null });
      try {
        const radar = await lanes.call('radar.state', {});
        if (get().root === root) set({ radar, error: null });
      } catch (error) {
        if (get().root === root) set({ error: errorMessage(error) });
      }
    },
    async refresh() {
      try {
        set({ radar: await lanes.call('radar.refresh', {}), error: null });
      } catch (error) {
        set({ error: errorMessage(error) });
      }
    },
    select(selected) {
      set({ selected });
    },
  };
});
