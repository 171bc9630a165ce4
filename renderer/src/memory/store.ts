import { create } from 'zustand';
import type {
  MemoryChanged,
  MemoryDocument,
  MemoryFile,
  MemoryKind,
  MemoryListing,
  MemorySource,
  MemorySourceId,
  SearchResult,
  SharedState,
  WrapUpState,
} from '../../../main/contract/memory';
import { LanesClientError, errorMessage, lanes } from '../client';

/** A save refused because the file changed on disk: what is there now. */
export interface Conflict {
  readonly theirs: string | null;
  readonly theirsVersion: string | null;
}

interface MemoryState {
  sources: MemorySource[];
  source: MemorySourceId;
  listing: MemoryListing | null;
  loading: boolean;
  error: string | null;

  query: string;
  search: SearchResult | null;

  document: MemoryDocument | null;
  /** The text being edited, or null when not editing. */
  draft: string | null;
  conflict: Conflict | null;
  /** The open file changed on disk while it was being edited. */
  changedOnDisk: boolean;

  shared: SharedState | null;
  sharedDraft: string | null;
  sharedConflict: Conflict | null;
  sharedChangedOnDisk: boolean;

  wrapUp: WrapUpState | null;
  busy: boolean;

  load(source: MemorySourceId): Promise<void>;
  setQuery(query: string): void;
  open(source: MemorySourceId, name: string): Promise<void>;
  close(): void;
  edit(): void;
  setDraft(text: string): void;
  cancelEdit(): void;
  /** Drops unsaved changes without reloading the file. */
  discardEdit(): void;
  save(): Promise<boolean>;
  keepMine(): Promise<boolean>;
  takeTheirs(): Promise<void>;
  create(kind: Exclude<MemoryKind, 'index'>, slug: string): Promise<string | null>;
  rename(to: string): Promise<string | null>;
  remove(): Promise<boolean>;
  indexUnlisted(): Promise<void>;
  /** Removes a broken entry (line `line` pointing to the missing `target`) from MEMORY.md. */
  removeIndexLine(line: number, target: string): Promise<void>;

  loadShared(): Promise<void>;
  editShared(): void;
  setSharedDraft(text: string): void;
  cancelShared(): void;
  saveShared(): Promise<boolean>;
  keepMineShared(): Promise<boolean>;
  takeTheirsShared(): Promise<void>;

  loadWrapUp(): Promise<void>;
  sendWrapUp(instance: string | null): Promise<void>;
  dismissError(): void;
}

/** Whether the open file has edits that are not saved. */
export function hasUnsavedChanges(state: Pick<MemoryState, 'document' | 'draft'>): boolean {
  return state.draft !== null && state.document !== null && state.draft !== state.document.text;
}

let searchSeq = 0;
/** Files shown for a search; more would only slow typing down. */
const SEARCH_LIMIT = 12;

function conflictOf(error: unknown): Conflict | null {
  if (!(error instanceof LanesClientError) || error.code !== 'conflict') return null;
  const details = error.details ?? {};
  return {
    theirs: typeof details.theirs === 'string' ? details.theirs : null,
    theirsVersion: typeof details.theirsVersion === 'string' ? details.theirsVersion : null,
  };
}

