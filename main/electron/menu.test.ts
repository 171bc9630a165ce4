import { describe, expect, it } from 'vitest';
import { APP_COMMANDS, SCREENS, goToCommand } from '../contract/commands';
import { applicationMenu, toAccelerator, type MenuItemSpec } from './menu';

const commands = (menus: ReturnType<typeof applicationMenu>) =>
  menus.flatMap((menu) => menu.items).filter((item): item is Extract<MenuItemSpec, { kind: 'command' }> => item.kind === 'command');

describe('the native menus', () => {
  it('has File, Edit, View, Instances, Window and Help, with the app menu first on macOS', () => {
    expect(applicationMenu('linux').map((menu) => menu.label)).toEqual(['File', 'Edit', 'View', 'Instances', 'Window', 'Help']);
    expect(applicationMenu('win32').map((menu) => menu.label)).toEqual(['File', 'Edit', 'View', 'Instances', 'Window', 'Help']);
    expect(applicationMenu('darwin').map((menu) => menu.label)).toEqual(['Lanes', 'File', 'Edit', 'View', 'Instances', 'Window', 'Help']);
  });

  it("mirrors the palette: each screen and the app's commands, with the palette's keys", () => {
    const items = commands(applicationMenu('linux'));
    for (const screen of SCREENS) expect(items).toContainEqual({ kind: 'command', label: screen.label, command: goToCommand(screen.id), accelerator: `Alt+${screen.key}` });
    expect(items).toContainEqual(expect.objectContaining({ command: APP_COMMANDS.palette.id, accelerator: 'CmdOrCtrl+K' }));
    expect(items).toContainEqual(expect.objectContaining({ command: APP_COMMANDS.shortcuts.id, accelerator: 'CmdOrCtrl+/' }));
    expect(items.map((item) => item.command)).toEqual(expect.arrayContaining([APP_COMMANDS.startAll.id, APP_COMMANDS.stopAll.id]));
    expect(items).toContainEqual({ kind: 'command', label: 'New Request…', command: 'requests.new', accelerator: 'Alt+N' });
    expect(items).toContainEqual({ kind: 'command', label: 'New Instance…', command: 'instances.new', accelerator: 'Alt+Shift+N' });
    expect(items).toContainEqual({ kind: 'command', label: 'Who Owns a Path…', command: 'zones.whoOwns', accelerator: 'Alt+O' });
  });

  it('offers About once: under Help, or in the app menu on macOS', () => {
    const abouts = (platform: NodeJS.Platform) =>
      applicationMenu(platform).flatMap((menu) => menu.items.filter((item) => item.kind === 'action' && item.action === 'about').map(() => menu.label));
    expect(abouts('linux')).toEqual(['Help']);
    expect(abouts('darwin')).toEqual(['Lanes']);
  });

  it('writes shortcuts as Electron accelerators', () => {
    expect(toAccelerator('Mod+Shift+P')).toBe('CmdOrCtrl+Shift+P');
    expect(toAccelerator('Alt+3')).toBe('Alt+3');
  });
});
