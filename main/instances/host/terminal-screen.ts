import { performance } from 'node:perf_hooks';
import * as serializeModule from '@xterm/addon-serialize';
import * as headlessModule from '@xterm/headless';
import { dropScrolledOut } from './scrolled-out';

/** Lines of scrollback each terminal keeps for a viewer that opens it (or Lanes after a restart). */
export const SCREEN_SCROLLBACK = 10_000;

/**
 * Serializing 10,000 lines of scrollback takes 0.2–0.6 s of the host's only thread, so a quiet
 * terminal's screen is serialized ahead of the viewer that will ask for it (a Lanes restarting,
 * a window opening it). It waits this long after the last output, and at least WARM_COST_FACTOR
 * times what the last serialization took: an agent that prints a line every few seconds costs
 * the host at most a tenth of a core, not a serialization per line.
 */
const WARM_AFTER_QUIET_MS = 1_000;
const WARM_COST_FACTOR = 10;

// Both packages are CommonJS: bundled, their exports are the namespace; loaded as ES modules
// (tsx, in tests), they sit under `default`.
const { Terminal } = ('Terminal' in headlessModule ? headlessModule : (headlessModule as unknown as { default: typeof headlessModule }).default) as typeof headlessModule;
const { SerializeAddon } = ('SerializeAddon' in serializeModule ? serializeModule : (serializeModule as unknown as { default: typeof serializeModule }).default) as typeof serializeModule;

/**
 * Parsing in slices. (In the pty host these screens live in its screen thread, screen-thread.ts;
 * what is said below of "the host" was measured when they shared the host's one thread, and still
 * holds for that thread's time, which serializations share with the parse.) xterm parses what it
 * is given in 12 ms turns, each terminal on its own timer: eight agents flooding their terminals
 * gave eight turns back to back, about 100 ms in which the host read no keystroke and sent no
 * echo (bench/host-keystroke.bench.ts). Instead the
 * screens wait here, and xterm is given one screen's output at a time, in PARSE_SLICE_CHARS
 * slices, one slice per turn (or at full speed, slices for up to parseTiming.fullSpeedTurnMs); the
 * next turn (or a serialization) comes only after the host has served its sockets and ptys
 * again. A screen a viewer waits for (a serialization asked) goes first, then screens
 * someone views whose output has paused. Screens nobody views are parsed at most
 * UNWATCHED_PARSE_SHARE of the time: agents flooding terminals nobody looks at are held back
 * (paused once their screen is behind) before they take the host, as their CPU priority keeps
 * them from taking the machine.
 *
 * A screen someone views while its output still streams in is parsed at most
 * STREAMING_PARSE_SHARE of the time, until its output has paused STREAM_PAUSE_MS or the host
 * holds STREAMING_DEFER_CHARS unparsed in all; then at full speed. The parse costs the host more
 * than everything else it does with the output (35–55 ms of CPU per MB here, against 15–25 for
 * reading, framing and sending it): done in step with a burst, it halves the burst's speed. The
 * viewer gets the output as it comes either way; the screen, which only a reattaching Lanes or a
 * newly opened view reads, catches up when the burst is over, or at once when someone asks for
 * it. A flood longer than that is parsed at full speed beside its output, as the host's one
 * thread allows: deferring all of a long flood made it 40% slower, as the agent then waited
 * while 12 MB were parsed, and the host, idle half the time while it waits for the pty, had
 * parsed nothing meanwhile. The allowance is the host's, not each screen's: eight viewed agents
 * flooding at once are parsed at full speed and held back by their screens as before, which
 * keeps the host free for keystrokes (with an allowance per screen, bench/host-keystroke's p95
 * under load rose by about a third).
 */
const PARSE_SLICE_CHARS = 32 * 1024;
/**
 * xterm parses what it is given after a timer (setTimeout 0, a millisecond in Node) unless its
 * queue already holds something. Handed one slice per turn, a screen parsing at full speed (a
 * reattach, a flood past the allowance) had the host idle about half the time: 14.7 MB took
 * 1.1–1.25 s to parse instead of about 0.5. A full-speed turn therefore hands xterm its next
 * slice from the callback of the last one, inside xterm's loop, for up to `fullSpeedTurnMs`; then
 * the host serves its sockets and ptys again (a keystroke waits at most that long for a turn to
 * end). Turns counted against a share are one slice each. (Tests lengthen it.)
 */
