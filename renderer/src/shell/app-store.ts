import { create } from 'zustand';
import type { AppInfo } from '../../../main/contract/app';
import { lanes } from '../client';

interface AppState {
  info: AppInfo | null;
  connected: boolean;
  load(): Promise<void>;
}

export const useApp = create<AppState>((set) => {
  lanes.onConnectionChange((connected) => set({ connected }));
  return {
    info: null,
    connected: true,
    async load() {
      set({ info: await lanes.call('app.info', {}) });
    },
  };
});
