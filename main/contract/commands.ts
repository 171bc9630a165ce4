/**
 * The commands both the native menus (main/electron) and the renderer's command palette offer,
 * with one id and one shortcut each, so a menu never shows a key the window does not honour.
 * Shortcuts are platform-neutral: `Mod` is Cmd on macOS and Ctrl elsewhere.
 */

export const SCREENS = [
  { id: 'workspace', label: 'Workspace', key: '1' },
  { id: 'instances', label: 'Instances', key: '2' },
  { id: 'zones', label: 'Zones', key: '3' },
  { id: 'requests', label: 'Requests', key: '4' },
  { id: 'memory', label: 'Memory', key: '5' },
  { id: 'plan', label: 'Plan', key: '6' },
  { id: 'conflicts', label: 'Conflicts', key: '7' },
] as const;

export type ScreenId = (typeof SCREENS)[number]['id'];

/** The palette's command that shows a screen. */
export function goToCommand(screen: ScreenId): string {
  return `go.${screen}`;
}

/** The palette's command that shows an instance's terminal (a notification's click runs it). */
export function showInstanceCommand(instance: string): string {
  return `instance.show.${instance}`;
}

export interface AppCommand {
  readonly id: string;
  readonly title: string;
  readonly shortcut?: string;
}

/** The commands every screen offers, apart from going to a screen and each instance's own. */
export const APP_COMMANDS = {
  palette: { id: 'palette', title: 'Command palette', shortcut: 'Mod+K' },
  shortcuts: { id: 'shortcuts', title: 'Keyboard shortcuts', shortcut: 'Mod+/' },
  about: { id: 'about', title: 'About Lanes' },
  newInstance: { id: 'instances.new', title: 'New instance…', shortcut: 'Alt+Shift+N' },
  newRequest: { id: 'requests.new', title: 'New request…', shortcut: 'Alt+N' },
  whoOwns: { id: 'zones.whoOwns', title: 'Who owns a path…', shortcut: 'Alt+O' },
  startAll: { id: 'instances.startAll', title: 'Start all instances' },
  stopAll: { id: 'instances.stopAll', title: 'Stop all instances' },
} as const satisfies Record<string, AppCommand>;