export const parseTiming = { fullSpeedTurnMs: 4 };
/** The parser's turns, the slices of output it handed to xterm, and the characters it dropped unparsed (scrolled out), since the host started: for tests and diagnostics. */
export const parserCounts = { turns: 0, slices: 0, dropped: 0 };
/**
 * A screen with this much output waiting looks for lines that would scroll out of its scrollback
 * unseen, and drops them unparsed (scrolled-out.ts): a flood's parse costs the lines that can still
 * be seen, not the megabytes. 10,000 lines of a flood are about 1 MB.
 */
const DROP_MIN_CHARS = 2_000_000;
/** Line feeds kept beyond the scrollback and two screens' worth (see dropScrolledOut), for good measure. */
const DROP_MARGIN_LINES = 8;
const UNWATCHED_PARSE_SHARE = 0.25;
const STREAMING_PARSE_SHARE = 0.05;
const STREAM_PAUSE_MS = 50;
export const STREAMING_DEFER_CHARS = 16_000_000;
/**
 * Unparsed output past which the agent is paused until its screen catches up: to a quarter of
 * it, or RESUME_GAP_CHARS below it when that is less to wait for (a flood longer than a burst
 * then waits for 4 MB to be parsed, about 150 ms, not for 18). Someone viewing the terminal gets
 * a burst at the speed of the pty, the screen parsing behind it, up to `watched`; while the host
 * holds more than HOST_UNPARSED_CHARS unparsed in all (many viewed agents flooding at once), up
 * to `crowded`. A terminal nobody views is held close, its output kept small until parsed.
 * (xterm itself refuses writes past 50 MB waiting.)
 */
export const SCREEN_BEHIND_CHARS = { watched: 24_000_000, crowded: 4_000_000, unwatched: 128 * 1024 } as const;
export const HOST_UNPARSED_CHARS = 32_000_000;
const RESUME_GAP_CHARS = 4_000_000;

const waitingScreens = new Set<TerminalScreen>();
const askedScreens = new Set<TerminalScreen>();
/** Output written to every screen and not yet given to xterm, in characters. */
let unparsedTotal = 0;
/** The screen whose slice xterm is parsing; nothing else is handed over until it is done. */
let parsing: TerminalScreen | null = null;
let nextTurn: NodeJS.Immediate | null = null;
/**
 * When a screen nobody views, and one viewed whose output streams in, may be given their next
 * slice; and the timer that waits for the first of them (or for a stream to pause).
 */
const turnAt = { unwatched: 0, streaming: 0 };
let gateTimer: NodeJS.Timeout | null = null;

function scheduleTurn(): void {
  if (parsing === null && nextTurn === null && gateTimer === null && waitingScreens.size > 0) nextTurn = setImmediate(takeTurn);
}

type Share = keyof typeof turnAt;

/** The screen to parse next and the share it counts against (none: full speed), or none now. */
function nextScreen(): { screen: TerminalScreen; share: Share | null } | undefined {
  for (const screen of askedScreens) return { screen, share: null };
  const now = performance.now();
  let unwatched: TerminalScreen | undefined;
  let streaming: TerminalScreen | undefined;
  for (const screen of waitingScreens) {
    if (!screen.watched) unwatched ??= screen;
    else if (screen.streamsAt(now) && unparsedTotal < STREAMING_DEFER_CHARS) streaming ??= screen;
    else return { screen, share: null };
  }
  if (streaming && now >= turnAt.streaming) return { screen: streaming, share: 'streaming' };
  if (unwatched && now >= turnAt.unwatched) return { screen: unwatched, share: 'unwatched' };
  const waits: number[] = [];
  if (streaming) waits.push(Math.min(turnAt.streaming, streaming.pausesAt));
  if (unwatched) waits.push(turnAt.unwatched);
  if (waits.length > 0) {
    gateTimer = setTimeout(
      () => {
        gateTimer = null;
        scheduleTurn();
      },
      Math.max(1, Math.min(...waits) - now),
    );
  }
  return undefined;
}