export const useMemory = create<MemoryState>((set, get) => {
  const attempt = async <T>(task: () => Promise<T>): Promise<T | undefined> => {
    set({ busy: true, error: null });
    try {
      return await task();
    } catch (error) {
      set({ error: errorMessage(error) });
      return undefined;
    } finally {
      set({ busy: false });
    }
  };

  const runSearch = async () => {
    const { query, source } = get();
    const seq = ++searchSeq;
    if (query.trim() === '') {
      set({ search: null });
      return;
    }
    try {
      const result = await lanes.call('memory.search', { source, query, limit: SEARCH_LIMIT });
      if (seq === searchSeq) set({ search: result });
    } catch (error) {
      if (seq === searchSeq) set({ error: errorMessage(error) });
    }
  };

  const saveDocument = async (expectedVersion: string | null): Promise<boolean> => {
    const { document, draft } = get();
    if (!document || draft === null) return false;
    set({ busy: true, error: null });
    try {
      const saved = await lanes.call('memory.save', { source: document.source, name: document.name, text: draft, expectedVersion });
      set({ document: saved, draft: null, conflict: null, changedOnDisk: false });
      return true;
    } catch (error) {
      const conflict = conflictOf(error);
      set(conflict ? { conflict } : { error: errorMessage(error) });
      return false;
    } finally {
      set({ busy: false });
    }
  };

  const saveShared = async (expectedVersion: string | null): Promise<boolean> => {
    const { sharedDraft } = get();
    if (sharedDraft === null) return false;
    set({ busy: true, error: null });
    try {
      const saved = await lanes.call('memory.saveSharedState', { editable: sharedDraft, expectedVersion });
      set({ shared: saved, sharedDraft: null, sharedConflict: null, sharedChangedOnDisk: false });
      return true;
    } catch (error) {
      const conflict = conflictOf(error);
      set(conflict ? { sharedConflict: conflict } : { error: errorMessage(error) });
      return false;
    } finally {
      set({ busy: false });
    }
  };

  return {
    sources: [],
    source: 'repo',
    listing: null,
    loading: true,
    error: null,
    query: '',
    search: null,
    document: null,
    draft: null,
    conflict: null,
    changedOnDisk: false,
    shared: null,
    sharedDraft: null,
    sharedConflict: null,
    sharedChangedOnDisk: false,
    wrapUp: null,
    busy: false,

    async load(source) {
      set({ source, loading: get().listing?.source.id !== source });
      try {
        const [sources, listing] = await Promise.all([lanes.call('memory.sources', {}), lanes.call('memory.list', { source })]);
        if (get().source === source) set({ sources, listing, loading: false, error: null });
        void runSearch();
      } catch (error) {
        set({ error: errorMessage(error), loading: false, listing: null });
      }
    },

    setQuery(query) {
      set({ query });
      void runSearch();
    },

    async open(source, name) {
      const { document, draft } = get();
      if (document && document.source === source && document.name === name && draft !== null) return;
      // Unsaved changes to another file are never dropped by moving around; the screen offers them back.
      if (hasUnsavedChanges(get())) return;
      try {
        const opened = await lanes.call('memory.read', { source, name });
        set({ document: opened, draft: null, conflict: null, changedOnDisk: false, error: null });
      } catch (error) {
        set({ document: null, draft: null, error: errorMessage(error) });
      }
    },

    close() {
      if (!hasUnsavedChanges(get())) set({ document: null, draft: null, conflict: null, changedOnDisk: false });
    },
    discardEdit: () => set({ draft: null, conflict: null }),
    edit: () => set((state) => ({ draft: state.document?.text ?? null, conflict: null })),
    setDraft: (text) => set({ draft: text }),
    cancelEdit() {
      set({ draft: null, conflict: null });
      const { document, changedOnDisk } = get();
      if (document && changedOnDisk) void get().open(document.source, document.name);
    },
    save: () => saveDocument(get().document?.version ?? null),
    keepMine: () => saveDocument(get().conflict?.theirsVersion ?? null),
    async takeTheirs() {
      const { document } = get();
      set({ draft: null, conflict: null });
      if (document) await get().open(document.source, document.name);
    },

    create: async (kind, slug) =>
      (await attempt(async () => {
        const created = await lanes.call('memory.create', { source: get().source, kind, slug, addToIndex: true });
        set({ document: created, draft: null });
        return created.name;
      })) ?? null,

    rename: async (to) =>
      (await attempt(async () => {
        const { document } = get();
        if (!document) return null;
        const renamed = await lanes.call('memory.rename', { source: document.source, from: document.name, to, expectedVersion: document.version });
        set({ document: renamed });
        return renamed.name;
      })) ?? null,

    remove: async () =>
      (await attempt(async () => {
        const { document } = get();
        if (!document) return false;
        await lanes.call('memory.delete', { source: document.source, name: document.name, expectedVersion: document.version });
        set({ document: null, draft: null });
        return true;
      })) ?? false,

    async indexUnlisted() {
      await attempt(async () => set({ listing: await lanes.call('memory.indexUnlisted', { source: get().source }) }));
    },
    async removeIndexLine(line, target) {
      await attempt(async () => set({ listing: await lanes.call('memory.removeIndexLine', { source: get().source, line, target }) }));
    },

    async loadShared() {
      try {
        set({ shared: await lanes.call('memory.sharedState', {}), sharedChangedOnDisk: false });
      } catch (error) {
        set({ error: errorMessage(error) });
      }
    },
    editShared: () => set((state) => ({ sharedDraft: state.shared?.editable ?? '', sharedConflict: null })),
    setSharedDraft: (text) => set({ sharedDraft: text }),
    cancelShared() {
      set({ sharedDraft: null, sharedConflict: null });
      if (get().sharedChangedOnDisk) void get().loadShared();
    },
    saveShared: () => saveShared(get().shared?.version ?? null),
    keepMineShared: () => saveShared(get().sharedConflict?.theirsVersion ?? null),
    async takeTheirsShared() {
      set({ sharedDraft: null, sharedConflict: null });
      await get().loadShared();
    },

    async loadWrapUp() {
      try {
        set({ wrapUp: await lanes.call('memory.wrapUpState', {}) });
      } catch (error) {
        set({ error: errorMessage(error) });
      }
    },
    async sendWrapUp(instance) {
      await attempt(async () => set({ wrapUp: await lanes.call('memory.wrapUp', { instance }) }));
    },
    dismissError: () => set({ error: null }),
  };
});

