import { afterEach, describe, expect, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import { waitFor } from '../../../test/support/wait';
import { HOST_UNPARSED_CHARS, parserCounts, parseTiming, SCREEN_BEHIND_CHARS, STREAMING_DEFER_CHARS, TerminalScreen } from './terminal-screen';

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

describe('TerminalScreen parsing in turns', () => {
  // Each line clears the rest of its row (ESC [ K), as progress output does: output the screen must
  // parse whole, none of it dropped as scrolled out (scrolled-out.test.ts tests that), so these
  // tests see the parse's pace.
  const lines = (from: number, count: number) => Array.from({ length: count }, (_, index) => `line ${from + index} ${'.'.repeat(60)}\x1b[K\r\n`).join('');

  it('parses a backlog someone waits for slice after slice in one turn, not one slice per turn with a timer between', async () => {
    // xterm parses a write after a timer unless its queue holds something: one slice per turn
    // left the host idle about half the time while a reattach waited (see parseTiming).
    const terminal = screen();
    const text = lines(1, 20_000); // about 1.4 MB, over 40 slices
    for (let at = 0; at < text.length; at += 4_096) terminal.write(text.slice(at, at + 4_096));
    const before = { ...parserCounts };
    const usual = parseTiming.fullSpeedTurnMs;
    parseTiming.fullSpeedTurnMs = 60_000; // no slower machine ends a turn early
    try {
      expect(await terminal.serialize()).toContain('line 20000 ');
    } finally {
      parseTiming.fullSpeedTurnMs = usual;
    }
    expect(parserCounts.slices - before.slices).toBeGreaterThan(40);
    expect(parserCounts.turns - before.turns).toBeLessThanOrEqual(2);
  });

  it('says when more output waits to be parsed than it lets an agent run ahead, and when it caught up; nothing is lost', async () => {
    const signals: boolean[] = [];
    const terminal = new TerminalScreen(120, 30, { fallingBehind: (behind) => signals.push(behind), isWatched: () => false });
    screens.push(terminal);
    // Written in pieces of the size a pty hands over, more than SCREEN_BEHIND_CHARS in all.
    const count = Math.ceil((2 * SCREEN_BEHIND_CHARS.unwatched) / 70);
    for (let line = 1; line <= count; line += 50) terminal.write(lines(line, Math.min(50, count - line + 1)));
    expect(signals).toEqual([true]);
    expect(terminal.isBehind).toBe(true);
    const drawn = (await terminal.serialize()).split('\r\n').filter((line) => line.startsWith('line '));
    expect(signals).toEqual([true, false]);
    expect(terminal.isBehind).toBe(false);
    expect(drawn).toEqual(Array.from({ length: count }, (_, index) => `line ${index + 1} ${'.'.repeat(60)}`));
  });

  it('parses a screen someone waits for before the output of screens nobody views', async () => {
    const unwatched = new TerminalScreen(120, 30, { isWatched: () => false });
    const watched = new TerminalScreen(120, 30, { isWatched: () => true });
    screens.push(unwatched, watched);
    for (let line = 1; line <= 60_000; line += 50) unwatched.write(lines(line, 50));
    watched.write('typed\r\n');
    expect(await watched.serialize()).toContain('typed');
    // A slice or two of the flood at most went first: far more than a quarter of SCREEN_BEHIND_CHARS still waits.
    expect(unwatched.isBehind).toBe(true);
    expect(await unwatched.serialize()).toContain(`line 60000 `);
  });

  it('a viewed screen whose output streams in gives way to the output, and catches up once it pauses; nothing is lost', async () => {
    const signals: boolean[] = [];
    const terminal = new TerminalScreen(120, 30, { fallingBehind: (behind) => signals.push(behind), isWatched: () => true });
    screens.push(terminal);
    // A burst of 6 MB (more than a viewed screen was once allowed to fall behind; under STREAMING_DEFER_CHARS), then a line every 10 ms for 200 ms.
    const burst = Math.ceil(6_000_000 / 70);
    for (let line = 1; line <= burst; line += 50) terminal.write(lines(line, Math.min(50, burst - line + 1)));
    const written = terminal.unparsed;
    for (let line = burst + 1; line <= burst + 20; line += 1) {
      terminal.write(lines(line, 1));
      await sleep(10);
    }
    // Parsed at full speed (30–60 MB/s here) it would all be parsed by now; at a twentieth of the
    // host's time, a fraction of it. A busier machine parses less, not more.
    expect(terminal.unparsed).toBeGreaterThan(written / 2);
    // The agent was never held for it.
    expect(signals).toEqual([]);
    const drawn = (await terminal.serialize()).split('\r\n').filter((line) => line.startsWith('line '));
    expect(drawn.at(-1)).toBe(`line ${burst + 20} ${'.'.repeat(60)}`);
    expect(terminal.unparsed).toBe(0);
  });

  it('once the host holds more unparsed output than it puts off, in one flood or several, viewed screens are parsed at full speed beside their output', async () => {
    const signals: boolean[] = [];
    const make = () => {
      const terminal = new TerminalScreen(120, 30, { fallingBehind: (behind) => signals.push(behind), isWatched: () => true });
      screens.push(terminal);
      return terminal;
    };
    // Two agents, each with a burst under STREAMING_DEFER_CHARS, together over it.
    const both = [make(), make()];
    const burst = Math.ceil((STREAMING_DEFER_CHARS / 2 + 500_000) / 70);
    for (const terminal of both) for (let line = 1; line <= burst; line += 50) terminal.write(lines(line, Math.min(50, burst - line + 1)));
    const unparsed = () => both[0]!.unparsed + both[1]!.unparsed;
    const written = unparsed();
    for (let line = burst + 1; line <= burst + 20; line += 1) {
      for (const terminal of both) terminal.write(lines(line, 1));
      await sleep(10);
    }
    // At a twentieth of the host's time, about 0.3 MB in 200 ms; at full speed (10 MB/s even on a busy machine), over 1 MB.
    expect(written - unparsed()).toBeGreaterThan(1_000_000);
    expect(signals).toEqual([]);
    for (const terminal of both) expect((await terminal.serialize()).split('\r\n').filter((line) => line.startsWith('line ')).at(-1)).toBe(`line ${burst + 20} ${'.'.repeat(60)}`);
  });

  it('holds a viewed screen\'s agent at a smaller backlog while the host holds much unparsed output in all', () => {
    const held = new Map<string, boolean[]>();
    const make = (name: string) => {
      const terminal = new TerminalScreen(120, 30, { fallingBehind: (behind) => held.set(name, [...(held.get(name) ?? []), behind]), isWatched: () => true });
      screens.push(terminal);
      return terminal;
    };
    const piece = lines(1, 15_000); // about 1 MB
    // One screen falls behind by nearly its whole allowance, short of HOST_UNPARSED_CHARS.
    const first = make('first');
    while (first.unparsed + piece.length <= Math.min(SCREEN_BEHIND_CHARS.watched, HOST_UNPARSED_CHARS - 2 * SCREEN_BEHIND_CHARS.crowded)) first.write(piece);
    // A second takes the host past it.
    const second = make('second');
    while (first.unparsed + second.unparsed <= HOST_UNPARSED_CHARS) second.write(piece);
    expect(held.get('first')).toBeUndefined();
    // The second is past the crowded allowance: held, far short of its own.
    expect(held.get('second')).toEqual([true]);
    expect(second.unparsed).toBeLessThan(SCREEN_BEHIND_CHARS.watched / 2);
  });

  it('lets a viewed screen\'s agent go on once 4 MB of its allowance are parsed, not three quarters', async () => {
    let resumedAt: number | null = null;
    const terminal: TerminalScreen = new TerminalScreen(120, 30, {
      fallingBehind: (behind) => {
        if (!behind) resumedAt = terminal.unparsed;
      },
      isWatched: () => true,
    });
    screens.push(terminal);
    const piece = lines(1, 15_000); // about 1 MB
    while (!terminal.isBehind) terminal.write(piece);
    await waitFor(() => resumedAt !== null, 'the agent let go');
    expect(resumedAt!).toBeGreaterThan(SCREEN_BEHIND_CHARS.watched - 5_000_000);
  }, 30_000);

  it('a closed screen answers a pending serialization with an error instead of never', async () => {
    const terminal = new TerminalScreen(80, 24);
    terminal.write(lines(1, 10_000));
    const pending = terminal.serialize();
    terminal.dispose();
    await expect(pending).rejects.toThrow(/closed/);
  });
});