function takeTurn(): void {
  nextTurn = null;
  const next = nextScreen();
  if (!next) return;
  const { screen, share } = next;
  const start = performance.now();
  parserCounts.turns += 1;
  // Set before the step, which may put the screen back in line: no turn is taken while xterm parses.
  parsing = screen;
  const step = (): boolean => {
    // Deleted (and added again by the step if more waits): the next turn goes to the next screen.
    waitingScreens.delete(screen);
    askedScreens.delete(screen);
    return screen.step(parsed);
  };
  function parsed(): void {
    if (parsing !== screen) return;
    const now = performance.now();
    // Within xterm's own loop, the next slice is parsed at once (see parseTiming).
    if (share === null && now - start < parseTiming.fullSpeedTurnMs && !askedOtherThan(screen) && step()) return;
    parsing = null;
    if (share !== null) turnAt[share] = now + (now - start) * (1 / (share === 'unwatched' ? UNWATCHED_PARSE_SHARE : STREAMING_PARSE_SHARE) - 1);
    scheduleTurn();
  }
  if (!step()) parsing = null;
  scheduleTurn();
}

/** Whether a screen other than `screen` has a serialization waiting. */
function askedOtherThan(screen: TerminalScreen): boolean {
  for (const asked of askedScreens) if (asked !== screen) return true;
  return false;
}

function waiting(screen: TerminalScreen, asked: boolean): void {
  waitingScreens.add(screen);
  if (asked) askedScreens.add(screen);
  // A screen someone waits for, or a viewed one whose output has paused (a resize), does not wait out the shares of the others.
  if (gateTimer !== null && (asked || (screen.watched && !screen.streamsAt(performance.now())))) {
    clearTimeout(gateTimer);
    gateTimer = null;
  }
  scheduleTurn();
}

function forget(screen: TerminalScreen): void {
  waitingScreens.delete(screen);
  askedScreens.delete(screen);
  if (parsing === screen) parsing = null;
  scheduleTurn();
}

/** What a screen has yet to take in, in order: output, a resize, or a serialization someone asked for. */
type Pending =
  | { readonly kind: 'resize'; readonly cols: number; readonly rows: number }
  | { readonly kind: 'serialize'; readonly generation: number; readonly resolve: (data: string) => void; readonly reject: (error: Error) => void };

/**
 * An agent's terminal as drawn, kept in the host with a headless xterm (as VS Code's pty host
 * does): a viewer that opens it gets the screen and scrollback, colours and modes included,
 * rather than the last bytes of output, which may begin mid-sequence or miss a full-screen
 * program's earlier drawing.
 */
/** A terminal's screen as the host keeps it: TerminalScreen here, or one kept in the host's screen thread (screen-thread.ts). */
export interface Screen {
  write(data: string): void;
  /** Applied after everything written before it, as the agent drew it at the old size. */
  resize(cols: number, rows: number): void;
  /** The escape sequences that redraw the screen and its scrollback as of everything written before the call. */
  serialize(): Promise<string>;
  dispose(): void;
  /** Whether its agent should wait for the screen to catch up (see SCREEN_BEHIND_CHARS). */
  readonly isBehind: boolean;
}

/** `fallingBehind` hears when the agent should wait and when it may go on; `isWatched`, whether someone views the terminal. */
export interface ScreenOwner {
  readonly fallingBehind?: (behind: boolean) => void;
  readonly isWatched?: () => boolean;
}

/** The parts of xterm's internals that TerminalScreen.atRest reads. */
interface XtermCore {
  readonly _inputHandler: { readonly _parser: { readonly currentState: number }; readonly _parseStack: { readonly paused: boolean }; readonly _stringDecoder: { readonly _interim: number } };
  readonly _bufferService: { readonly buffer: { readonly scrollTop: number; readonly scrollBottom: number } };
}

export class TerminalScreen implements Screen {
  private readonly terminal: headlessModule.Terminal;
  private readonly serializer = new SerializeAddon();
  /** Output not yet given to xterm, with the resizes and serializations asked between it, in order. */
  private pending: Array<string | Pending> = [];
  /** Characters of output in `pending`. */
  private unparsedChars = 0;
  private behind = false;
  /** Serializations in `pending`: while there is one, this screen's turns come first. */
  private asked = 0;
  /** Grows with every write and resize: a serialized screen is valid for one generation only. */
  private generation = 0;
  private serialized: { readonly generation: number; readonly data: string } | null = null;
  private lastChange = 0;
  /** When output was last written (performance.now()). */
  private lastOutput = Number.NEGATIVE_INFINITY;
  private lastSerializeMs = 0;
  /** Output waiting, in characters, past which the next look for scrolled-out lines is worth it (it doubles after a look that found none). */
  private dropAfterChars = DROP_MIN_CHARS;
  private warmTimer: NodeJS.Timeout | null = null;
  private disposed = false;

