import { create } from 'zustand';
import type { AgentProgress } from '../../../main/contract/agents';
import { errorMessage, lanes } from '../client';

interface AgentsStore {
  /** The last progress each running agent reported, by instance. */
  progress: Record<string, AgentProgress>;
  loaded: boolean;
  error: string | null;
  load(): Promise<void>;
}

export const useAgents = create<AgentsStore>((set) => ({
  progress: {},
  loaded: false,
  error: null,
  async load() {
    try {
      const reported = await lanes.call('agents.progress', {});
      set({ progress: Object.fromEntries(reported.map((entry) => [entry.instance, entry])), loaded: true, error: null });
    } catch (error) {
      set({ error: errorMessage(error) });
    }
  },
}));

lanes.on('agents.progressChanged', ({ instance, progress }) =>
  useAgents.setState((state) => {
    const next = { ...state.progress };
    if (progress) next[instance] = progress;
    else delete next[instance];
    return { progress: next };
  }),
);

lanes.on('workspace.changed', () => void useAgents.getState().load());
