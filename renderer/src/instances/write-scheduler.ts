/**
 * Feeds terminal output to xterm.js so that terminals flooding in the background cannot starve
 * the one the user is typing into.
 *
 * xterm.js parses each terminal's writes in slices of up to 12 ms, each on its own timer, and
 * draws every terminal that changed at the next frame. With nine terminals flooding, the focused
 * terminal's echo waits behind eight others' parsing and drawing (measured: p50 357 ms). So
 * background terminals go through one queue here:
 * - one slice (`sliceChars`) in flight at a time for all of them;
 * - when several are busy, each gets a turn at most every `laneIntervalMs`, so only a few of
 *   them change, and are drawn again, per frame (a flood scrolling at 4 frames a second is
 *   still readable);
 * - while the user works in a terminal, at most `budgetChars` of theirs per `windowMs` (a
 *   budget in characters: the time from a write to its callback includes whatever else the page
 *   did meanwhile), in slices of `typingSliceChars`: xterm.js parses a slice in one task, and a
 *   keystroke waits behind it (32K-character slices made 20–30 ms tasks and a p95 echo of
 *   64–149 ms; 8K slices, 39–42 ms; bench/terminal.bench.ts).
 * - for a moment after each keystroke (`holdMs`), no background slice at all: the echo then
 *   finds the page free, is parsed at once and drawn in the next frame with nothing else to draw.
 *   The hold ends `settleMs` after the focused terminal next parses output (the echo: time for its
 *   frame), or after `holdMs` if nothing comes. Its effect is small against the rounds' spread:
 *   with 8 of 9 terminals flooding (DOM renderer, bench/terminal.bench.ts, two builds in turn,
 *   12 rounds each), the median round's keystroke → echo drawn p95 was 60.4 ms with it and 60.6
 *   without idle, 77.2 and 89.1 ms beside two CPU-bound loops; the worst round 98 against 164 ms
 *   idle, 120 against 128 beside the loops.
 * The terminal with the keyboard focus is written at once. A background terminal that falls
 * behind acknowledges less, and flow control pauses its agent in main: nothing is dropped and
 * the queue stays bounded. Progress is reported slice by slice, so acknowledgements keep flowing.
 */
export interface TerminalLane {
  /** Hands data to the terminal; `parsed` runs once the terminal has parsed it. */
  write(data: string, parsed: () => void): void;
  /** Whether the user works in this terminal now (it has the keyboard focus). */
  isForeground(): boolean;
}

export interface SchedulerOptions {
  readonly sliceChars?: number;
  /** The slice while the user works in a terminal: each slice is one task the keyboard waits behind. */
  readonly typingSliceChars?: number;
  readonly budgetChars?: number;
  readonly laneIntervalMs?: number;
  readonly windowMs?: number;
  readonly now?: () => number;
  readonly schedule?: (run: () => void, delayMs: number) => void;
  /** When the page is hidden nothing is drawn and nobody types: write everything at once. */
  readonly pageHidden?: () => boolean;
  /** How long background terminals wait after a keystroke, at most. */
  readonly holdMs?: number;
  /** How long they still wait once the focused terminal parsed output after the keystroke. */
  readonly settleMs?: number;
}

type Chunk = { data: string; offset: number; drawn: (chars: number) => void };
type LaneState = { lane: TerminalLane; queue: Chunk[]; inFlight: boolean; removed: boolean; nextTurnAt: number };

export class WriteScheduler {
  private readonly lanes: LaneState[] = [];
  private readonly sliceChars: number;
  private readonly typingSliceChars: number;
  private readonly budgetChars: number;
  private readonly laneIntervalMs: number;
  private readonly windowMs: number;
  private readonly now: () => number;
  private readonly schedule: (run: () => void, delayMs: number) => void;
  private readonly pageHidden: () => boolean;
  private next = 0;
  /** The background terminal whose slice is being parsed; one at a time. */
  private inFlight: LaneState | null = null;
  private pumpScheduled = false;
  /** When the scheduled pump runs; an earlier wake replaces it. */
  private wakeAt = Number.POSITIVE_INFINITY;
  private readonly holdMs: number;
  private readonly settleMs: number;
  /** Until when background terminals wait, after a keystroke. */
  private holdUntil = 0;
  private windowStart = 0;
  private spentChars = 0;

  constructor(options: SchedulerOptions = {}) {
    this.sliceChars = options.sliceChars ?? 32_768;
    this.typingSliceChars = options.typingSliceChars ?? 8_192;
    this.budgetChars = options.budgetChars ?? 65_536;
    this.laneIntervalMs = options.laneIntervalMs ?? 250;
    this.windowMs = options.windowMs ?? 16;
    this.now = options.now ?? (() => performance.now());
    this.schedule = options.schedule ?? ((run, delayMs) => void setTimeout(run, delayMs));
    this.pageHidden = options.pageHidden ?? (() => typeof document !== 'undefined' && document.hidden);
    this.holdMs = options.holdMs ?? 80;
    this.settleMs = options.settleMs ?? 20;
  }

  /** The user typed into the focused terminal: background terminals wait until its echo is drawn. */
  typed(): void {
    this.holdUntil = Math.max(this.holdUntil, this.now() + this.holdMs);
  }

  /** The focused terminal parsed output: if that was the echo of a keystroke, its frame comes next. */
  private foregroundParsed(): void {
    const now = this.now();
    if (this.holdUntil <= now) return;
    this.holdUntil = Math.min(this.holdUntil, now + this.settleMs);
    this.pump();
  }

