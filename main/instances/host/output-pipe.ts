/**
 * Terminal output between a pty and its viewers: batched (one event per ~16 ms or ~200 KB, as
 * VS Code and Hyper do), numbered (`seq`) so a viewer that opens the terminal's screen knows
 * which batches it already holds, and flow controlled: when the viewers fall more than `highWater` characters behind on
 * acknowledgements, the pty is paused (the agent blocks on write) until one is back under
 * `lowWater`. Each viewer (a terminal view in a window or page) is counted on its own and the
 * agent keeps the pace of the fastest: a slower page does not hold the others back, and the web
 * mode disconnects one that falls far behind (it redraws from the replay).
 */
export interface OutputPipeOptions {
  /** `echo`: sent at once because someone just typed (likely the echo), worth sending ahead of other terminals' output. */
  readonly emit: (data: string, seq: number, echo: boolean) => void;
  readonly pause: () => void;
  readonly resume: () => void;
  readonly flushMs?: number;
  readonly flushChars?: number;
  readonly highWater?: number;
  readonly lowWater?: number;
  /** A viewer that owes output and says nothing for this long stops holding the agent back, until it acknowledges again. */
  readonly staleMs?: number;
}

/**
 * VS Code pauses at 100,000 unacknowledged characters and resumes at 5,000, over its local IPC.
 * Over the web mode the acknowledgement's round trip through the browser is longer: with a mark
 * below one 200,000-character batch, every batch paused the agent and the pipeline emptied
 * (Chromium received 12.7 MB/s; with these marks 23 MB/s, bench/terminal.bench.ts). The renderer
 * acknowledges every TERMINAL_ACK_CHARS (main/contract/instances.ts).
 */
export const FLOW_DEFAULTS = {
  flushMs: 16,
  flushChars: 200_000,
  highWater: 512_000,
  lowWater: 256_000,
  staleMs: 5_000,
} as const;

/** A viewer silent this many `staleMs` while it owes output is forgotten (its page is gone). */
const FORGET_AFTER_STALE = 12;

export class OutputPipe {
  private readonly options: Required<OutputPipeOptions>;
  private pending: string[] = [];
  private pendingChars = 0;
  private timer: NodeJS.Timeout | null = null;
  private staleTimer: NodeJS.Timeout | null = null;
  private seqValue = 0;
  /**
   * Characters each viewer has yet to acknowledge, and since when it has owed without a word
   * (its last acknowledgement, or when it last had nothing to acknowledge).
   */
  private readonly viewers = new Map<string, { unacked: number; quietSince: number }>();
  private nextViewer = 1;
  private echoExpectedUntil = 0;
  private paused = false;

  constructor(options: OutputPipeOptions) {
    this.options = { ...FLOW_DEFAULTS, ...options };
  }

  push(data: string): void {
    if (data.length === 0) return;
    this.pending.push(data);
    this.pendingChars += data.length;
    if (this.pendingChars >= this.options.flushChars) this.flush();
    else if (this.echoExpectedUntil > Date.now() && this.pendingChars < 4_096) {
      // Someone just typed: send the echo now instead of waiting out the batching delay.
      this.echoExpectedUntil = 0;
      this.flush(true);
    } else this.timer ??= setTimeout(() => this.flush(), this.options.flushMs);
  }

  flush(echo = false): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.pendingChars === 0) return;
    const data = this.pending.length === 1 ? this.pending[0]! : this.pending.join('');
    this.pending = [];
    this.pendingChars = 0;
    this.seqValue += 1;
    if (this.viewers.size > 0) {
      const now = Date.now();
      for (const [id, viewer] of this.viewers) {
        if (viewer.unacked === 0) viewer.quietSince = now;
        viewer.unacked += data.length;
        // Owing for a minute without a word: a page that closed without saying so.
        if (now - viewer.quietSince >= FORGET_AFTER_STALE * this.options.staleMs) this.viewers.delete(id);
      }
      this.applyFlow();
    }
    this.options.emit(data, this.seqValue, echo);
  }

  /** The user typed: the next small output is likely the echo, and goes out unbatched. */
  expectEcho(): void {
    this.echoExpectedUntil = Date.now() + 250;
  }

  /**
   * A viewer opens the terminal: the `seq` of the last batch sent (its screen holds everything
   * up to it), and the id it acknowledges with from now on.
   */
  attach(): { seq: number; viewer: string } {
    this.flush();
    const viewer = `v${this.nextViewer++}`;
    this.viewers.set(viewer, { unacked: 0, quietSince: Date.now() });
    return { seq: this.seqValue, viewer };
  }

  /** A viewer drew `chars` characters. Unknown viewers (detached, or forgotten) are ignored. */
  ack(viewer: string, chars: number): void {
    const state = this.viewers.get(viewer);
    if (!state) return;
    state.unacked = Math.max(0, state.unacked - chars);
    state.quietSince = Date.now();
    this.applyFlow(true);
  }

  /** A viewer closed the terminal. */
  detach(viewer: string): void {
    if (this.viewers.delete(viewer)) this.applyFlow();
  }

  get viewerCount(): number {
    return this.viewers.size;
  }

  /** Forgets flow-control debts (a new run of the agent starts with a clean slate). */
  reset(): void {
    this.flush();
    for (const viewer of this.viewers.values()) viewer.unacked = 0;
    if (this.paused) this.setPaused(false);
  }

  dispose(): void {
    this.flush();
    if (this.staleTimer) clearTimeout(this.staleTimer);
    this.staleTimer = null;
  }

  /**
   * Pauses or resumes for the fastest viewer that still answers; with none, nobody draws and
   * nothing waits. A viewer that owes output and said nothing for `staleMs` does not count
   * until it acknowledges again (a hidden or busy page is not left to hold the agent). An
   * acknowledgement that does not resume the agent restarts that wait.
   */
  private applyFlow(acknowledged = false): void {
    const now = Date.now();
    let behind = Number.POSITIVE_INFINITY;
    for (const viewer of this.viewers.values()) {
      const silent = viewer.unacked > 0 && now - viewer.quietSince >= this.options.staleMs;
      if (!silent) behind = Math.min(behind, viewer.unacked);
    }
    if (behind === Number.POSITIVE_INFINITY) behind = 0;
    if (!this.paused && behind > this.options.highWater) this.setPaused(true);
    else if (this.paused && behind < this.options.lowWater) this.setPaused(false);
    else if (this.paused && acknowledged) this.armStaleTimer();
  }

  private setPaused(paused: boolean): void {
    this.paused = paused;
    if (paused) {
      this.options.pause();
      this.armStaleTimer();
    } else {
      if (this.staleTimer) clearTimeout(this.staleTimer);
      this.staleTimer = null;
      this.options.resume();
    }
  }

  private armStaleTimer(): void {
    if (this.staleTimer) clearTimeout(this.staleTimer);
    this.staleTimer = setTimeout(() => {
      this.staleTimer = null;
      if (!this.paused) return;
      // No viewer acknowledged for a while: those silent since no longer hold the agent.
      this.applyFlow();
      if (this.paused) this.armStaleTimer(); // any viewer still counted is checked again
    }, this.options.staleMs);
  }
}
