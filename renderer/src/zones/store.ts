import { create } from 'zustand';
import { VIOLATION_LOG_LIMIT, type Enforcement, type Ownership, type ScopeImport, type Violation, type ZonesState } from '../../../main/contract/zones';
import { errorMessage, lanes } from '../client';

/** One instance as the editor holds it before saving. */
export interface DraftInstance {
  readonly name: string;
  readonly role: string;
  readonly zones: readonly string[];
  /** Not in lanes.yml yet (it came from an imported table). */
  readonly isNew: boolean;
}

interface ZonesStore {
  root: string | null;
  saved: ZonesState | null;
  draft: DraftInstance[];
  dirty: boolean;
  analysis: Ownership | null;
  expanded: string[];
  loading: boolean;
  saving: boolean;
  /** lanes.yml or the shared-state file changed on disk while the draft had edits: Discard loads the new version. */
  changedOnDisk: boolean;
  error: string | null;
  notice: string | null;
  importPreview: ScopeImport | null;
  violations: Violation[];
  counts: Record<string, number>;
  total: number;
  violationsLoaded: boolean;
  enforcement: Enforcement | null;
  load(root: string): Promise<void>;
  toggleFolder(path: string): void;
  addZone(instance: string, pattern: string): void;
  removeZone(instance: string, pattern: string): void;
  moveZone(from: string, to: string, pattern: string): void;
  discard(): void;
  save(): Promise<void>;
  previewImport(): Promise<void>;
  applyImport(): void;
  cancelImport(): void;
  setOnViolation(mode: 'warn' | 'restore'): Promise<void>;
  loadViolations(): Promise<void>;
  clearViolations(instance?: string): Promise<void>;
  dismiss(): void;
}


function draftOf(state: ZonesState): DraftInstance[] {
  return state.instances.map((instance) => ({ name: instance.name, role: instance.role, zones: instance.zones, isNew: false }));
}

