import { describe, expect, it } from 'vitest';
import { availableCommands, matchesShortcut, shortcutLabel, type PaletteCommand } from './commands';

const key = (init: Partial<KeyboardEventInit> & { key: string; code?: string }) => ({ ctrlKey: false, metaKey: false, altKey: false, shiftKey: false, ...init });

describe('shortcuts', () => {
  it('writes keys as each platform does', () => {
    expect(shortcutLabel('Mod+K', false)).toBe('Ctrl+K');
    expect(shortcutLabel('Mod+K', true)).toBe('⌘K');
    expect(shortcutLabel('Mod+Shift+P', true)).toBe('⌘⇧P');
    expect(shortcutLabel('Alt+3', false)).toBe('Alt+3');
    expect(shortcutLabel('Mod+/', false)).toBe('Ctrl+/');
  });

  it('matches Mod as Cmd on macOS and Ctrl elsewhere, and nothing with extra modifiers', () => {
    expect(matchesShortcut(key({ key: 'k', code: 'KeyK', ctrlKey: true }), 'Mod+K', false)).toBe(true);
    expect(matchesShortcut(key({ key: 'k', code: 'KeyK', ctrlKey: true }), 'Mod+K', true)).toBe(false);
    expect(matchesShortcut(key({ key: 'k', code: 'KeyK', metaKey: true }), 'Mod+K', true)).toBe(true);
    expect(matchesShortcut(key({ key: 'K', code: 'KeyK', ctrlKey: true, shiftKey: true }), 'Mod+K', false)).toBe(false);
    expect(matchesShortcut(key({ key: 'P', code: 'KeyP', ctrlKey: true, shiftKey: true }), 'Mod+Shift+P', false)).toBe(true);
    expect(matchesShortcut(key({ key: 'k', code: 'KeyK' }), 'Mod+K', false)).toBe(false);
  });

  it('goes by the physical key where Alt changes the character (Alt+1 types "¡" on macOS)', () => {
    expect(matchesShortcut(key({ key: '¡', code: 'Digit1', altKey: true }), 'Alt+1', true)).toBe(true);
    expect(matchesShortcut(key({ key: '1', code: 'Digit1', altKey: true }), 'Alt+2', false)).toBe(false);
    expect(matchesShortcut(key({ key: '/', code: 'Slash', ctrlKey: true }), 'Mod+/', false)).toBe(true);
  });
});

describe('availableCommands', () => {
  it('lists enabled commands in the order offered, Go to first and Help last', () => {
    const command = (id: string, group: string, enabled?: boolean): PaletteCommand => ({ id, title: id, group, enabled, run: () => undefined });
    const sources = new Map([
      // Registered when their module loads, before the shell's own commands.
      ['requests', [command('new request', 'Requests')]],
      ['shell', [command('help', 'Help'), command('go', 'Go to')]],
      ['instances', [command('start', 'Instances'), command('stop', 'Instances', false)]],
    ]);
    expect(availableCommands(sources).map((entry) => entry.id)).toEqual(['go', 'new request', 'start', 'help']);
  });
});