  /**
   * `fallingBehind` hears true once SCREEN_BEHIND_CHARS wait to be parsed (the agent should be
   * paused) and false once it has caught up enough to go on; `isWatched` tells
   * whether someone views the terminal.
   */
  constructor(
    cols: number,
    rows: number,
    private readonly owner: ScreenOwner = {},
  ) {
    this.terminal = new Terminal({ cols, rows, scrollback: SCREEN_SCROLLBACK, allowProposedApi: true });
    this.terminal.loadAddon(this.serializer);
  }

  /** Whether output still streams in at `now` (performance.now()): some came within STREAM_PAUSE_MS. */
  streamsAt(now: number): boolean {
    return now - this.lastOutput < STREAM_PAUSE_MS;
  }

  /** When output still streaming in will have paused, if no more comes. */
  get pausesAt(): number {
    return this.lastOutput + STREAM_PAUSE_MS;
  }

  /** Output written and not yet parsed, in characters. */
  get unparsed(): number {
    return this.unparsedChars;
  }

  /** Whether it had more than SCREEN_BEHIND_CHARS to parse, and has not yet caught up enough to go on (see SCREEN_BEHIND_CHARS). */
  get isBehind(): boolean {
    return this.behind;
  }

  /** Parsed without waiting its turn behind the screens nobody views; a screen without an owner that says so counts as viewed. */
  get watched(): boolean {
    return this.owner.isWatched?.() ?? true;
  }

  write(data: string): void {
    if (data.length === 0 || this.disposed) return;
    this.changed();
    this.lastOutput = this.lastChange;
    this.pending.push(data);
    this.unparsedChars += data.length;
    unparsedTotal += data.length;
    if (!this.behind && this.unparsedChars > this.behindChars()) {
      this.behind = true;
      this.owner.fallingBehind?.(true);
    }
    waiting(this, false);
  }

  /** Applied after everything written before it is parsed, as the agent drew it at the old size. */
  resize(cols: number, rows: number): void {
    if (this.disposed) return;
    this.changed();
    this.pending.push({ kind: 'resize', cols, rows });
    waiting(this, false);
  }

  /**
   * The escape sequences that redraw the screen and its scrollback, once everything written so
   * far is parsed, and nothing written after. Nothing written since the last serialization: that
   * one, without serializing again.
   */
  serialize(): Promise<string> {
    const generation = this.generation;
    if (this.serialized?.generation === generation) return Promise.resolve(this.serialized.data);
    if (this.disposed) return Promise.reject(new Error('The terminal was closed.'));
    return new Promise((resolve, reject) => {
      this.pending.push({ kind: 'serialize', generation, resolve, reject });
      this.asked += 1;
      waiting(this, true);
    });
  }

  /**
   * One turn of the parser (see takeTurn): a resize or a serialization that is next, or one slice
   * of output given to xterm, which calls `parsed` once it has parsed it. Whether a slice is
   * being parsed.
   */
  step(parsed: () => void): boolean {
    const next = this.pending[0];
    if (next === undefined) return false;
    if (typeof next !== 'string') {
      this.pending.shift();
      if (next.kind === 'resize') this.terminal.resize(next.cols, next.rows);
      else {
        this.asked -= 1;
        next.resolve(this.serializeNow(next.generation));
      }
      if (this.pending.length > 0) waiting(this, this.asked > 0);
      return false;
    }
    this.dropScrolledOutLines();
    let count = 0;
    let chars = 0;
    while (count < this.pending.length && typeof this.pending[count] === 'string' && (count === 0 || chars + (this.pending[count] as string).length <= PARSE_SLICE_CHARS)) {
      chars += (this.pending[count] as string).length;
      count += 1;
    }
    const slice = this.pending.splice(0, count) as string[];
    this.unparsedChars -= chars;
    unparsedTotal -= chars;
    if (this.behind && this.unparsedChars <= Math.max(this.behindChars() / 4, this.behindChars() - RESUME_GAP_CHARS)) {
      this.behind = false;
      this.owner.fallingBehind?.(false);
    }
    if (this.pending.length > 0) waiting(this, this.asked > 0);
    parserCounts.slices += 1;
    this.terminal.write(slice.length === 1 ? slice[0]! : slice.join(''), parsed);
    return true;
  }

  dispose(): void {
    if (this.warmTimer) clearTimeout(this.warmTimer);
    this.warmTimer = null;
    this.disposed = true;
    forget(this);
    for (const item of this.pending.splice(0)) if (typeof item !== 'string' && item.kind === 'serialize') item.reject(new Error('The terminal was closed.'));
    unparsedTotal -= this.unparsedChars;
    this.unparsedChars = 0;
    this.asked = 0;
    this.serialized = null;
    this.terminal.dispose();
  }

