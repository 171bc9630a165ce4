import { performance } from 'node:perf_hooks';
import * as serializeModule from '@xterm/addon-serialize';
import * as headlessModule from '@xterm/headless';

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
 * Parsing in slices. xterm parses what it is given in 12 ms turns, each terminal on its own
 * timer: eight agents flooding their terminals gave eight turns back to back, about 100 ms in
 * which the host read no keystroke and sent no echo (bench/host-keystroke.bench.ts). Instead the
 * screens wait here, and xterm is given one PARSE_SLICE_CHARS slice of one screen at a time; the
 * next slice (or a serialization) is handed over only after the host has served its sockets and
 * ptys again. A screen a viewer waits for (a serialization asked) goes first, then screens
 * someone views. Screens nobody views are parsed at most UNWATCHED_PARSE_SHARE of the time:
 * agents flooding terminals nobody looks at are held back (paused once their screen is behind)
 * before they take the host, as their CPU priority keeps them from taking the machine.
 */
const PARSE_SLICE_CHARS = 32 * 1024;
const UNWATCHED_PARSE_SHARE = 0.25;
/**
 * Unparsed output past which the agent is paused until its screen catches up to a quarter of it.
 * Someone viewing the terminal gets a burst at the speed of the pty, the screen parsing behind
 * it; a terminal nobody views is held close, its output kept small until parsed.
 */
export const SCREEN_BEHIND_CHARS = { watched: 4_000_000, unwatched: 128 * 1024 } as const;

const waitingScreens = new Set<TerminalScreen>();
const askedScreens = new Set<TerminalScreen>();
/** The screen whose slice xterm is parsing; nothing else is handed over until it is done. */
let parsing: TerminalScreen | null = null;
let nextTurn: NodeJS.Immediate | null = null;
/** When a screen nobody views may be given its next slice, and the timer that waits for it. */
let unwatchedTurnAt = 0;
let unwatchedTimer: NodeJS.Timeout | null = null;

function scheduleTurn(): void {
  if (parsing === null && nextTurn === null && unwatchedTimer === null && waitingScreens.size > 0) nextTurn = setImmediate(takeTurn);
}

function nextScreen(): TerminalScreen | undefined {
  for (const screen of askedScreens) return screen;
  let unwatched: TerminalScreen | undefined;
  for (const screen of waitingScreens) {
    if (screen.watched) return screen;
    unwatched ??= screen;
  }
  const wait = unwatchedTurnAt - performance.now();
  if (unwatched === undefined || wait <= 0) return unwatched;
  unwatchedTimer = setTimeout(() => {
    unwatchedTimer = null;
    scheduleTurn();
  }, wait);
  return undefined;
}

function takeTurn(): void {
  nextTurn = null;
  const screen = nextScreen();
  if (!screen) return;
  const unwatched = !screen.watched;
  const start = performance.now();
  // Deleted and added again: the next turn goes to the next screen.
  waitingScreens.delete(screen);
  askedScreens.delete(screen);
  // Set before the step, which may put the screen back in line: no turn is taken while xterm parses.
  parsing = screen;
  const parsingSlice = screen.step(() => {
    if (parsing !== screen) return;
    parsing = null;
    const now = performance.now();
    if (unwatched) unwatchedTurnAt = now + (now - start) * (1 / UNWATCHED_PARSE_SHARE - 1);
    scheduleTurn();
  });
  if (!parsingSlice) parsing = null;
  scheduleTurn();
}

function waiting(screen: TerminalScreen, asked: boolean): void {
  waitingScreens.add(screen);
  if (asked) askedScreens.add(screen);
  // A screen someone waits for does not wait out the pause of the screens nobody views.
  if ((asked || screen.watched) && unwatchedTimer !== null) {
    clearTimeout(unwatchedTimer);
    unwatchedTimer = null;
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
export class TerminalScreen {
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
  private lastSerializeMs = 0;
  private warmTimer: NodeJS.Timeout | null = null;
  private disposed = false;

  /**
   * `fallingBehind` hears true once SCREEN_BEHIND_CHARS wait to be parsed (the agent should be
   * paused) and false once they are down to a quarter of that; `isWatched` tells
   * whether someone views the terminal.
   */
  constructor(
    cols: number,
    rows: number,
    private readonly owner: { fallingBehind?: (behind: boolean) => void; isWatched?: () => boolean } = {},
  ) {
    this.terminal = new Terminal({ cols, rows, scrollback: SCREEN_SCROLLBACK, allowProposedApi: true });
    this.terminal.loadAddon(this.serializer);
  }

  /** Whether it had more than SCREEN_BEHIND_CHARS to parse, and is not yet down to a quarter of that. */
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
    this.pending.push(data);
    this.unparsedChars += data.length;
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
    let count = 0;
    let chars = 0;
    while (count < this.pending.length && typeof this.pending[count] === 'string' && (count === 0 || chars + (this.pending[count] as string).length <= PARSE_SLICE_CHARS)) {
      chars += (this.pending[count] as string).length;
      count += 1;
    }
    const slice = this.pending.splice(0, count) as string[];
    this.unparsedChars -= chars;
    if (this.behind && this.unparsedChars <= this.behindChars() / 4) {
      this.behind = false;
      this.owner.fallingBehind?.(false);
    }
    if (this.pending.length > 0) waiting(this, this.asked > 0);
    this.terminal.write(slice.length === 1 ? slice[0]! : slice.join(''), parsed);
    return true;
  }

  dispose(): void {
    if (this.warmTimer) clearTimeout(this.warmTimer);
    this.warmTimer = null;
    this.disposed = true;
    forget(this);
    for (const item of this.pending.splice(0)) if (typeof item !== 'string' && item.kind === 'serialize') item.reject(new Error('The terminal was closed.'));
    this.unparsedChars = 0;
    this.asked = 0;
    this.serialized = null;
    this.terminal.dispose();
  }

  private behindChars(): number {
    return this.watched ? SCREEN_BEHIND_CHARS.watched : SCREEN_BEHIND_CHARS.unwatched;
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
