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
 * Quiet screens waiting to be serialized ahead of time, one per turn of the event loop: eight
 * agents that went quiet together do not block the host (and every keystroke's echo) for the
 * seconds their eight serializations take back to back.
 */
const warmQueue = new Set<TerminalScreen>();
let warmTurn: NodeJS.Immediate | null = null;

function warmNext(): void {
  warmTurn = null;
  const next = warmQueue.values().next();
  if (next.done) return;
  warmQueue.delete(next.value);
  void next.value.serialize();
  if (warmQueue.size > 0) warmTurn = setImmediate(warmNext);
}

function queueWarm(screen: TerminalScreen): void {
  warmQueue.add(screen);
  warmTurn ??= setImmediate(warmNext);
}

/**
 * An agent's terminal as drawn, kept in the host with a headless xterm (as VS Code's pty host
 * does): a viewer that opens it gets the screen and scrollback, colours and modes included,
 * rather than the last bytes of output, which may begin mid-sequence or miss a full-screen
 * program's earlier drawing.
 */
export class TerminalScreen {
  private readonly terminal: headlessModule.Terminal;
  private readonly serializer = new SerializeAddon();
  /** Grows with every write and resize: a serialized screen is valid for one generation only. */
  private generation = 0;
  private serialized: { readonly generation: number; readonly data: string } | null = null;
  private lastChange = 0;
  private lastSerializeMs = 0;
  private warmTimer: NodeJS.Timeout | null = null;

  constructor(cols: number, rows: number) {
    this.terminal = new Terminal({ cols, rows, scrollback: SCREEN_SCROLLBACK, allowProposedApi: true });
    this.terminal.loadAddon(this.serializer);
  }

  write(data: string): void {
    this.changed();
    this.terminal.write(data);
  }

  resize(cols: number, rows: number): void {
    this.changed();
    this.terminal.resize(cols, rows);
  }

  /**
   * The escape sequences that redraw the screen and its scrollback, once everything written so
   * far is parsed, and nothing written after: xterm calls a write's callback as soon as that
   * write is parsed, before the next one. Nothing written since the last serialization: that
   * one, without serializing again.
   */
  serialize(): Promise<string> {
    const generation = this.generation;
    if (this.serialized?.generation === generation) return Promise.resolve(this.serialized.data);
    return new Promise((resolve) =>
      this.terminal.write('', () => {
        // Another caller may have serialized this same generation meanwhile.
        if (this.serialized?.generation !== generation) {
          const start = performance.now();
          const data = this.serializer.serialize({ scrollback: SCREEN_SCROLLBACK });
          // The serializer builds its answer by concatenation, a tree of pieces: kept as it is, 8
          // screens of 10,000 lines hold 160 MB; reading a character makes V8 flatten it (10 MB).
          data.charCodeAt(0);
          this.serialized = { generation, data };
          this.lastSerializeMs = performance.now() - start;
        }
        resolve(this.serialized.data);
      }),
    );
  }

  dispose(): void {
    if (this.warmTimer) clearTimeout(this.warmTimer);
    this.warmTimer = null;
    warmQueue.delete(this);
    this.serialized = null;
    this.terminal.dispose();
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

  /** One timer per quiet period rather than one per write: it checks, and waits out the rest if output came since. */
  private warmWhenQuiet(): void {
    const remaining = this.quietNeededMs() - (performance.now() - this.lastChange);
    if (remaining > 0) {
      this.warmTimer = setTimeout(() => this.warmWhenQuiet(), remaining).unref();
      return;
    }
    this.warmTimer = null;
    queueWarm(this);
  }
}
