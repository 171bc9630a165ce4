import { describe, expect, it } from 'vitest';
import { WriteScheduler, type TerminalLane } from './write-scheduler';

/** A terminal that parses when told to, like xterm.js parsing on its own timer. */
class FakeTerminal implements TerminalLane {
  written = '';
  writes: string[] = [];
  private waiting: Array<() => void> = [];
  constructor(public foreground = false) {}
  write(data: string, parsed: () => void): void {
    this.writes.push(data);
    this.written += data;
    this.waiting.push(parsed);
  }
  isForeground(): boolean {
    return this.foreground;
  }
  get pending(): number {
    return this.waiting.length;
  }
  parse(): void {
    for (const parsed of this.waiting.splice(0)) parsed();
  }
}

function harness(options: { sliceChars?: number; typingSliceChars?: number; budgetChars?: number; laneIntervalMs?: number; hidden?: boolean; holdMs?: number; settleMs?: number } = {}) {
  let time = 0;
  const timers: Array<{ at: number; run: () => void }> = [];
  const scheduler = new WriteScheduler({
    sliceChars: options.sliceChars ?? 4,
    typingSliceChars: options.typingSliceChars ?? options.sliceChars ?? 4,
    budgetChars: options.budgetChars ?? 8,
    laneIntervalMs: options.laneIntervalMs ?? 0,
    windowMs: 16,
    now: () => time,
    schedule: (run, delay) => timers.push({ at: time + delay, run }),
    pageHidden: () => options.hidden ?? false,
    holdMs: options.holdMs ?? 80,
    settleMs: options.settleMs ?? 20,
  });
  const advance = (ms: number) => {
    time += ms;
    for (const timer of timers.filter((candidate) => candidate.at <= time)) {
      timers.splice(timers.indexOf(timer), 1);
      timer.run();
    }
  };
  /** Parses whatever the terminals were given until nothing more arrives. */
  const settle = (terminals: FakeTerminal[]) => {
    while (terminals.some((terminal) => terminal.pending > 0)) for (const terminal of terminals) terminal.parse();
  };
  return { scheduler, advance, settle, timers };
}

