import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { appRoot } from '../../shared/app-root';
import { type Screen, type ScreenOwner, TerminalScreen } from './terminal-screen';

/**
 * The agents' screens, kept in a worker thread of the pty host rather than on the thread that
 * reads the ptys and serves keystrokes. Serializing a screen with 10,000 lines of scrollback (a
 * view opening it, Lanes reattaching, or a quiet screen serialized ahead of them) took that
 * thread 0.5–3 s, and a keystroke that came meanwhile had its echo wait that long: in the web
 * mode, with 8 agents flooding and then stopped, keystroke → echo drawn in the page had a p95 of
 * 600–700 ms (bench/terminal.bench.ts). Parsing goes with it: the host's own thread reads,
 * batches and sends, and the parse, the larger part of its work, runs beside it on the other core.
 *
 * The host talks to the thread through `Screen`s that hand it output in batches, in order with
 * resizes and serializations. Should the thread fail, each screen goes on in the host's own thread
 * from what its agent prints next (the earlier screen is lost; the agents and their output are not).
 */
export type { Screen, ScreenOwner };

export type ScreenFactory = (cols: number, rows: number, owner: ScreenOwner) => Screen;

/** A screen in the thread that asks for it: for code that runs without the host (tests). */
export const screenInThisThread: ScreenFactory = (cols, rows, owner) => new TerminalScreen(cols, rows, owner);

/** Messages to the screen thread, in the order the host meant them. */
export type ToScreens =
  | { readonly t: 'open'; readonly id: number; readonly cols: number; readonly rows: number; readonly watched: boolean }
  | { readonly t: 'write'; readonly id: number; readonly data: string; readonly watched: boolean }
  | { readonly t: 'resize'; readonly id: number; readonly cols: number; readonly rows: number }
  | { readonly t: 'serialize'; readonly id: number; readonly request: number }
  | { readonly t: 'close'; readonly id: number };

export type FromScreens =
  | { readonly t: 'behind'; readonly id: number; readonly behind: boolean }
  | { readonly t: 'serialized'; readonly request: number; readonly data?: string; readonly error?: string };

/**
 * The screen thread's CPU priority (nice), below the host's own thread: on a busy machine a
 * keystroke's echo is read and sent before a screen is parsed or serialized. Linux only, where the
 * nice value is the thread's. Its agents run lower still (AGENT_NICENESS), and wait for their
 * screens when these fall behind.
 */
export const SCREEN_THREAD_NICENESS = 5;

/**
 * Output is handed over once per turn of the host's event loop (a pty hands over 4 KB per read),
 * or at once past this many characters.
 */
const WRITE_BATCH_CHARS = 256 * 1024;

/**
 * The worker's entry: next to the built host, or, from source (tests, a Lanes run through tsx), a
 * small module that compiles the TypeScript entry with tsx.
 */
export function screenWorkerEntry(): string {
  if (typeof __filename === 'string' && __filename.endsWith('.cjs')) return outsideArchive(path.join(path.dirname(__filename), 'screen-worker.cjs'));
  return path.join(appRoot(), 'main', 'instances', 'host', 'screen-worker-boot.mjs');
}

/**
 * In the packaged app the host's folder is in app.asar, which a worker thread cannot read from;
 * electron-builder.yml unpacks the worker's script (self-contained) beside it, to app.asar.unpacked.
 */
export function outsideArchive(file: string): string {
  const archive = `${path.sep}app.asar${path.sep}`;
  return file.includes(archive) ? file.replace(archive, `${path.sep}app.asar.unpacked${path.sep}`) : file;
}

export class ScreenThread {
  private readonly worker: Worker;
  private readonly screens = new Map<number, RemoteScreen>();
  private readonly requests = new Map<number, { resolve: (data: string) => void; reject: (error: Error) => void }>();
  private nextId = 1;
  private nextRequest = 1;
  private failed = false;
  private closing = false;

  constructor(entry: string = screenWorkerEntry()) {
    this.worker = new Worker(entry);
    // The host lives for its agents and its socket, not for this thread.
    this.worker.unref();
    this.worker.on('message', (message: FromScreens) => this.receive(message));
    this.worker.on('error', (error) => this.fail(error.message));
    this.worker.on('exit', (code) => this.fail(`it exited with code ${code}`));
  }

  readonly open: ScreenFactory = (cols, rows, owner) => {
    const screen = new RemoteScreen(this, this.nextId++, cols, rows, owner);
    if (!this.failed) this.screens.set(screen.id, screen);
    return screen;
  };

  /** Ends the thread (the host exits). */
  async close(): Promise<void> {
    this.closing = true;
    await this.worker.terminate();
  }

