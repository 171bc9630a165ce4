import { create } from 'zustand';
import { APP_COMMANDS } from '../../../main/contract/commands';
import { useCommandRegistry, type PaletteCommand } from '../shell/commands';
import { goTo } from '../shell/routes';
import { useWorkspace } from '../workspace/store';

export const NEW_REQUEST_SHORTCUT = APP_COMMANDS.newRequest.shortcut;

/** The sender a request from the person at the keyboard names, rather than an instance. */
export const USER_PARTY = 'user';

interface NewRequestState {
  /** The New request form is open on the Requests screen (from its button, or from the palette on any screen). */
  open: boolean;
  show(): void;
  hide(): void;
}

export const useNewRequest = create<NewRequestState>((set) => ({
  open: false,
  show: () => set({ open: true }),
  hide: () => set({ open: false }),
}));

/**
 * Whom a new request goes to when nothing is chosen yet: the first candidate that is an instance
 * of this workspace (the board's filter, then the instance last focused on the Instances screen);
 * empty when none is.
 */
export function defaultReceiver(instances: readonly string[], ...candidates: readonly (string | null | undefined)[]): string {
  return candidates.find((candidate): candidate is string => !!candidate && instances.includes(candidate)) ?? '';
}

/** "New request…" works from every screen: it goes to Requests and opens the form there. */
function newRequestCommand(hasWorkspace: boolean): void {
  const command: PaletteCommand = {
    id: APP_COMMANDS.newRequest.id,
    title: APP_COMMANDS.newRequest.title,
    group: 'Requests',
    shortcut: NEW_REQUEST_SHORTCUT,
    keywords: ['create', 'ask', 'cross-instance'],
    enabled: hasWorkspace,
    run: () => {
      goTo('requests');
      useNewRequest.getState().show();
    },
  };
  useCommandRegistry.getState().set('requests', [command]);
}

newRequestCommand(useWorkspace.getState().snapshot !== null);

useWorkspace.subscribe((state, previous) => {
  if (state.snapshot?.root === previous.snapshot?.root) return;
  // Another repository (or none): a form left open belongs to the old one.
  useNewRequest.getState().hide();
  newRequestCommand(state.snapshot !== null);
});
