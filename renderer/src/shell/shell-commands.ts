import { useEffect, useMemo } from 'react';
import { APP_COMMANDS, goToCommand, showInstanceCommand } from '../../../main/contract/commands';
import { lanes } from '../client';
import { showTerminal, useInstances } from '../instances/store';
import { GO_TO_GROUP, HELP_GROUP, availableCommands, isMacPlatform, matchesShortcut, useCommandRegistry, useCommands, type PaletteCommand } from './commands';
import { useWorkspace } from '../workspace/store';
import { SCREENS, goTo } from './routes';

/** Statuses in which an instance's agent is alive. */
const ALIVE = new Set(['starting', 'running', 'waiting', 'idle']);

/** The shell's dialogs that commands open. */
export interface ShellDialogs {
  openPalette(): void;
  openShortcuts(): void;
  openAbout(): void;
  openWhoOwns(): void;
}

/** The commands that work on every screen: the palette itself, going to a screen, and each instance's start, stop and terminal. */
export function useShellCommands({ openPalette, openShortcuts, openAbout, openWhoOwns }: ShellDialogs): void {
  const instances = useInstances((state) => state.instances);
  const hasWorkspace = useWorkspace((state) => state.snapshot !== null);
  const shell = useMemo<PaletteCommand[]>(
    () => [
      ...SCREENS.map((screen) => ({ id: goToCommand(screen.id), title: `Go to ${screen.label}`, group: GO_TO_GROUP, shortcut: `Alt+${screen.key}`, run: () => goTo(screen.id) })),
      { ...APP_COMMANDS.palette, group: HELP_GROUP, run: openPalette },
      { ...APP_COMMANDS.shortcuts, group: HELP_GROUP, keywords: ['keys', 'help'], run: openShortcuts },
      { ...APP_COMMANDS.about, group: HELP_GROUP, keywords: ['version'], run: openAbout },
      { ...APP_COMMANDS.whoOwns, group: 'Zones', keywords: ['owner', 'zone', 'lease', 'file', 'path'], enabled: hasWorkspace, run: openWhoOwns },
    ],
    [openPalette, openShortcuts, openAbout, openWhoOwns, hasWorkspace],
  );
  const perInstance = useMemo<PaletteCommand[]>(() => {
    const store = () => useInstances.getState();
    const alive = instances.filter((instance) => ALIVE.has(instance.status));
    return [
      { ...APP_COMMANDS.startAll, group: 'Instances', enabled: instances.length > alive.length, run: () => store().startAll() },
      { ...APP_COMMANDS.stopAll, group: 'Instances', enabled: alive.length > 0, run: () => store().stopAll() },
      ...instances.flatMap((instance): PaletteCommand[] => {
        const running = ALIVE.has(instance.status);
        const name = instance.name;
        return [
          {
            id: showInstanceCommand(name),
            title: `Show ${name}'s terminal`,
            group: 'Instances',
            keywords: [instance.role, instance.agent],
            run: () => showTerminal(name),
          },
          { id: `instance.start.${name}`, title: `Start ${name}`, group: 'Instances', enabled: !running, run: () => store().start(name) },
          { id: `instance.restart.${name}`, title: `Restart ${name}`, group: 'Instances', enabled: running, run: () => store().restart(name) },
          { id: `instance.stop.${name}`, title: `Stop ${name}`, group: 'Instances', enabled: running, run: () => store().stop(name) },
        ];
      }),
    ];
  }, [instances]);
  useCommands('shell', shell);
  useCommands('shell.instances', perInstance);
}

/**
 * Runs the command whose shortcut was pressed, anywhere in the window. It listens before the
 * page does (capture) so a focused field cannot swallow Ctrl+K, except in a terminal off macOS,
 * where Ctrl+<key> is the shell's own: there Ctrl+Shift+P opens the palette.
 */
export function useShortcutKeys(openPalette: () => void): void {
  useEffect(() => {
    const mac = isMacPlatform();
    const onKey = (event: KeyboardEvent) => {
      if (event.repeat) return;
      if (matchesShortcut(event, 'Mod+Shift+P', mac)) {
        event.preventDefault();
        openPalette();
        return;
      }
      const target = event.target instanceof Element ? event.target : null;
      const inTerminal = target?.closest('.xterm') != null;
      const inTextField = target !== null && !inTerminal && (target.matches('input, textarea, select') || (target as HTMLElement).isContentEditable);
      const underDialog = document.querySelector('dialog[open]') !== null;
      for (const command of availableCommands(useCommandRegistry.getState().sources)) {
        if (!command.shortcut || !matchesShortcut(event, command.shortcut, mac)) continue;
        // Off macOS, Ctrl+<key> in a terminal is the shell's (Ctrl+K kills a line, Ctrl+/ undoes).
        if (inTerminal && !mac && command.shortcut.startsWith('Mod+')) return;
        const alt = command.shortcut.startsWith('Alt+');
        // On macOS, Option+<key> in a text field types a character (Option+N starts ñ): it is the field's.
        if (alt && mac && inTextField) return;
        // An open dialog keeps the screen behind it: Alt+<key> would change screens under it.
        if (alt && underDialog) return;
        event.preventDefault();
        event.stopPropagation();
        void command.run();
        return;
      }
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [openPalette]);
}

/**
 * Runs the command main asks for: a native menu item was chosen, or a notification clicked
 * (the desktop app). A command this screen does not offer now (an instance that is gone) does
 * nothing.
 */
export function useCommandsFromMain(): void {
  useEffect(() => lanes.on('app.command', ({ command }) => void runCommand(command)), []);
}

/** Runs the command offered now under `id`; false when none is (disabled, or its screen is not shown). */
export function runCommand(id: string, sources = useCommandRegistry.getState().sources): boolean {
  const wanted = availableCommands(sources).find((each) => each.id === id);
  if (wanted) void wanted.run();
  return wanted !== undefined;
}

/** Agents waiting for the user, in the window's title and, where the browser allows it, the app badge. */
export function useWaitingBadge(workspaceName: string | null): void {
  const waiting = useInstances((state) => state.instances.filter((instance) => instance.status === 'waiting').length);
  useEffect(() => {
    const title = workspaceName ? `${workspaceName} — Lanes` : 'Lanes';
    document.title = waiting > 0 ? `(${waiting} waiting) ${title}` : title;
    const badge = navigator as Navigator & { setAppBadge?(count: number): Promise<void>; clearAppBadge?(): Promise<void> };
    if (waiting > 0) void badge.setAppBadge?.(waiting).catch(() => undefined);
    else void badge.clearAppBadge?.().catch(() => undefined);
  }, [waiting, workspaceName]);
}