  /** Whether the thread has failed: screens then live in the host's own thread. */
  get inThisThread(): boolean {
    return this.failed;
  }

  post(message: ToScreens): void {
    this.worker.postMessage(message);
  }

  request(id: number): Promise<string> {
    const request = this.nextRequest++;
    return new Promise((resolve, reject) => {
      this.requests.set(request, { resolve, reject });
      this.post({ t: 'serialize', id, request });
    });
  }

  forget(id: number): void {
    this.screens.delete(id);
  }

  /** For tests: ends the thread as a crash would. */
  crashForTest(): Promise<number> {
    return this.worker.terminate();
  }

  private receive(message: FromScreens): void {
    if (message.t === 'behind') {
      this.screens.get(message.id)?.behindChanged(message.behind);
      return;
    }
    const request = this.requests.get(message.request);
    this.requests.delete(message.request);
    if (message.error !== undefined || message.data === undefined) request?.reject(new Error(message.error ?? 'The terminal was closed.'));
    else request?.resolve(message.data);
  }

  private fail(why: string): void {
    if (this.failed || this.closing) return;
    this.failed = true;
    console.error(`${new Date().toISOString()} The pty host's screen thread stopped (${why}). The agents keep running; each terminal's screen starts again from what its agent prints next.`);
    for (const request of this.requests.values()) request.reject(new Error(`The terminal's screen was lost: the pty host's screen thread stopped (${why}).`));
    this.requests.clear();
    for (const screen of this.screens.values()) screen.fallBack();
    this.screens.clear();
  }
}

/** A screen kept in the thread; see ScreenThread. */
class RemoteScreen implements Screen {
  private pending: string[] = [];
  private pendingChars = 0;
  private handOver: NodeJS.Immediate | null = null;
  private behind = false;
  private closed = false;
  /** The screen in the host's own thread, once the screen thread has failed. */
  private local: TerminalScreen | null = null;

  constructor(
    private readonly thread: ScreenThread,
    readonly id: number,
    private cols: number,
    private rows: number,
    private readonly owner: ScreenOwner,
  ) {
    if (thread.inThisThread) this.local = new TerminalScreen(cols, rows, owner);
    else thread.post({ t: 'open', id, cols, rows, watched: this.watched });
  }

  get isBehind(): boolean {
    return this.local ? this.local.isBehind : this.behind;
  }

  write(data: string): void {
    if (this.closed || data.length === 0) return;
    if (this.local) return this.local.write(data);
    this.pending.push(data);
    this.pendingChars += data.length;
    if (this.pendingChars >= WRITE_BATCH_CHARS) this.flush();
    else this.handOver ??= setImmediate(() => this.flush());
  }

  resize(cols: number, rows: number): void {
    if (this.closed) return;
    this.cols = cols;
    this.rows = rows;
    if (this.local) return this.local.resize(cols, rows);
    this.flush();
    this.thread.post({ t: 'resize', id: this.id, cols, rows });
  }

  serialize(): Promise<string> {
    if (this.closed) return Promise.reject(new Error('The terminal was closed.'));
    if (this.local) return this.local.serialize();
    this.flush();
    return this.thread.request(this.id);
  }

  dispose(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.handOver) clearImmediate(this.handOver);
    this.handOver = null;
    this.pending = [];
    this.pendingChars = 0;
    this.thread.forget(this.id);
    if (this.local) this.local.dispose();
    else this.thread.post({ t: 'close', id: this.id });
  }

  behindChanged(behind: boolean): void {
    if (this.closed || this.local || behind === this.behind) return;
    this.behind = behind;
    this.owner.fallingBehind?.(behind);
  }

  /** The thread failed: the screen goes on here, from the output not yet handed over. */
  fallBack(): void {
    if (this.closed || this.local) return;
    if (this.handOver) clearImmediate(this.handOver);
    this.handOver = null;
    const waiting = this.pending.join('');
    this.pending = [];
    this.pendingChars = 0;
    // Whatever the lost screen held the agent for, it no longer does.
    if (this.behind) this.behindChanged(false);
    this.local = new TerminalScreen(this.cols, this.rows, this.owner);
    this.local.write(waiting);
  }

  private get watched(): boolean {
    return this.owner.isWatched?.() ?? true;
  }

  private flush(): void {
    if (this.handOver) clearImmediate(this.handOver);
    this.handOver = null;
    if (this.pendingChars === 0 || this.local) return;
    const data = this.pending.length === 1 ? this.pending[0]! : this.pending.join('');
    this.pending = [];
    this.pendingChars = 0;
    this.thread.post({ t: 'write', id: this.id, data, watched: this.watched });
  }
}
