import { useEffect } from 'react';
import { create } from 'zustand';

/**
 * One action the user can take, wherever it lives: the command palette lists it, the shortcuts
 * sheet shows its keys, and its shortcut works anywhere in the window. Screens register the
 * actions they offer while they are shown; the shell registers the ones that work everywhere.
 */
export interface PaletteCommand {
  readonly id: string;
  readonly title: string;
  /** Where the palette and the shortcuts sheet list it: "Go to", "Instances", "Requests"… */
  readonly group: string;
  /** Keys in a platform-neutral form: `Mod+K` (Cmd on macOS, Ctrl elsewhere), `Alt+1`, `Mod+Shift+P`. */
  readonly shortcut?: string;
  /** Other words people may type for it. */
  readonly keywords?: readonly string[];
  /** False hides it (a stopped instance offers no Stop). */
  readonly enabled?: boolean;
  run(): void | Promise<void>;
}

interface CommandRegistry {
  readonly sources: ReadonlyMap<string, readonly PaletteCommand[]>;
  set(source: string, commands: readonly PaletteCommand[] | null): void;
}

export const useCommandRegistry = create<CommandRegistry>((set) => ({
  sources: new Map(),
  set: (source, commands) =>
    set((state) => {
      const sources = new Map(state.sources);
      if (commands) sources.set(source, commands);
      else sources.delete(source);
      return { sources };
    }),
}));

/** Offers `commands` while the calling component is shown. Give a new array when they change. */
export function useCommands(source: string, commands: readonly PaletteCommand[]): void {
  useEffect(() => {
    useCommandRegistry.getState().set(source, commands);
    return () => useCommandRegistry.getState().set(source, null);
  }, [source, commands]);
}

/** The group listed last: the palette leads with actions, not with help about itself. */
export const HELP_GROUP = 'Help';

/** The group listed first: where to go. */
export const GO_TO_GROUP = 'Go to';

/** Every command offered now, enabled ones only, in registration order with Go to first and Help last. */
export function availableCommands(sources: ReadonlyMap<string, readonly PaletteCommand[]>): PaletteCommand[] {
  const enabled = [...sources.values()].flat().filter((command) => command.enabled !== false);
  const rank = (command: PaletteCommand) => (command.group === GO_TO_GROUP ? 0 : command.group === HELP_GROUP ? 2 : 1);
  return enabled.map((command, index) => ({ command, index })).sort((a, b) => rank(a.command) - rank(b.command) || a.index - b.index).map(({ command }) => command);
}

export function isMacPlatform(platform = typeof navigator === 'undefined' ? '' : navigator.platform): boolean {
  return /Mac|iPhone|iPad/.test(platform);
}

/** A shortcut as this platform writes it: `⌘K` on macOS, `Ctrl+K` elsewhere. */
export function shortcutLabel(shortcut: string, mac = isMacPlatform()): string {
  const parts = shortcut.split('+');
  const key = parts.pop()!;
  const names = parts.map((part) => {
    if (part === 'Mod') return mac ? '⌘' : 'Ctrl';
    if (part === 'Alt') return mac ? '⌥' : 'Alt';
    if (part === 'Shift') return mac ? '⇧' : 'Shift';
    return part;
  });
  const shown = key.length === 1 ? key.toUpperCase() : key;
  return mac ? `${names.join('')}${shown}` : [...names, shown].join('+');
}

interface KeyLike {
  readonly key: string;
  readonly code?: string;
  readonly ctrlKey: boolean;
  readonly metaKey: boolean;
  readonly altKey: boolean;
  readonly shiftKey: boolean;
}

/** Whether a key press is the shortcut, with Mod meaning Cmd on macOS and Ctrl elsewhere. */
export function matchesShortcut(event: KeyLike, shortcut: string, mac = isMacPlatform()): boolean {
  const parts = shortcut.split('+');
  const key = parts.pop()!;
  const wants = new Set(parts);
  const mod = wants.has('Mod');
  if ((mac ? event.metaKey : event.ctrlKey) !== mod) return false;
  if ((mac ? event.ctrlKey : event.metaKey) !== wants.has('Ctrl')) return false;
  if (event.altKey !== wants.has('Alt') || event.shiftKey !== wants.has('Shift')) return false;
  // With Alt or Shift held, `key` is the changed character (Alt+1 is "¡" on macOS): the physical key decides.
  if (/^[0-9]$/.test(key)) return event.code === `Digit${key}` || event.key === key;
  if (/^[a-z]$/i.test(key)) return event.code === `Key${key.toUpperCase()}` || event.key.toLowerCase() === key.toLowerCase();
  return event.key === key;
}
