import { create } from 'zustand';
import type { Leases } from '../../../main/contract/zones';
import { errorMessage, lanes } from '../client';

interface LeasesStore {
  root: string | null;
  leases: Leases | null;
  error: string | null;
  busy: boolean;
  load(root: string): Promise<void>;
  /** Gives an instance a lease as the user; answers whether it was granted. */
  grant(instance: string, path: string, minutes: number): Promise<boolean>;
  /** Ends a lease as the user. */
  end(id: string): Promise<void>;
  dismiss(): void;
}

export const useLeases = create<LeasesStore>((set, get) => {
  lanes.on('zones.leasesChanged', (leases) => {
    if (get().root) set({ leases });
  });

  const act = async (work: () => Promise<Leases | null>): Promise<boolean> => {
    set({ busy: true, error: null });
    try {
      const leases = await work();
      set(leases ? { leases, busy: false } : { busy: false });
      return true;
    } catch (error) {
      set({ error: errorMessage(error), busy: false });
      return false;
    }
  };

  return {
    root: null,
    leases: null,
    error: null,
    busy: false,
    async load(root) {
      if (get().root !== root) set({ root, leases: null, error: null });
      try {
        const leases = await lanes.call('zones.leases', {});
        if (get().root === root) set({ leases });
      } catch (error) {
        if (get().root === root) set({ error: errorMessage(error) });
      }
    },
    grant: (instance, path, minutes) =>
      act(async () => {
        await lanes.call('zones.grantLease', { instance, path, minutes, by: 'user' });
        return lanes.call('zones.leases', {});
      }),
    end: async (id) => {
      await act(() => lanes.call('zones.releaseLease', { id }));
    },
    dismiss: () => set({ error: null }),
  };
});