  /**
   * Drops the lines of the output waiting at the head of the queue (up to a resize or a
   * serialization) that later lines would push out of the scrollback before anyone could see them,
   * when that leaves the screen as parsing them would (scrolled-out.ts).
   */
  private dropScrolledOutLines(): void {
    if (this.unparsedChars < DROP_MIN_CHARS) this.dropAfterChars = DROP_MIN_CHARS;
    if (this.unparsedChars < this.dropAfterChars) return;
    let end = 0;
    let chars = 0;
    while (end < this.pending.length && typeof this.pending[end] === 'string') chars += (this.pending[end++] as string).length;
    if (chars < this.dropAfterChars) return;
    const result = this.atRest() ? dropScrolledOut(this.pending.slice(0, end).join(''), SCREEN_SCROLLBACK + 2 * this.terminal.rows + DROP_MARGIN_LINES) : null;
    if (result === null) {
      this.dropAfterChars = 2 * chars;
      return;
    }
    const slices: string[] = [];
    for (let at = 0; at < result.text.length; at += PARSE_SLICE_CHARS) slices.push(result.text.slice(at, at + PARSE_SLICE_CHARS));
    this.pending.splice(0, end, ...slices);
    const less = chars - result.text.length;
    this.unparsedChars -= less;
    unparsedTotal -= less;
    parserCounts.dropped += result.dropped;
  }

  /**
   * Whether the terminal is in a state where dropping scrolled-out lines is right: its parser
   * between sequences, the normal buffer, no scroll region. This reads xterm's internals (the
   * version is pinned); anything unexpected answers no, and nothing is dropped.
   */
  private atRest(): boolean {
    try {
      const core = (this.terminal as unknown as { _core: XtermCore })._core;
      const handler = core._inputHandler;
      const buffer = core._bufferService.buffer;
      return (
        this.terminal.buffer.active.type === 'normal' &&
        handler._parser.currentState === 0 &&
        handler._parseStack.paused === false &&
        handler._stringDecoder._interim === 0 &&
        buffer.scrollTop === 0 &&
        buffer.scrollBottom === this.terminal.rows - 1
      );
    } catch {
      return false;
    }
  }

  private behindChars(): number {
    if (!this.watched) return SCREEN_BEHIND_CHARS.unwatched;
    return unparsedTotal > HOST_UNPARSED_CHARS ? SCREEN_BEHIND_CHARS.crowded : SCREEN_BEHIND_CHARS.watched;
  }

  /** The screen as parsed now, which is generation `generation`; another caller may have serialized it already. */
  private serializeNow(generation: number): string {
    if (this.serialized?.generation !== generation) {
      const start = performance.now();
      const data = this.serializer.serialize({ scrollback: SCREEN_SCROLLBACK });
      // The serializer builds its answer by concatenation, a tree of pieces: kept as it is, 8
      // screens of 10,000 lines hold 160 MB; reading a character makes V8 flatten it (10 MB).
      data.charCodeAt(0);
      this.serialized = { generation, data };
      this.lastSerializeMs = performance.now() - start;
    }
    return this.serialized.data;
  }

  private changed(): void {
    this.generation += 1;
    this.serialized = null;
    this.lastChange = performance.now();
    this.warmTimer ??= setTimeout(() => this.warmWhenQuiet(), this.quietNeededMs()).unref();
  }

  private quietNeededMs(): number {
    return Math.max(WARM_AFTER_QUIET_MS, WARM_COST_FACTOR * this.lastSerializeMs);
  }

  /**
   * One timer per quiet period rather than one per write: it checks, and waits out the rest if
   * output came since or waits to be parsed. The serialization takes its turn with the other screens' parsing, so
   * eight agents that went quiet together do not block the host for seconds back to back.
   */
  private warmWhenQuiet(): void {
    // Output still waiting to be parsed (its agent held back meanwhile) is not quiet.
    const remaining = this.pending.length > 0 ? WARM_AFTER_QUIET_MS : this.quietNeededMs() - (performance.now() - this.lastChange);
    if (remaining > 0) {
      this.warmTimer = setTimeout(() => this.warmWhenQuiet(), remaining).unref();
      return;
    }
    this.warmTimer = null;
    this.serialize().catch(() => undefined);
  }
}