/** Newest first, then by name, as the core lists them. */
function newestFirst(a: MemoryFile, b: MemoryFile): number {
  return a.modifiedAt < b.modifiedAt ? 1 : a.modifiedAt > b.modifiedAt ? -1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/**
 * The listing after a `memory.changed` event, or null when the event cannot be applied to
 * `listing` (none held, another folder, or the folder appeared, went away or moved): then the
 * whole listing has to be asked for.
 */
export function applyMemoryChange(listing: MemoryListing | null, change: MemoryChanged): MemoryListing | null {
  if (change.kind === 'listing') return change.listing;
  const { source } = change;
  if (!listing || listing.source.id !== source.id || listing.source.path !== source.path || listing.source.exists !== source.exists) return null;
  const replaced = new Set([...change.removed, ...change.upserted.map((file) => file.name)]);
  const files = listing.files.filter((file) => !replaced.has(file.name));
  files.push(...change.upserted);
  files.sort(newestFirst);
  return { source, files, health: change.health };
}

lanes.on('memory.changed', (change) => {
  const state = useMemory.getState();
  const source = change.kind === 'listing' ? change.listing.source.id : change.source.id;
  if (source !== state.source) return;
  const listing = applyMemoryChange(state.listing, change);
  if (!listing) {
    void state.load(source);
    return;
  }
  useMemory.setState({ listing });
  if (state.query.trim() !== '') state.setQuery(state.query);
  const open = state.document;
  if (open && open.source === source && change.changed.includes(open.name)) {
    if (state.draft !== null) useMemory.setState({ changedOnDisk: true });
    else if (listing.files.some((file) => file.name === open.name)) void state.open(open.source, open.name);
    else useMemory.setState({ document: null, error: `\`${open.name}\` was deleted or renamed on disk.` });
  }
});

lanes.on('memory.sharedStateChanged', (shared) => {
  const state = useMemory.getState();
  if (state.sharedDraft !== null) {
    if (shared.version !== state.shared?.version) useMemory.setState({ sharedChangedOnDisk: true });
    return;
  }
  useMemory.setState({ shared });
});

lanes.on('memory.wrapUpChanged', (wrapUp) => useMemory.setState({ wrapUp }));
// Status changes come often; the wrap-up panel only cares which instances exist and run.
let instancesSeen = '';
lanes.on('instances.changed', ({ instances }) => {
  const seen = instances.map((instance) => `${instance.name}:${instance.pid ?? ''}`).join('\n');
  if (seen === instancesSeen) return;
  instancesSeen = seen;
  void useMemory.getState().loadWrapUp();
});
let shownRoot: string | null = null;
lanes.on('workspace.changed', (snapshot) => {
  const root = snapshot?.root ?? null;
  if (root === shownRoot) return;
  shownRoot = root;
  useMemory.setState({ document: null, draft: null, conflict: null, shared: null, sharedDraft: null, search: null, query: '', wrapUp: null, listing: null, sources: [] });
  if (root) void useMemory.getState().load(useMemory.getState().source);
});
