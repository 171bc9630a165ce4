import { afterEach, describe, expect, it } from 'vitest';
import { TerminalScreen } from './terminal-screen';

const screens: TerminalScreen[] = [];
function screen(): TerminalScreen {
  const created = new TerminalScreen(80, 24);
  screens.push(created);
  return created;
}
afterEach(() => {
  for (const created of screens.splice(0)) created.dispose();
});

describe('TerminalScreen', () => {
  it('a serialization holds everything written before it was asked for and nothing written after', async () => {
    const terminal = screen();
    terminal.write('first\r\n');
    const before = terminal.serialize();
    terminal.write('second\r\n');
    expect(await before).toContain('first');
    expect(await before).not.toContain('second');
    const after = await terminal.serialize();
    expect(after).toContain('first');
    expect(after).toContain('second');
  });

  it('serialized again with nothing written between, the screen is the same; a write or a resize since gives the new one', async () => {
    const terminal = screen();
    terminal.write('one\r\n');
    const first = await terminal.serialize();
    expect(await terminal.serialize()).toBe(first);
    terminal.write('two\r\n');
    const second = await terminal.serialize();
    expect(second).toContain('two');
    terminal.write(`${'x'.repeat(70)}\r\n`);
    const wide = await terminal.serialize();
    terminal.resize(40, 24);
    const narrow = await terminal.serialize();
    expect(narrow).not.toBe(wide);
    expect(narrow).toContain('x'.repeat(40));
  });

  it('two callers asking at once both get the screen as it was when each asked', async () => {
    const terminal = screen();
    terminal.write('alpha\r\n');
    const early = terminal.serialize();
    const alsoEarly = terminal.serialize();
    terminal.write('beta\r\n');
    const late = terminal.serialize();
    const [a, b, c] = await Promise.all([early, alsoEarly, late]);
    expect(a).toBe(b);
    expect(a).not.toContain('beta');
    expect(c).toContain('beta');
  });
});
