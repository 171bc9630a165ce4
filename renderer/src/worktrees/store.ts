import { create } from 'zustand';
import type {
  CreateInstanceArgs,
  CreateInstanceResult,
  InstanceOptions,
  MergeResult,
  WorktreeDiff,
  WorktreeEntry,
  WorktreeStatus,
} from '../../../main/contract/worktrees';
import { APP_COMMANDS } from '../../../main/contract/commands';
import { LanesClientError, errorMessage, lanes } from '../client';
import { useCommandRegistry, type PaletteCommand } from '../shell/commands';
import { goTo } from '../shell/routes';
import { useWorkspace } from '../workspace/store';

export type ProgressStep = 'check' | 'worktree' | 'include' | 'config' | 'setup' | 'done' | 'failed';

/** One "New instance" request as the dialog follows it. */
export interface Creation {
  readonly operation: string;
  busy: boolean;
  step: ProgressStep | null;
  message: string | null;
  percent: number | null;
  setupOutput: string;
  error: string | null;
  result: CreateInstanceResult | null;
}

/** The panel of one instance: its git state, diff, and the outcome of the last action. */
export interface PanelState {
  status: WorktreeStatus | null;
  loading: boolean;
  error: string | null;
  diff: WorktreeDiff | null;
  diffLoading: boolean;
  merge: MergeResult | null;
  busy: 'merge' | 'remove' | 'restore' | 'prune' | null;
  /** The last refusal of a removal asked for the typed name. */
  needsConfirmation: boolean;
}

const SETUP_OUTPUT_LIMIT = 64_000;

const emptyPanel = (): PanelState => ({
  status: null,
  loading: false,
  error: null,
  diff: null,
  diffLoading: false,
  merge: null,
  busy: null,
  needsConfirmation: false,
});

interface WorktreesState {
  options: InstanceOptions | null;
  optionsError: string | null;
  /** The New instance dialog is open (from its button, or from the palette on any screen). */
  dialogOpen: boolean;
  /** New instance buttons on the screen shown now: the palette opens the dialog there, else on Instances. */
  buttons: number;
  creation: Creation | null;
  panels: Record<string, PanelState>;
  list: WorktreeEntry[] | null;
  listError: string | null;
  pruned: string[] | null;
  /** Opens the dialog with a fresh form (the last creation's outcome is dropped). */
  openDialog(): void;
  closeDialog(): void;
  /** A New instance button came (+1) or went (-1). */
  countButton(change: 1 | -1): void;
  loadOptions(): Promise<void>;
  suggest(name: string): Promise<{ branch: string; path: string } | null>;
  createInstance(args: Omit<CreateInstanceArgs, 'operation'>): Promise<CreateInstanceResult | null>;
  /** `fresh`: the user pressed Refresh, so disk use is measured again. */
  loadStatus(instance: string, fresh?: boolean): Promise<void>;
  loadDiff(instance: string): Promise<void>;
  hideDiff(instance: string): void;
  merge(instance: string, mode: 'auto' | 'fast-forward' | 'merge-commit'): Promise<void>;
  /** Stops the instance if it runs, then removes its worktree and (unless `keepInstance`) its lanes.yml entry. */
  remove(instance: string, request: { confirm: string | undefined; deleteBranch: boolean; keepInstance: boolean }): Promise<boolean>;
  restoreWorktree(instance: string): Promise<void>;
  /** `fresh`: the user pressed Refresh, so disk use is measured again. */
  loadList(fresh?: boolean): Promise<void>;
  prune(): Promise<void>;
}

let operationCounter = 0;

/** The creation form's reads of its choices: how many were started (only the last one's answer counts), and whether it is still on its way. */
const optionsReads = { started: 0, pending: false };

