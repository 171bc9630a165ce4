import { create } from 'zustand';
import type { RepositoryCommandArgs, TrustState } from '../../../main/contract/workspace';
import { errorMessage, lanes } from '../client';

export type TrustedCommand = TrustState['commands'][number];

interface TrustStore {
  state: TrustState | null;
  /** The user opened the list from the Restricted mode bar (the dialog also opens when main asks). */
  reviewing: boolean;
  busy: boolean;
  error: string | null;
  load(): Promise<void>;
  review(): void;
  /** Trusts exactly the commands the dialog showed. */
  trust(commands: readonly TrustedCommand[]): Promise<void>;
  /** "Browse without running": the shown commands stay untrusted and the dialog closes. */
  browse(commands: readonly TrustedCommand[]): Promise<void>;
  revokeAll(): Promise<void>;
}

const asArgs = (commands: readonly TrustedCommand[]): RepositoryCommandArgs[] => commands.map(({ kind, command, instance }) => ({ kind, command, instance }));

export const useTrust = create<TrustStore>((set) => {
  const attempt = async (task: () => Promise<TrustState>, after: Partial<TrustStore> = {}) => {
    set({ busy: true, error: null });
    try {
      set({ state: await task(), ...after });
    } catch (error) {
      set({ error: errorMessage(error) });
    } finally {
      set({ busy: false });
    }
  };
  return {
    state: null,
    reviewing: false,
    busy: false,
    error: null,
    async load() {
      try {
        set({ state: await lanes.call('trust.state', {}) });
      } catch (error) {
        set({ error: errorMessage(error) });
      }
    },
    review: () => set({ reviewing: true, error: null }),
    trust: (commands) => attempt(() => lanes.call('trust.grant', { commands: asArgs(commands) }), { reviewing: false }),
    async browse(commands) {
      if (commands.length === 0) {
        set({ reviewing: false, error: null });
        return;
      }
      await attempt(() => lanes.call('trust.decline', { commands: asArgs(commands) }), { reviewing: false });
    },
    revokeAll: () => attempt(() => lanes.call('trust.revoke', {})),
  };
});

lanes.on('trust.changed', (state) => useTrust.setState(state ? { state } : { state: null, reviewing: false }));
