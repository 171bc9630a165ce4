import { randomBytes } from 'node:crypto';
import { readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import * as nodePty from 'node-pty';
import type { InstanceState, InstanceStatus } from '../../contract/instances';
import { OutputPipe, type OutputPipeOptions } from './output-pipe';
import { lowerPriority } from './priority';
import { descendantsOf, killTree, listProcesses, processExists, UsageSampler, type ProcessInfo, type ProcessTable, type TrackedProcess } from '../process-tree';
import { ScreenStatusTracker, type ScreenTimings } from './screen-status';
import { type Screen, type ScreenFactory, screenInThisThread } from './screen-thread';

export const DEFAULT_SIZE = { cols: 120, rows: 32 } as const;
export const STOP_GRACE_MS = 3_000;
/**
 * An agent that has printed nothing is "starting" this long, then the screen's rules read it as
 * any quiet agent (running, then idle): a silent program (a build, `node -e` in a loop) was
 * shown "Starting" for as long as it ran.
 */
export const SILENT_START_MS = 1_000;
/** The environment variable that marks every process of one run, so strays can be found. */
export const RUN_MARKER_VARIABLE = 'LANES_RUN';

/** node-pty's private parts the host reaches into (see InstanceProcess.readRest); the flood tests fail if an update changes them. */
type PtyInternals = nodePty.IPty & { _socket?: { read(): unknown; destroy(...args: unknown[]): unknown; destroyed?: boolean }; fd?: number };

/** At most this much is read from a pty in one go after its agent is done: the kernel holds far less. */
export const REST_LIMIT = 1024 * 1024;

/**
 * Reads a non-blocking descriptor synchronously until it has nothing more (EAGAIN), its other
 * side is closed (EIO, or end of file), or `limit` bytes came, and hands on what came as UTF-8
 * text (a character cut by the limit ends as U+FFFD). Returns the bytes read.
 */
export function readUntilDry(fd: number, limit: number, receive: (text: string) => void): number {
  const decoder = new StringDecoder('utf8');
  const buffer = Buffer.alloc(Math.min(64 * 1024, limit));
  let total = 0;
  while (total < limit) {
    let count: number;
    try {
      count = readSync(fd, buffer, 0, Math.min(buffer.length, limit - total), null);
    } catch {
      break; // EAGAIN or EIO: nothing more
    }
    if (count <= 0) break;
    total += count;
    const text = decoder.write(buffer.subarray(0, count));
    if (text) receive(text);
  }
  const rest = decoder.end();
  if (rest) receive(rest);
  return total;
}

const MIB = 1024 * 1024;

/** Whether two usages read differently at the precision the Instances screen shows them. */
export function usageShowsDifferently(shown: InstanceState['usage'], next: InstanceState['usage']): boolean {
  if (!shown || !next) return shown !== next;
  return shown.processes !== next.processes || Math.round(shown.cpu) !== Math.round(next.cpu) || Math.round(shown.memory / MIB) !== Math.round(next.memory / MIB);
}

/** Whether node-pty's stream of this pty is closed, and its descriptor with it. */
function streamClosed(pty: nodePty.IPty): boolean {
  return (pty as PtyInternals)._socket?.destroyed === true;
}

export interface LaunchSpec {
  readonly file: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env: Record<string, string>;
  /** Status comes from the agent's hooks once the first one arrives. */
  readonly hooks: boolean;
  /** The agent's CPU priority (nice value, 0 to 19): above 0 keeps Lanes and its window responsive while agents work. */
  readonly niceness?: number;
}

export interface InstanceProcessEvents {
  /** `echo`: likely the echo of a keystroke (see OutputPipe). */
  output(data: string, seq: number, echo: boolean): void;
  changed(): void;
  /** Ended by itself (not stopped by the user), or started waiting: worth a notification. */
  attention(kind: 'waiting' | 'exited' | 'crashed', detail: string): void;
  /** The set of processes under this run changed: record it for crash recovery. */
  tracked(marker: string, processes: readonly TrackedProcess[]): void;
  ended(): void;
}

type Status = { status: InstanceStatus; source: InstanceState['statusSource']; detail: string | null; since: string };

/**
 * One instance's agent in a pty: its output pipe (batching, flow control), its screen, its status,
 * the processes under it, and a stop that leaves nothing behind. The pipe and the screen outlive
 * each run, so a restarted agent's output follows the previous one and `seq` keeps growing.
 */
export class InstanceProcess {
  private pty: nodePty.IPty | null = null;
  private exited: Promise<void> = Promise.resolve();
  private stopping: Promise<void> | null = null;
  private stopRequested = false;
  private hooksSeen = false;
  /** When the last hook report arrived: it stands until the agent prints again. */
  private hookReportAt = 0;
  private hooks = false;
  private draining = false;
  /**
   * Why the pty is paused (the agent is blocked writing): its viewers are behind on
   * acknowledgements, or its screen is behind on parsing. It resumes once neither holds it.
   */
  private readonly holds = new Set<'viewers' | 'screen'>();
  private ptyPaused = false;
  private exitWatch: NodeJS.Timeout | null = null;
  private marker: string | null = null;
  private readonly trackedProcesses = new Map<number, TrackedProcess>();
  private readonly sampler = new UsageSampler();
  private screen: ScreenStatusTracker;
  private current: Status = { status: 'stopped', source: 'process', detail: null, since: new Date().toISOString() };
  readonly pipe: OutputPipe;
  private readonly display: Screen;
  pid: number | null = null;
  exitCode: number | null = null;
  signal: number | null = null;
  startedAt: string | null = null;
  usage: InstanceState['usage'] = null;
  /** The usage as last reported changed (see sample). */
  private usageShown: InstanceState['usage'] = null;
  cols: number = DEFAULT_SIZE.cols;
  rows: number = DEFAULT_SIZE.rows;

  constructor(
    readonly name: string,
    private readonly events: InstanceProcessEvents,
    private readonly timings: { screen?: ScreenTimings; pipe?: Partial<OutputPipeOptions> } = {},
    screens: ScreenFactory = screenInThisThread,
  ) {
    this.screen = new ScreenStatusTracker(timings.screen);
    this.pipe = new OutputPipe({
      ...timings.pipe,
      emit: (data, seq, echo) => this.events.output(data, seq, echo),
      pause: () => this.hold('viewers'),
      resume: () => this.release('viewers'),
    });
    this.display = screens(DEFAULT_SIZE.cols, DEFAULT_SIZE.rows, {
      fallingBehind: (behind) => (behind ? this.hold('screen') : this.release('screen')),
      isWatched: () => this.pipe.viewerCount > 0,
    });
  }

  get status(): Status {
    return this.current;
  }

  get running(): boolean {
    return this.pty !== null;
  }

  get bracketedPaste(): boolean {
    return this.screen.bracketedPaste;
  }

  start(spec: LaunchSpec): void {
    if (this.pty) return;
    this.stopRequested = false;
    this.draining = false;
    this.hooksSeen = false;
    this.hooks = spec.hooks;
    this.exitCode = null;
    this.signal = null;
    this.usage = null;
    this.usageShown = null;
    this.trackedProcesses.clear();
    this.screen = new ScreenStatusTracker(this.timings.screen);
    // The agent's silence is counted from its start, not from the epoch.
    this.screen.feed('');
    this.pipe.reset();
    this.marker = `${RUN_MARKER_VARIABLE}=${randomBytes(12).toString('hex')}`;
    const env = { ...spec.env, [RUN_MARKER_VARIABLE]: this.marker.slice(RUN_MARKER_VARIABLE.length + 1) };
    let pty: nodePty.IPty;
    try {
      pty = nodePty.spawn(spec.file, [...spec.args], { name: 'xterm-256color', cols: this.cols, rows: this.rows, cwd: spec.cwd, env, encoding: 'utf8' });
    } catch (error) {
      this.setStatus('crashed', 'process', `could not start: ${error instanceof Error ? error.message : String(error)}`);
      throw error;
    }
    this.pty = pty;
    this.pid = pty.pid;
    this.readRestBeforeDestroy(pty);
    // The screen may still be parsing the previous run's output.
    if (this.display.isBehind) this.hold('screen');
    // Set before the agent starts its own children, which inherit it.
    if (spec.niceness !== undefined) lowerPriority(pty.pid, spec.niceness);
    this.startedAt = new Date().toISOString();
    this.setStatus('starting', 'process', null);
    void listProcesses().then((table) => this.trackProcesses(table), () => undefined);
    pty.onData((data) => this.receive(data));
    this.exited = new Promise<void>((resolve) => {
      pty.onExit(({ exitCode, signal }) => {
        void this.handleExit(exitCode, signal ?? 0).finally(resolve);
      });
    });
  }

  private receive(data: string): void {
    this.display.write(data);
    this.screen.feed(data);
    this.pipe.push(data);
    if (this.current.status === 'starting' || (this.current.status !== 'running' && !this.hookDriven())) this.setStatus('running', 'screen', null);
  }

  /** Ends the whole process tree: SIGHUP, then SIGTERM, then SIGKILL after the grace period; resolves when it is gone. */
  stop(graceMs = STOP_GRACE_MS): Promise<void> {
    if (!this.pty) return this.stopping ?? Promise.resolve();
    if (this.stopping) return this.stopping;
    this.stopRequested = true;
    const rootPid = this.pid;
    this.stopping = (async () => {
      this.pipe.reset(); // a paused pty cannot hear its signals' effects drain
      await killTree({ rootPid, tracked: this.trackedProcesses.values(), environmentMarker: this.marker, graceMs });
      await Promise.race([this.exited, sleep(graceMs + 2_000)]);
    })().finally(() => {
      this.stopping = null;
    });
    return this.stopping;
  }

  write(data: string): void {
    if (!this.pty) return;
    this.pipe.expectEcho();
    this.pty.write(data);
  }

  /**
   * A viewer opens the terminal: the screen as drawn up to `seq` (every batch up to it is in it,
   * none after), and the viewer's id for flow control.
   */
  async attach(): Promise<{ data: string; seq: number; viewer: string }> {
    const { seq, viewer } = this.pipe.attach();
    return { data: await this.display.serialize(), seq, viewer };
  }

  dispose(): void {
    this.pipe.dispose();
    this.display.dispose();
  }

  resize(cols: number, rows: number): void {
    this.cols = cols;
    this.rows = rows;
    this.display.resize(cols, rows);
    try {
      this.pty?.resize(cols, rows);
    } catch {
      // the pty closed between the check and the call
    }
  }

  /** A report from the agent's hooks (Claude Code): it is the status from now on. */
  hookEvent(event: string, message: string | null): void {
    if (!this.pty) return;
    this.hooksSeen = true;
    this.hookReportAt = Date.now();
    if (event === 'Notification') this.setStatus('waiting', 'hook', message ?? 'needs your input');
    else if (event === 'Stop') this.setStatus('idle', 'hook', 'finished its turn');
    else if (event === 'UserPromptSubmit') this.setStatus('running', 'hook', null);
  }

  /** Re-reads the screen for agents without hooks. */
  tick(now = Date.now()): void {
    if (!this.pty || this.hookDriven()) return;
    if (this.current.status === 'starting' && now - Date.parse(this.current.since) < SILENT_START_MS) return;
    // Paused by flow control, the agent is blocked writing, not quiet: its viewer is behind.
    if (this.ptyPaused) {
      this.screen.feed('', now);
      this.setStatus('running', 'screen', null);
      return;
    }
    // A hook's report (from a wrapper around an agent without Claude Code's hooks) stands until the screen has news.
    if (this.current.source === 'hook' && this.screen.lastOutput <= this.hookReportAt) return;
    const { status, detail } = this.screen.assess(now);
    this.setStatus(status, 'screen', detail);
  }

  /**
   * Samples CPU and memory of the process tree and notes new descendants, from one reading of the
   * process table. True when the usage changed as the Instances screen shows it (whole percent of
   * CPU, whole MiB, the count of processes) since the last sample that said so: an agent waiting
   * at its prompt then costs its viewers nothing between samples.
   */
  sample(table: ProcessTable): boolean {
    if (!this.pty) return false;
    const processes = this.trackProcesses(table);
    this.usage = processes.length > 0 ? this.sampler.sample(processes) : null;
    if (!usageShowsDifferently(this.usageShown, this.usage)) return false;
    this.usageShown = this.usage;
    return true;
  }

  state(): Pick<InstanceState, 'status' | 'statusSource' | 'statusDetail' | 'statusSince' | 'pid' | 'exitCode' | 'signal' | 'startedAt' | 'usage'> {
    return {
      status: this.current.status,
      statusSource: this.current.source,
      statusDetail: this.current.detail,
      statusSince: this.current.since,
      pid: this.pty ? this.pid : null,
      exitCode: this.exitCode,
      signal: this.signal,
      startedAt: this.startedAt,
      usage: this.pty ? this.usage : null,
    };
  }

  /**
   * Pauses the pty for `reason` (it stays paused until every reason is released).
   *
   * node-pty 1.1.0 loses what is still unread when the process exits while the pty is paused:
   * its stream ends early, dropping up to the kernel's pty buffer. A paused pty therefore checks
   * every 20 ms that its process still exists, and once it is gone reads the rest itself,
   * synchronously, before the stream can end. This reaches into node-pty's private `_socket`
   * (its `fd` is public); the flood test fails if an update changes them.
   */
  private hold(reason: 'viewers' | 'screen'): void {
    // Once its stream is closed there is nothing to pause, and nothing left to read.
    if (!this.pty || this.draining || streamClosed(this.pty)) return;
    this.holds.add(reason);
    if (this.ptyPaused) return;
    this.ptyPaused = true;
    this.pty.pause();
    const pid = this.pid;
    this.exitWatch ??= setInterval(() => {
      if (pid === null || !processExists(pid)) this.drainAfterExit();
    }, 20);
  }

  private drainAfterExit(): void {
    const pty = this.pty as PtyInternals | null;
    this.draining = true;
    if (this.exitWatch) clearInterval(this.exitWatch);
    this.exitWatch = null;
    if (!pty) return;
    this.readRest(pty);
    this.holds.clear();
    this.ptyPaused = false;
    pty.resume();
  }

  /**
   * Reads, synchronously, what the agent left in the pty and hands it on: what node-pty's stream
   * holds, then what the kernel holds, until it has no more (EAGAIN), the agent's side is closed
   * (EIO), or `REST_LIMIT` bytes came (a process still writing to the pty would never let it
   * end). Never once the stream is closed: its descriptor is closed with it, and its number may
   * already be another file's (this once read another descriptor's bytes as the agent's output).
   * Reaches into node-pty's private `_socket` (its `fd` is public).
   */
  private readRest(pty: PtyInternals): void {
    if (streamClosed(pty)) return;
    try {
      while (pty._socket && pty._socket.read() !== null) {
        // each read() hands what the stream holds to the data listener
      }
    } catch {
      return; // the stream broke, and its descriptor may be closed with it
    }
    if (typeof pty.fd === 'number' && process.platform !== 'win32') readUntilDry(pty.fd, REST_LIMIT, (text) => this.receive(text));
  }

  /**
   * Whenever node-pty's stream is destroyed, what the kernel still holds is lost, so it is read
   * first. Two ways this happened, both beside CPU-bound loops on two cores:
   * - node-pty destroys the stream 200 ms after the agent exits if it has not ended by then; a
   *   host kept off the CPU that long runs that timer before the read it has been waiting for;
   * - the stream ended on its own (not by that timer: the agent's process still existed) while
   *   kilobytes still waited in the pty. Reading only once the agent was gone missed these: the
   *   page lost the last 1-2% of a 1 MB flood about once in 30 runs (bench/terminal.bench.ts),
   *   and a read after the destroy found them still there.
   */
  private readRestBeforeDestroy(pty: nodePty.IPty): void {
    const socket = (pty as PtyInternals)._socket;
    if (!socket) return;
    const destroy = socket.destroy.bind(socket);
    socket.destroy = (...args: unknown[]) => {
      if (this.pty === pty) this.readRest(pty as PtyInternals);
      return destroy(...args);
    };
  }

  private release(reason: 'viewers' | 'screen'): void {
    if (this.holds.delete(reason) && this.holds.size === 0) this.resumePty();
  }

  private resumePty(): void {
    this.holds.clear();
    this.ptyPaused = false;
    if (this.exitWatch) clearInterval(this.exitWatch);
    this.exitWatch = null;
    this.pty?.resume();
  }

  private hookDriven(): boolean {
    return this.hooks && this.hooksSeen;
  }

  /**
   * Notes the processes under the agent, so a stop finds them even after they leave the tree.
   * (Strays that left before being seen are found by their environment marker when stopping.)
   */
  private trackProcesses(table: ProcessTable): ProcessInfo[] {
    if (this.pid === null) return [];
    const found = new Map(descendantsOf(table, this.pid).map((info) => [info.pid, info]));
    let added = false;
    for (const info of found.values()) {
      if (info.state === 'Z') continue;
      const known = this.trackedProcesses.get(info.pid);
      if (!known || known.startTime !== info.startTime) {
        this.trackedProcesses.set(info.pid, { pid: info.pid, startTime: info.startTime });
        added = true;
      }
    }
    if (added && this.marker && this.pty) this.events.tracked(this.marker, [...this.trackedProcesses.values()]);
    return [...found.values()].filter((info) => info.state !== 'Z');
  }

  private async handleExit(exitCode: number, signal: number): Promise<void> {
    this.resumePty();
    this.pipe.flush();
    // The agent is gone; whatever it left running (a grandchild in its own session) goes too.
    if (!this.stopRequested) {
      await killTree({ rootPid: null, tracked: this.trackedProcesses.values(), environmentMarker: this.marker, graceMs: 1_000 });
    }
    this.pty = null;
    this.exitCode = signal ? null : exitCode;
    this.signal = signal || null;
    this.usage = null;
    this.usageShown = null;
    if (this.stopRequested) this.setStatus('exited', 'process', 'stopped by you');
    else if (signal) {
      this.setStatus('crashed', 'process', `ended by signal ${signal}`);
      this.events.attention('crashed', `ended by signal ${signal}`);
    } else {
      const detail = `exited with code ${exitCode}`;
      this.setStatus('exited', 'process', detail);
      this.events.attention('exited', detail);
    }
    this.trackedProcesses.clear();
    this.events.ended();
  }

  private setStatus(status: InstanceStatus, source: Status['source'], detail: string | null): void {
    if (this.current.status === status && this.current.detail === detail) return;
    const before = this.current.status;
    this.current = { status, source, detail, since: before === status ? this.current.since : new Date().toISOString() };
    this.events.changed();
    if (status === 'waiting' && before !== 'waiting') this.events.attention('waiting', detail ?? 'needs your input');
  }
}


function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
