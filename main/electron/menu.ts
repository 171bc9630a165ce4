import { APP_COMMANDS, SCREENS, goToCommand } from '../contract/commands';

/**
 * The native menus as data: File, Edit, View, Instances, Window and Help (with the app menu
 * first on macOS). An item either asks the window to run one of the palette's commands, with
 * the palette's shortcut, or is an Electron role (copy, zoom…), or an action main does itself.
 * main/electron/main.ts turns it into an Electron menu; keeping it here lets it be tested
 * without Electron.
 */
export type MenuRole =
  | 'about' | 'hide' | 'hideOthers' | 'unhide' | 'quit' | 'close'
  | 'undo' | 'redo' | 'cut' | 'copy' | 'paste' | 'selectAll'
  | 'reload' | 'toggleDevTools' | 'resetZoom' | 'zoomIn' | 'zoomOut' | 'togglefullscreen'
  | 'minimize' | 'zoom' | 'front';

/** What main does itself, without the window. */
export type MenuAction = 'openFolder' | 'about';

export type MenuItemSpec =
  | { readonly kind: 'command'; readonly label: string; readonly command: string; readonly accelerator?: string }
  | { readonly kind: 'action'; readonly label: string; readonly action: MenuAction }
  | { readonly kind: 'role'; readonly role: MenuRole }
  | { readonly kind: 'separator' };

export interface MenuSpec {
  readonly label: string;
  readonly items: readonly MenuItemSpec[];
}

/** A palette shortcut (`Mod+K`, `Alt+1`) as an Electron accelerator (`CmdOrCtrl+K`). */
export function toAccelerator(shortcut: string): string {
  return shortcut.split('+').map((part) => (part === 'Mod' ? 'CmdOrCtrl' : part)).join('+');
}

const separator: MenuItemSpec = { kind: 'separator' };
const role = (name: MenuRole): MenuItemSpec => ({ kind: 'role', role: name });
const command = (entry: { id: string; title: string; shortcut?: string }, label = entry.title): MenuItemSpec =>
  entry.shortcut ? { kind: 'command', label, command: entry.id, accelerator: toAccelerator(entry.shortcut) } : { kind: 'command', label, command: entry.id };

export function applicationMenu(platform: NodeJS.Platform): MenuSpec[] {
  const mac = platform === 'darwin';
  const about: MenuItemSpec = { kind: 'action', label: 'About Lanes', action: 'about' };
  const menus: MenuSpec[] = [
    {
      label: 'File',
      items: [
        command(APP_COMMANDS.newInstance, 'New Instance…'),
        command(APP_COMMANDS.newRequest, 'New Request…'),
        separator,
        { kind: 'action', label: 'Open Repository…', action: 'openFolder' },
        separator,
        role('close'),
        ...(mac ? [] : [role('quit')]),
      ],
    },
    { label: 'Edit', items: [role('undo'), role('redo'), separator, role('cut'), role('copy'), role('paste'), role('selectAll')] },
    {
      label: 'View',
      items: [
        command(APP_COMMANDS.palette, 'Command Palette…'),
        command(APP_COMMANDS.whoOwns, 'Who Owns a Path…'),
        separator,
        ...SCREENS.map((screen) => command({ id: goToCommand(screen.id), title: screen.label, shortcut: `Alt+${screen.key}` })),
        separator,
        role('resetZoom'),
        role('zoomIn'),
        role('zoomOut'),
        separator,
        role('togglefullscreen'),
        role('reload'),
        role('toggleDevTools'),
      ],
    },
    { label: 'Instances', items: [command(APP_COMMANDS.startAll), command(APP_COMMANDS.stopAll)] },
    { label: 'Window', items: mac ? [role('minimize'), role('zoom'), separator, role('front')] : [role('minimize'), role('close')] },
    { label: 'Help', items: [command(APP_COMMANDS.shortcuts, 'Keyboard Shortcuts'), ...(mac ? [] : [separator, about])] },
  ];
  if (!mac) return menus;
  return [{ label: 'Lanes', items: [about, separator, role('hide'), role('hideOthers'), role('unhide'), separator, role('quit')] }, ...menus];
}