export const useWorktrees = create<WorktreesState>((set, get) => {
  const patchPanel = (instance: string, patch: Partial<PanelState>) =>
    set((state) => ({ panels: { ...state.panels, [instance]: { ...(state.panels[instance] ?? emptyPanel()), ...patch } } }));
  const patchCreation = (operation: string, patch: Partial<Creation>) =>
    set((state) => (state.creation?.operation === operation ? { creation: { ...state.creation, ...patch } } : {}));

  return {
    options: null,
    optionsError: null,
    dialogOpen: false,
    buttons: 0,
    creation: null,
    panels: {},
    list: null,
    listError: null,
    pruned: null,

    // Asked again while open (the palette's shortcut), it keeps the form and the creation under way.
    openDialog: () => set((state) => (state.dialogOpen ? {} : { dialogOpen: true, creation: null })),
    closeDialog: () => set({ dialogOpen: false }),
    countButton: (change) => set((state) => ({ buttons: state.buttons + change })),

    async loadOptions() {
      const read = ++optionsReads.started;
      optionsReads.pending = true;
      try {
        const options = await lanes.call('worktrees.options', {});
        if (read === optionsReads.started) set({ options, optionsError: null });
      } catch (error) {
        if (read === optionsReads.started) set({ optionsError: errorMessage(error) });
      } finally {
        if (read === optionsReads.started) optionsReads.pending = false;
      }
    },

    async suggest(name) {
      try {
        return await lanes.call('worktrees.suggest', { name });
      } catch {
        return null;
      }
    },

    async createInstance(args) {
      operationCounter += 1;
      const operation = `create-${Date.now()}-${operationCounter}`;
      set({ creation: { operation, busy: true, step: null, message: null, percent: null, setupOutput: '', error: null, result: null } });
      try {
        const result = await lanes.call('worktrees.createInstance', { ...args, operation });
        patchCreation(operation, { busy: false, result, step: 'done' });
        return result;
      } catch (error) {
        patchCreation(operation, { busy: false, error: errorMessage(error), step: 'failed' });
        return null;
      }
    },

    async loadStatus(instance, fresh = false) {
      patchPanel(instance, { loading: true });
      try {
        patchPanel(instance, { status: await lanes.call('worktrees.status', fresh ? { instance, fresh } : { instance }), loading: false, error: null });
      } catch (error) {
        patchPanel(instance, { loading: false, error: errorMessage(error) });
      }
    },

    async loadDiff(instance) {
      patchPanel(instance, { diffLoading: true });
      try {
        patchPanel(instance, { diff: await lanes.call('worktrees.diff', { instance }), diffLoading: false });
      } catch (error) {
        patchPanel(instance, { diffLoading: false, error: errorMessage(error) });
      }
    },

    hideDiff: (instance) => patchPanel(instance, { diff: null }),

    async merge(instance, mode) {
      patchPanel(instance, { busy: 'merge', merge: null, error: null });
      try {
        const merge = await lanes.call('worktrees.merge', { instance, mode });
        patchPanel(instance, { merge });
        await get().loadStatus(instance);
      } catch (error) {
        patchPanel(instance, { error: errorMessage(error) });
      } finally {
        patchPanel(instance, { busy: null });
      }
    },

    async remove(instance, { confirm, deleteBranch, keepInstance }) {
      patchPanel(instance, { busy: 'remove', error: null });
      try {
        // Stopping an instance that does not run does nothing; main refuses to remove a running one.
        await lanes.call('instances.stop', { name: instance });
        await lanes.call('worktrees.remove', { instance, ...(confirm ? { confirm } : {}), deleteBranch, keepInstance });
        if (keepInstance) {
          patchPanel(instance, { busy: null, needsConfirmation: false, diff: null, merge: null });
          await get().loadStatus(instance);
        } else {
          set((state) => {
            const panels = { ...state.panels };
            delete panels[instance];
            return { panels };
          });
        }
        return true;
      } catch (error) {
        const needsConfirmation = error instanceof LanesClientError && error.details?.needsConfirmation === true;
        patchPanel(instance, { busy: null, error: errorMessage(error), needsConfirmation });
        return false;
      }
    },

    async restoreWorktree(instance) {
      patchPanel(instance, { busy: 'restore', error: null });
      try {
        await lanes.call('worktrees.restoreWorktree', { instance });
        await get().loadStatus(instance);
      } catch (error) {
        patchPanel(instance, { error: errorMessage(error) });
      } finally {
        patchPanel(instance, { busy: null });
      }
    },

    async loadList(fresh = false) {
      try {
        set({ list: await lanes.call('worktrees.list', fresh ? { fresh } : {}), listError: null });
      } catch (error) {
        set({ listError: errorMessage(error) });
      }
    },

    async prune() {
      try {
        const { pruned } = await lanes.call('worktrees.prune', {});
        set({ pruned });
        await get().loadList();
      } catch (error) {
        set({ listError: errorMessage(error) });
      }
    },
  };
});