export const useZones = create<ZonesStore>((set, get) => {
  let analyzeTimer: ReturnType<typeof setTimeout> | null = null;
  let analyzeRun = 0;
  // Main announces the files this screen writes while it writes them: not a change to warn about.
  let ownWrites = 0;
  const ownWrite = async <T>(write: () => Promise<T>): Promise<T> => {
    ownWrites += 1;
    try {
      return await write();
    } finally {
      ownWrites -= 1;
    }
  };

  lanes.on('zones.changed', () => {
    const { root, dirty } = get();
    if (!root || ownWrites > 0) return;
    if (dirty) {
      set({ changedOnDisk: true, notice: 'lanes.yml or the shared-state file changed on disk. Saving will be refused; discard your edits to load the new version.' });
      return;
    }
    void get().load(root);
  });

  /** Re-analyzes the draft (debounced), so overlaps and unowned areas show before saving. */
  const analyze = (delay = 120) => {
    if (analyzeTimer) clearTimeout(analyzeTimer);
    analyzeTimer = setTimeout(async () => {
      const { draft, expanded, saved } = get();
      if (!saved) return;
      const run = ++analyzeRun;
      try {
        const analysis = await lanes.call('zones.analyze', {
          instances: draft.map(({ name, zones }) => ({ name, zones: [...zones] })),
          folders: ['', ...expanded],
        });
        if (run === analyzeRun) set({ analysis });
      } catch (error) {
        if (run === analyzeRun) set({ error: errorMessage(error) });
      }
    }, delay);
  };

  const edit = (change: (draft: DraftInstance[]) => DraftInstance[]) => {
    set((state) => ({ draft: change(state.draft), dirty: true, error: null }));
    analyze();
  };

  return {
    root: null,
    saved: null,
    draft: [],
    dirty: false,
    analysis: null,
    expanded: [],
    loading: false,
    saving: false,
    changedOnDisk: false,
    error: null,
    notice: null,
    importPreview: null,
    violations: [],
    counts: {},
    total: 0,
    violationsLoaded: false,
    enforcement: null,

    async load(root) {
      const switched = get().root !== root;
      set({ root, loading: true, error: null, ...(switched ? { expanded: [], analysis: null, importPreview: null } : {}) });
      try {
        const saved = await lanes.call('zones.load', {});
        set({ saved, draft: draftOf(saved), dirty: false, changedOnDisk: false });
        analyze(0);
      } catch (error) {
        set({ error: errorMessage(error), saved: null });
      } finally {
        set({ loading: false });
      }
      void get().loadViolations();
    },

    toggleFolder(path) {
      set((state) => ({ expanded: state.expanded.includes(path) ? state.expanded.filter((open) => open !== path) : [...state.expanded, path] }));
      analyze(0);
    },

    addZone(instance, pattern) {
      const value = pattern.trim();
      if (value === '') return;
      edit((draft) => draft.map((item) => (item.name === instance && !item.zones.includes(value) ? { ...item, zones: [...item.zones, value] } : item)));
    },

    removeZone(instance, pattern) {
      edit((draft) => draft.map((item) => (item.name === instance ? { ...item, zones: item.zones.filter((zone) => zone !== pattern) } : item)));
    },

    moveZone(from, to, pattern) {
      if (from === to) return;
      edit((draft) =>
        draft.map((item) => {
          if (item.name === from) return { ...item, zones: item.zones.filter((zone) => zone !== pattern) };
          if (item.name === to && !item.zones.includes(pattern)) return { ...item, zones: [...item.zones, pattern] };
          return item;
        }),
      );
    },

    discard() {
      const { saved, root, changedOnDisk } = get();
      if (!saved) return;
      set({ draft: draftOf(saved), dirty: false, error: null, importPreview: null, ...(changedOnDisk ? { notice: null } : {}) });
      if (changedOnDisk && root) void get().load(root);
      else analyze(0);
    },

    async save() {
      const { saved, draft } = get();
      if (!saved) return;
      set({ saving: true, error: null });
      try {
        const next = await ownWrite(() =>
          lanes.call('zones.save', {
            instances: draft.map(({ name, zones }) => ({ name, zones: [...zones] })),
            versions: saved.versions,
          }),
        );
        const notice = `Saved to lanes.yml and ${next.sharedState.path}.`;
        // Edits made while the save was in flight stay in the draft, on top of what was saved.
        if (get().draft !== draft) set({ saved: next, notice });
        else set({ saved: next, draft: draftOf(next), dirty: false, notice });
        analyze(0);
      } catch (error) {
        set({ error: errorMessage(error) });
      } finally {
        set({ saving: false });
      }
    },

    async previewImport() {
      set({ error: null });
      try {
        set({ importPreview: await lanes.call('zones.importTable', {}) });
      } catch (error) {
        set({ error: errorMessage(error) });
      }
    },

    applyImport() {
      const preview = get().importPreview;
      if (!preview?.found) return;
      edit((draft) => {
        const next = draft.map((item) => {
          const row = preview.rows.find((candidate) => candidate.instance === item.name);
          return row ? { ...item, zones: row.zones } : item;
        });
        for (const row of preview.rows) {
          if (!next.some((item) => item.name === row.instance)) next.push({ name: row.instance, role: 'custom', zones: row.zones, isNew: true });
        }
        return next;
      });
      set({ importPreview: null, notice: `Imported the scope table from ${preview.path}. Review it, then save.` });
    },

    cancelImport: () => set({ importPreview: null }),

    async setOnViolation(mode) {
      const { saved } = get();
      if (!saved) return;
      try {
        const next = await ownWrite(() => lanes.call('zones.setOnViolation', { onViolation: mode, versions: saved.versions }));
        set((state) => ({ saved: state.dirty ? { ...next, instances: state.saved!.instances } : next }));
      } catch (error) {
        set({ error: errorMessage(error) });
      }
    },

    async loadViolations() {
      // Answered once the watchers are ready; until then `zones.enforcementChanged` says "starting".
      void lanes.call('zones.enforcement', {}).then(
        (enforcement) => set({ enforcement }),
        () => set({ enforcement: null }),
      );
      try {
        const result = await lanes.call('zones.violations', {});
        set({ violations: result.entries.slice(-VIOLATION_LOG_LIMIT), counts: result.counts, total: result.total, violationsLoaded: true });
      } catch {
        // No workspace open: nothing to show.
        set({ violations: [], counts: {}, total: 0, violationsLoaded: true });
      }
    },

    async clearViolations(instance) {
      try {
        const result = await lanes.call('zones.clearViolations', instance === undefined ? {} : { instance });
        set({ violations: result.entries.slice(-VIOLATION_LOG_LIMIT), counts: result.counts, total: result.total });
      } catch (error) {
        set({ error: errorMessage(error) });
      }
    },

    dismiss: () => set({ error: null, notice: null }),
  };
});

lanes.on('zones.violationsAdded', ({ added, counts, total }) => {
  useZones.setState((state) => {
    const replaced = new Set(added.map((violation) => violation.id));
    const violations = added.length === 0 && total === 0 ? [] : [...state.violations.filter((violation) => !replaced.has(violation.id)), ...added].slice(-VIOLATION_LOG_LIMIT);
    return { violations, counts, total };
  });
});

lanes.on('zones.enforcementChanged', (enforcement) => useZones.setState({ enforcement }));