  /**
   * Adds a terminal; the returned functions write to it (in order), drop what waits for it, and
   * remove it. `drawn(chars)` reports progress slice by slice, so acknowledgements keep flowing.
   */
  add(lane: TerminalLane): { write(data: string, drawn: (chars: number) => void): void; clear(): void; remove(): void } {
    const state: LaneState = { lane, queue: [], inFlight: false, removed: false, nextTurnAt: 0 };
    this.lanes.push(state);
    return {
      write: (data, drawn) => this.write(state, data, drawn),
      clear: () => this.clear(state),
      remove: () => {
        this.clear(state);
        state.removed = true;
        this.lanes.splice(this.lanes.indexOf(state), 1);
        // A disposed terminal may never call back: its slice must not hold up the others.
        if (this.inFlight === state) {
          this.inFlight = null;
          this.pump();
        }
      },
    };
  }

  private write(state: LaneState, data: string, drawn: (chars: number) => void): void {
    if (state.removed) return;
    // Straight to the terminal when nothing of it waits here (order is kept) and it may go first.
    if (state.queue.length === 0 && !state.inFlight && (state.lane.isForeground() || this.pageHidden())) {
      state.lane.write(data, () => {
        drawn(data.length);
        if (state.lane.isForeground()) this.foregroundParsed();
      });
      return;
    }
    state.queue.push({ data, offset: 0, drawn });
    this.pump();
  }

  /** Drops what waits for this terminal (it is about to be redrawn from a snapshot); counts it as drawn. */
  private clear(state: LaneState): void {
    for (const chunk of state.queue.splice(0)) chunk.drawn(chunk.data.length - chunk.offset);
  }

  private pump(): void {
    // The foreground terminal's backlog (it just gained focus) goes out whole, ahead of the rest.
    for (const state of this.lanes) {
      if (state.queue.length > 0 && !state.inFlight && (state.lane.isForeground() || this.pageHidden())) this.drain(state);
    }
    if (this.inFlight) return;
    const waiting = this.lanes.filter((state) => state.queue.length > 0 && !state.inFlight);
    if (waiting.length === 0) return;
    const now = this.now();
    const someoneTyping = this.lanes.some((state) => state.lane.isForeground());
    if (someoneTyping && now < this.holdUntil) {
      this.wake(this.holdUntil, now);
      return;
    }
    if (this.pumpScheduled && this.wakeAt > now) return;
    if (now - this.windowStart >= this.windowMs) {
      this.windowStart = now;
      this.spentChars = 0;
    }
    // Each terminal that changes is drawn again at the next frame: with several flooding, each
    // gets a turn at most every `laneIntervalMs`, so the page draws a few of them per frame.
    const contended = waiting.length > 1;
    let wakeAt: number;
    if (someoneTyping && this.spentChars >= this.budgetChars) wakeAt = this.windowStart + this.windowMs;
    else {
      const state = this.pickBackground(contended ? now : Number.POSITIVE_INFINITY);
      if (state) {
        state.nextTurnAt = now + this.laneIntervalMs;
        this.sendSlice(state, someoneTyping ? this.typingSliceChars : this.sliceChars);
        return;
      }
      wakeAt = Math.min(...waiting.map((candidate) => candidate.nextTurnAt));
    }
    this.wake(wakeAt, now);
  }

  /** Runs the pump at `at`, unless it already runs sooner. */
  private wake(at: number, now: number): void {
    if (this.pumpScheduled && this.wakeAt <= at) return;
    this.pumpScheduled = true;
    this.wakeAt = at;
    this.schedule(() => {
      if (this.wakeAt !== at) return; // replaced by a sooner wake
      this.pumpScheduled = false;
      this.wakeAt = Number.POSITIVE_INFINITY;
      this.pump();
    }, Math.max(0, at - now));
  }

  /** The next terminal in turn with output waiting whose turn has come by `now`. */
  private pickBackground(now: number): LaneState | null {
    for (let tried = 0; tried < this.lanes.length; tried += 1) {
      const state = this.lanes[(this.next + tried) % this.lanes.length]!;
      if (state.queue.length > 0 && !state.inFlight && state.nextTurnAt <= now) {
        this.next = (this.next + tried + 1) % this.lanes.length;
        return state;
      }
    }
    return null;
  }

  private sendSlice(state: LaneState, sliceChars: number): void {
    const chunk = state.queue[0]!;
    let end = Math.min(chunk.data.length, chunk.offset + sliceChars);
    // Never split a surrogate pair between two slices.
    if (end < chunk.data.length && isHighSurrogate(chunk.data.charCodeAt(end - 1))) end -= 1;
    const slice = chunk.offset === 0 && end === chunk.data.length ? chunk.data : chunk.data.slice(chunk.offset, end);
    chunk.offset = end;
    if (end === chunk.data.length) state.queue.shift();
    state.inFlight = true;
    this.inFlight = state;
    this.spentChars += slice.length;
    state.lane.write(slice, () => {
      state.inFlight = false;
      if (state.removed) return;
      this.inFlight = null;
      chunk.drawn(slice.length);
      this.pump();
    });
  }

  private drain(state: LaneState): void {
    const chunks = state.queue.splice(0);
    const first = chunks[0]!;
    const firstOffset = first.offset;
    const data = chunks.map((chunk, index) => (index === 0 ? chunk.data.slice(firstOffset) : chunk.data)).join('');
    state.inFlight = true;
    state.lane.write(data, () => {
      state.inFlight = false;
      for (const chunk of chunks) chunk.drawn(chunk === first ? chunk.data.length - firstOffset : chunk.data.length);
      if (state.lane.isForeground()) this.foregroundParsed();
      this.pump();
    });
  }
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/** The one scheduler of the page: every terminal view shares it. */
export const terminalWrites = new WriteScheduler();