describe('WriteScheduler', () => {
  it('writes the foreground terminal at once and in one piece', () => {
    const { scheduler } = harness();
    const terminal = new FakeTerminal(true);
    const drawn: number[] = [];
    scheduler.add(terminal).write('hello world', (chars) => drawn.push(chars));
    expect(terminal.writes).toEqual(['hello world']);
    expect(drawn).toEqual([]);
    terminal.parse();
    expect(drawn).toEqual([11]);
  });

  it('feeds background terminals one slice at a time, in turn, each in order, reporting what each slice drew', () => {
    const { scheduler, settle } = harness();
    const a = new FakeTerminal();
    const b = new FakeTerminal();
    const drawn = { a1: 0, a2: 0, b1: 0 };
    const laneA = scheduler.add(a);
    const laneB = scheduler.add(b);
    laneA.write('aaaaaaaaaa', (chars) => (drawn.a1 += chars));
    laneA.write('AAA', (chars) => (drawn.a2 += chars));
    laneB.write('bbbbbb', (chars) => (drawn.b1 += chars));
    expect(a.pending + b.pending).toBe(1); // one slice in flight for all of the background
    settle([a, b]);
    expect(a.written).toBe('aaaaaaaaaaAAA');
    expect(b.written).toBe('bbbbbb');
    expect(a.writes.every((slice) => slice.length <= 4)).toBe(true);
    expect(a.writes[0]).toBe('aaaa');
    expect(b.writes[0]).toBe('bbbb'); // b got its turn after a's first slice
    expect(drawn).toEqual({ a1: 10, a2: 3, b1: 6 });
  });

  it('holds the background to its budget while a terminal has the focus, and resumes in the next window', () => {
    const { scheduler, settle, advance, timers } = harness({ budgetChars: 8 });
    const focused = new FakeTerminal(true);
    const busy = new FakeTerminal();
    scheduler.add(focused);
    scheduler.add(busy).write('x'.repeat(20), () => undefined);
    settle([busy]);
    expect(busy.written).toBe('x'.repeat(8));
    expect(timers).toHaveLength(1);
    advance(16);
    settle([busy]);
    expect(busy.written).toBe('x'.repeat(16));
    advance(16);
    settle([busy]);
    expect(busy.written).toBe('x'.repeat(20));
  });

  it('gives each of several busy background terminals a turn at most every interval', () => {
    const { scheduler, settle, advance } = harness({ sliceChars: 4, laneIntervalMs: 100, budgetChars: 1_000 });
    const a = new FakeTerminal();
    const b = new FakeTerminal();
    scheduler.add(a).write('a'.repeat(12), () => undefined);
    scheduler.add(b).write('b'.repeat(12), () => undefined);
    settle([a, b]);
    expect([a.written, b.written]).toEqual(['aaaa', 'bbbb']);
    advance(50);
    settle([a, b]);
    expect([a.written, b.written]).toEqual(['aaaa', 'bbbb']);
    advance(50);
    settle([a, b]);
    expect([a.written, b.written]).toEqual(['a'.repeat(8), 'b'.repeat(8)]);
  });

  it('lets a lone busy background terminal run at full speed while nobody types', () => {
    const { scheduler, settle } = harness({ sliceChars: 4, laneIntervalMs: 100, budgetChars: 4 });
    const terminal = new FakeTerminal();
    scheduler.add(terminal).write('x'.repeat(40), () => undefined);
    settle([terminal]);
    expect(terminal.written).toBe('x'.repeat(40));
  });

  it('holds a lone busy background terminal to the budget only, not to the turn interval, while someone types', () => {
    const { scheduler, settle, advance } = harness({ sliceChars: 4, laneIntervalMs: 1_000, budgetChars: 8 });
    scheduler.add(new FakeTerminal(true));
    const terminal = new FakeTerminal();
    scheduler.add(terminal).write('x'.repeat(24), () => undefined);
    settle([terminal]);
    expect(terminal.written).toBe('x'.repeat(8));
    advance(16);
    settle([terminal]);
    expect(terminal.written).toBe('x'.repeat(16));
  });

  it('hands the background smaller slices while someone types: each slice is a task the keyboard waits behind', () => {
    const { scheduler, settle } = harness({ sliceChars: 8, typingSliceChars: 2, budgetChars: 1_000 });
    const background = new FakeTerminal();
    const lane = scheduler.add(background);
    lane.write('x'.repeat(16), () => undefined);
    settle([background]);
    expect(background.writes).toEqual(['x'.repeat(8), 'x'.repeat(8)]);
    scheduler.add(new FakeTerminal(true));
    lane.write('y'.repeat(6), () => undefined);
    settle([background]);
    expect(background.writes.slice(2)).toEqual(['yy', 'yy', 'yy']);
  });

  it('sends a terminal that gains the focus its whole backlog first, without reordering it', () => {
    const { scheduler, settle } = harness({ budgetChars: 4 });
    const other = new FakeTerminal(true);
    const terminal = new FakeTerminal();
    scheduler.add(other);
    const lane = scheduler.add(terminal);
    lane.write('12345678', () => undefined);
    settle([terminal]);
    expect(terminal.written).toBe('1234'); // budget spent
    other.foreground = false;
    terminal.foreground = true;
    lane.write('9', () => undefined); // queued behind its backlog, which now goes out whole
    expect(terminal.writes.at(-1)).toBe('56789');
    settle([terminal]);
    lane.write('!', () => undefined);
    expect(terminal.written).toBe('123456789!');
  });

  it('drops a cleared backlog as drawn, so its acknowledgements still reach main', () => {
    const { scheduler, settle } = harness({ budgetChars: 4 });
    const terminal = new FakeTerminal();
    scheduler.add(new FakeTerminal(true));
    const lane = scheduler.add(terminal);
    const drawn: string[] = [];
    lane.write('abcdef', (chars) => drawn.push(`first ${chars}`));
    lane.write('ghij', (chars) => drawn.push(`second ${chars}`));
    lane.clear();
    expect(drawn).toEqual(['first 2', 'second 4']);
    settle([terminal]);
    expect(drawn).toEqual(['first 2', 'second 4', 'first 4']);
    expect(terminal.written).toBe('abcd');
  });

  it('never splits a surrogate pair between slices', () => {
    const { scheduler, settle } = harness({ sliceChars: 3 });
    const terminal = new FakeTerminal();
    scheduler.add(terminal).write('ab\u{1F680}cd\u{1F680}', () => undefined);
    settle([terminal]);
    expect(terminal.written).toBe('ab\u{1F680}cd\u{1F680}');
    for (const slice of terminal.writes) expect(slice).not.toMatch(/[\ud800-\udbff]$|^[\udc00-\udfff]/);
  });

  it('keeps the others going when a terminal is removed with a slice in flight (a disposed terminal never calls back)', () => {
    const { scheduler, settle } = harness({ sliceChars: 4 });
    const gone = new FakeTerminal();
    const other = new FakeTerminal();
    const lane = scheduler.add(gone);
    lane.write('aaaaaaaa', () => undefined);
    scheduler.add(other).write('bbbbbbbb', () => undefined);
    expect(gone.pending).toBe(1);
    lane.remove();
    settle([other]);
    expect(other.written).toBe('bbbbbbbb');
    gone.parse(); // a late callback changes nothing
    settle([other]);
    expect(gone.written).toBe('aaaa');
  });

  it('writes everything at once while the page is hidden, and forgets removed terminals', () => {
    const { scheduler } = harness({ hidden: true });
    const terminal = new FakeTerminal();
    const lane = scheduler.add(terminal);
    lane.write('x'.repeat(100), () => undefined);
    expect(terminal.writes).toEqual(['x'.repeat(100)]);
    lane.remove();
    lane.write('more', () => undefined);
    expect(terminal.writes).toHaveLength(1);
  });
  it('after a keystroke, sends the background nothing until the echo is parsed and its frame had time, then resumes', () => {
    const { scheduler, settle, advance } = harness({ sliceChars: 4, budgetChars: 1_000, holdMs: 80, settleMs: 20 });
    const typing = new FakeTerminal(true);
    const flooding = new FakeTerminal();
    const typed = scheduler.add(typing);
    const flood = scheduler.add(flooding);
    flood.write('aaaa', () => undefined);
    settle([flooding]);
    expect(flooding.written).toBe('aaaa');

    scheduler.typed();
    flood.write('bbbbbbbb', () => undefined);
    advance(10);
    expect(flooding.writes).toEqual(['aaaa']); // held while the echo is on its way
    typed.write('k', () => undefined); // the echo
    typing.parse();
    advance(19);
    expect(flooding.writes).toEqual(['aaaa']); // its frame comes first
    advance(1);
    expect(flooding.writes).toEqual(['aaaa', 'bbbb']); // 20 ms after the echo, not 80 after the key
    settle([flooding]);
    expect(flooding.written).toBe('aaaabbbbbbbb');
  });

  it('ends the hold after holdMs when no echo comes, and holds nothing without a keystroke', () => {
    const { scheduler, settle, advance } = harness({ sliceChars: 4, budgetChars: 1_000, holdMs: 80, settleMs: 20 });
    scheduler.add(new FakeTerminal(true));
    const flooding = new FakeTerminal();
    const flood = scheduler.add(flooding);
    scheduler.typed();
    flood.write('cccc', () => undefined);
    advance(79);
    expect(flooding.writes).toEqual([]);
    advance(1);
    expect(flooding.writes).toEqual(['cccc']);
    settle([flooding]);
    flood.write('dddd', () => undefined);
    expect(flooding.writes).toEqual(['cccc', 'dddd']); // the hold is over: straight on
  });
});