lanes.on('worktrees.progress', (event) => {
  const creation = useWorktrees.getState().creation;
  if (!creation || event.operation !== creation.operation || event.step === 'failed') return;
  useWorktrees.setState({ creation: { ...creation, step: event.step, message: event.message, percent: event.percent ?? creation.percent } });
});

lanes.on('worktrees.setupOutput', (event) => {
  const creation = useWorktrees.getState().creation;
  if (!creation || event.operation !== creation.operation) return;
  useWorktrees.setState({ creation: { ...creation, setupOutput: (creation.setupOutput + event.data).slice(-SETUP_OUTPUT_LIMIT) } });
});

lanes.on('worktrees.changed', () => {
  const state = useWorktrees.getState();
  for (const instance of Object.keys(state.panels)) void state.loadStatus(instance);
  if (state.list) void state.loadList();
});

// lanes.yml changed (saved here, by another screen, or by hand): the form's choices (instance
// names, setup command, worktrees folder) and each panel's base and folder come from it.
lanes.on('config.changed', () => {
  const state = useWorktrees.getState();
  // A read on its way may carry the file from before this change: read again, and only the last read counts.
  if (state.options || optionsReads.pending) void state.loadOptions();
  for (const instance of Object.keys(state.panels)) void state.loadStatus(instance);
  if (state.list) void state.loadList();
});

useWorkspace.subscribe((state, previous) => {
  // Another repository (or none): what the panels showed belongs to the old one.
  if (state.snapshot?.root !== previous.snapshot?.root) {
    optionsReads.started += 1; // a read of the old repository's choices is not this one's
    optionsReads.pending = false;
    useWorktrees.setState({ options: null, panels: {}, list: null, pruned: null, dialogOpen: false });
    newInstanceCommand(state.snapshot !== null);
    return;
  }
  // Same repository, but git's list of worktrees changed on disk (added, removed, moved).
  const paths = (snapshot: typeof state.snapshot) => snapshot?.worktrees.map((worktree) => `${worktree.path}\0${worktree.branch}\0${worktree.prunable}`).join('\n');
  if (paths(state.snapshot) !== paths(previous.snapshot) && useWorktrees.getState().list) void useWorktrees.getState().loadList();
});

export const NEW_INSTANCE_SHORTCUT = APP_COMMANDS.newInstance.shortcut;

/** "New instance…" works from every screen: where no New instance button is shown, it goes to Instances first. */
function newInstanceCommand(hasWorkspace: boolean): void {
  const command: PaletteCommand = {
    id: APP_COMMANDS.newInstance.id,
    title: APP_COMMANDS.newInstance.title,
    group: 'Instances',
    shortcut: NEW_INSTANCE_SHORTCUT,
    keywords: ['create', 'add', 'agent', 'worktree'],
    enabled: hasWorkspace,
    run: () => {
      if (useWorktrees.getState().buttons === 0) goTo('instances');
      useWorktrees.getState().openDialog();
    },
  };
  useCommandRegistry.getState().set('worktrees', [command]);
}

newInstanceCommand(useWorkspace.getState().snapshot !== null);

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}
