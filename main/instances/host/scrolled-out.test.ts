import { afterEach, describe, expect, it } from 'vitest';
import * as serializeModule from '@xterm/addon-serialize';
import * as headlessModule from '@xterm/headless';
import { dropScrolledOut } from './scrolled-out';
import { parserCounts, SCREEN_SCROLLBACK, TerminalScreen } from './terminal-screen';

const { Terminal } = ('Terminal' in headlessModule ? headlessModule : (headlessModule as unknown as { default: typeof headlessModule }).default) as typeof headlessModule;
const { SerializeAddon } = ('SerializeAddon' in serializeModule ? serializeModule : (serializeModule as unknown as { default: typeof serializeModule }).default) as typeof serializeModule;

const COLS = 80;
const ROWS = 24;

/** The screen as xterm draws it from every character, nothing dropped: what a dropping screen must equal. */
async function parsedWhole(parts: readonly string[]): Promise<string> {
  const terminal = new Terminal({ cols: COLS, rows: ROWS, scrollback: SCREEN_SCROLLBACK, allowProposedApi: true });
  const serializer = new SerializeAddon();
  terminal.loadAddon(serializer);
  for (const part of parts) await new Promise<void>((resolve) => terminal.write(part, resolve));
  const data = serializer.serialize({ scrollback: SCREEN_SCROLLBACK });
  terminal.dispose();
  return data;
}

const screens: TerminalScreen[] = [];
afterEach(() => {
  for (const screen of screens.splice(0)) screen.dispose();
});

/**
 * The same parts through a TerminalScreen: `before` parsed first (the state the flood finds), then
 * the flood written in pieces as the host hands output over, all of it waiting at once. The
 * screen, and the characters it dropped unparsed.
 */
async function throughScreen(before: string, flood: string): Promise<{ screen: string; dropped: number }> {
  const screen = new TerminalScreen(COLS, ROWS);
  screens.push(screen);
  screen.write(before);
  await screen.serialize();
  const droppedBefore = parserCounts.dropped;
  for (let at = 0; at < flood.length; at += 64 * 1024) screen.write(flood.slice(at, at + 64 * 1024));
  return { screen: await screen.serialize(), dropped: parserCounts.dropped - droppedBefore };
}

/** A flood a build or a test run prints: numbered lines, tabs, wide characters, lines that wrap, colours on and off. */
function flood(lines: number, line: (index: number) => string = varied): string {
  return Array.from({ length: lines }, (_, index) => line(index)).join('');
}

function varied(index: number): string {
  if (index % 97 === 0) return `\x1b[1;31mFAIL\x1b[22;39m case ${index}\r\n`;
  if (index % 89 === 0) return `\x1b[0mreset at ${index}\x1b[38;2;10;200;30m then green\r\n`;
  if (index % 53 === 0) return `${'long '.repeat(50)}${index}\r\n`;
  if (index % 31 === 0) return `漢字 ${index}\tand a tab\r\n`;
  return `line ${index} ${'.'.repeat(index % 70)}\r\n`;
}

const BEFORE = '\x1b]0;an agent\x07\x1b[1;32m$ \x1b[0mrun the tests\r\n\x1b[33mstarting\x1b[0m\r\n$ ';

describe('dropping output that scrolls out unseen', () => {
  it('leaves the screen exactly as parsing every character does: scrollback, colours carried over, wide characters, wrapped lines, a cursor mid-screen', async () => {
    // Colours set in the dropped part (blue, bold, after a green left on by the varied lines)
    // hold to the end, over lines with no colour of their own and a last line not yet ended.
    const text = `${flood(40_000)}\x1b[1;34m${flood(20_000, (index) => (index % 31 === 0 ? `漢字 ${index}\tand a tab\r\n` : `plain ${index}\r\n`))}tail, still blue`;
    const { screen, dropped } = await throughScreen(BEFORE, text);
    expect(dropped).toBeGreaterThan(2_000_000);
    expect(screen).toBe(await parsedWhole([BEFORE, text]));
    expect(screen).toContain('tail, still blue');
  });

  it('drops nothing when the lines it would drop do more than print: an erase, a cursor move, a title, a bell', async () => {
    for (const stateful of ['\x1b[2K', '\x1b[5;5H', '\x1b]0;retitled\x07', '\x07', '\x1b(0']) {
      const text = `${flood(100)}${stateful}${flood(39_900)}`;
      const { screen, dropped } = await throughScreen(BEFORE, text);
      expect(dropped, JSON.stringify(stateful)).toBe(0);
      expect(screen).toBe(await parsedWhole([BEFORE, text]));
    }
  });

  it('drops nothing when the terminal is not at rest: mid-sequence, on the alternate screen, with a scroll region', async () => {
    // The flood's first characters finish the sequence begun before it ("\x1b[3" + "1m": red).
    const cases = [
      { before: `${BEFORE}\x1b[3`, text: `1m${flood(40_000)}` },
      { before: `${BEFORE}\x1b[?1049h`, text: flood(40_000) },
      { before: `${BEFORE}\x1b[3;20r`, text: flood(40_000) },
    ];
    for (const { before, text } of cases) {
      const { screen, dropped } = await throughScreen(before, text);
      expect(dropped, JSON.stringify(before.slice(-8))).toBe(0);
      expect(screen).toBe(await parsedWhole([before, text]));
    }
  });

  it('drops nothing from lines that end in a bare line feed (each starts where the last ended)', async () => {
    const text = flood(40_000, (index) => `step ${index % 10}\n`);
    const { screen, dropped } = await throughScreen(BEFORE, text);
    expect(dropped).toBe(0);
    expect(screen).toBe(await parsedWhole([BEFORE, text]));
  });
});

describe('dropScrolledOut', () => {
  it('keeps the given number of line feeds and the colours in effect at the cut, from the last reset on', () => {
    const text = '\x1b[31mone\r\n\x1b[0m\x1b[1mtwo\r\n\x1b[4mthree\r\nfour\r\nfive\r\nsix';
    const result = dropScrolledOut(text, 2);
    expect(result).not.toBeNull();
    expect(result!.text).toBe('\x1b[0m\x1b[1m\x1b[4mfour\r\nfive\r\nsix');
    expect(result!.dropped).toBe('\x1b[31mone\r\ntwo\r\nthree\r\n'.length);
  });

  it('refuses text with too few lines to drop any', () => {
    expect(dropScrolledOut('one\r\ntwo\r\n', 2)).toBeNull();
  });
});
