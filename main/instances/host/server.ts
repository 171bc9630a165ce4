import { timingSafeEqual } from 'node:crypto';
import { promises as fs } from 'node:fs';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import { writeFileAtomic } from '../../shared/atomic-file';
import { EchoFirstQueue, type OutputLane } from '../../shared/echo-first-queue';
import { encodeFrame, FrameReader, PROTOCOL_VERSION, versionMismatchMessage, type HostMessage } from './protocol';
import { ensurePrivateFolder, readOrCreateSecret, type HostPaths } from './paths';

/** One client of the host, over whatever stream carries it. */
export interface HostConnection {
  readonly id: number;
  /** Written at once, ahead of the events still waiting for this client (see ConnectionWriter). */
  send(message: HostMessage): void;
}

/**
 * What the host writes to one client, in two lanes. Answers to calls (and the handshake) are
 * written to the stream at once. Events (the agents' output above all) wait in the connection's
 * own queue and are handed to the stream only while it is not backed up, so a keystroke's answer
 * waits behind at most the frame the stream already holds and what the operating system buffers,
 * not behind every batch of output of eight flooding agents a busy client has yet to read.
 * Events keep their order among themselves; an answer may overtake events sent before it, which
 * clients allow for (snapshots carry a revision, output a `seq`). So may the echo of a keystroke,
 * ahead of other agents' output still waiting (EchoFirstQueue).
 *
 * The queue is bounded. A client that stops reading (a Lanes frozen while agents flood; a viewer
 * silent for 5 s no longer holds its agents back) would otherwise grow it without end, in the host
 * that keeps every agent alive. A client that has read nothing for `stalledMs` while more than
 * `bytes` wait for it, or that leaves more than `hardBytes` unread at all, has its connection closed
 * (`overflowed`): the agents keep running, and a Lanes started again reattaches them with their
 * screens. A client that is slow but reads (a busy machine) is not cut off below `hardBytes`.
 */
class ConnectionWriter {
  private readonly events = new EchoFirstQueue();
  /** When the client last took what waited for it (the stream drained), or nothing waited. */
  private lastRead: number;

  constructor(
    private readonly stream: Duplex,
    private readonly limits: EventQueueLimits,
    private readonly overflowed: (queued: number) => void,
  ) {
    this.lastRead = this.now();
    stream.on('drain', () => {
      this.lastRead = this.now();
      this.handOver();
    });
    stream.on('close', () => this.events.clear());
  }

  answer(frame: Buffer): void {
    if (!this.stream.destroyed) this.stream.write(frame);
  }

  event(frame: Buffer, lane?: OutputLane): void {
    if (this.stream.destroyed) return;
    this.events.push([frame], lane);
    if (this.events.length === 1) this.handOver();
    const queued = this.events.bytes;
    if (queued > this.limits.hardBytes || (queued > this.limits.bytes && this.now() - this.lastRead > this.limits.stalledMs)) {
      this.stream.destroy();
      this.events.clear();
      this.overflowed(queued);
    }
  }

  private handOver(): void {
    if (this.events.handOver(this.stream)) this.lastRead = this.now();
  }

  private now(): number {
    return (this.limits.now ?? Date.now)();
  }
}

/** How much a client may leave unread before the host closes its connection (see ConnectionWriter). */
export interface EventQueueLimits {
  readonly bytes: number;
  readonly stalledMs: number;
  readonly hardBytes: number;
  /** The clock, for tests. */
  readonly now?: () => number;
}

export type { OutputLane };

export const EVENT_QUEUE_LIMITS: EventQueueLimits = { bytes: 16 * 1024 * 1024, stalledMs: 20_000, hardBytes: 256 * 1024 * 1024 };

export type HostHandler = (args: any, connection: HostConnection) => unknown;

/** A failure a handler reports to its caller as is (code and message), rather than as a crash. */
export class HostCallError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface HostServerEvents {
  connected(connection: HostConnection): void;
  disconnected(connection: HostConnection): void;
}

/** What the running host writes in `host.json` for `lanes host status` and for clients. */
export interface HostInfo {
  readonly pid: number;
  readonly version: number;
  readonly startedAt: string;
  readonly socket: string;
}

/**
 * Serves the host's calls to authenticated clients: checks each connection's secret and
 * protocol version before anything else, then routes calls to handlers and pushes events.
 */
export class HostServer {
  private server: net.Server | null = null;
  private readonly connections = new Map<number, { connection: HostConnection; stream: Duplex; writer: ConnectionWriter }>();
  private nextId = 1;
  private secret: Buffer | null = null;
  private socketInode: number | null = null;

  constructor(
    private readonly paths: HostPaths,
    private readonly handlers: Record<string, HostHandler>,
    private readonly events: HostServerEvents,
    private readonly eventQueueLimits = EVENT_QUEUE_LIMITS,
  ) {}

  get clientCount(): number {
    return this.connections.size;
  }

  /**
   * Listens on the socket. A socket file left by a host that crashed is replaced; one a live
   * host answers on is not, and this host gives way (`already-running`).
   */
  async listen(): Promise<void> {
    this.secret = Buffer.from(await readOrCreateSecret(this.paths));
    const server = net.createServer((stream) => this.serveStream(stream));
    for (let attempt = 0; ; attempt += 1) {
      try {
        await new Promise<void>((resolve, reject) => {
          server.once('error', reject);
          server.listen(this.paths.socket, () => {
            server.off('error', reject);
            resolve();
          });
        });
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt > 0) throw error;
        if (await socketAnswers(this.paths.socket)) throw new HostCallError('already-running', `A pty host already listens on ${this.paths.socket}.`);
        await fs.rm(this.paths.socket, { force: true });
      }
    }
    this.server = server;
    if (process.platform !== 'win32') {
      await fs.chmod(this.paths.socket, 0o600);
      this.socketInode = (await fs.stat(this.paths.socket)).ino;
    }
    await ensurePrivateFolder(this.paths.folder);
    const info: HostInfo = { pid: process.pid, version: PROTOCOL_VERSION, startedAt: new Date().toISOString(), socket: this.paths.socket };
    await writeFileAtomic(this.paths.info, `${JSON.stringify(info, null, 2)}\n`, { mode: 0o600 });
  }

  /**
   * Whether the socket file is still the one this host listens on. Removed (its user-data
   * folder deleted) or replaced, no Lanes can reach this host or its agents again.
   */
  async socketIsOurs(): Promise<boolean> {
    if (process.platform === 'win32' || this.socketInode === null) return true;
    try {
      return (await fs.stat(this.paths.socket)).ino === this.socketInode;
    } catch {
      return false;
    }
  }

  /** Serves one client over any byte stream; the socket server calls it for each connection. */
  serveStream(stream: Duplex): void {
    const id = this.nextId++;
    const writer = new ConnectionWriter(stream, this.eventQueueLimits, (queued) =>
      console.log(`${new Date().toISOString()} pty host ${process.pid}: client ${id} left ${Math.round(queued / 1024 / 1024)} MB of events unread (it stopped reading); its connection is closed, its agents keep running`),
    );
    const connection: HostConnection = { id, send: (message) => writer.answer(encodeFrame(message)) };
    let welcomed = false;
    const refuse = (reason: 'secret' | 'version' | 'handshake', message: string) => {
      connection.send({ type: 'refused', reason, version: PROTOCOL_VERSION, hostPid: process.pid, message });
      stream.end();
    };
    const reader = new FrameReader((message) => {
      const received = message as { type?: unknown; version?: unknown; secret?: unknown; id?: unknown; method?: unknown; args?: unknown };
      if (!welcomed) {
        if (received.type !== 'hello') return refuse('handshake', 'The first message must be hello.');
        // The secret first: a stranger learns nothing, not even whether its version would do.
        if (typeof received.secret !== 'string' || !this.secretMatches(received.secret)) return refuse('secret', 'Wrong or missing secret.');
        if (received.version !== PROTOCOL_VERSION) return refuse('version', versionMismatchMessage(PROTOCOL_VERSION, process.pid, Number(received.version)));
        welcomed = true;
        this.connections.set(connection.id, { connection, stream, writer });
        connection.send({ type: 'welcome', version: PROTOCOL_VERSION, hostPid: process.pid });
        this.events.connected(connection);
        return;
      }
      if (received.type !== 'call' || typeof received.id !== 'number' || typeof received.method !== 'string') return;
      void this.dispatch(connection, received.id, received.method, received.args);
    });
    stream.on('data', (chunk: Buffer) => {
      try {
        reader.push(chunk);
      } catch {
        stream.destroy();
      }
    });
    stream.on('error', () => undefined);
    stream.on('close', () => {
      if (this.connections.delete(connection.id)) this.events.disconnected(connection);
    });
  }

  broadcast(name: string, payload: unknown, lane?: OutputLane): void {
    if (this.connections.size === 0) return;
    const frame = encodeFrame({ type: 'event', name, payload });
    for (const { writer } of this.connections.values()) writer.event(frame, lane);
  }

  async close(): Promise<void> {
    for (const { stream } of this.connections.values()) stream.destroy();
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
    await fs.rm(this.paths.info, { force: true });
  }

  private async dispatch(connection: HostConnection, id: number, method: string, args: unknown): Promise<void> {
    const handler = this.handlers[method];
    try {
      if (!handler) throw new HostCallError('unknown-call', `The pty host has no call "${method}".`);
      connection.send({ type: 'result', id, ok: true, value: (await handler(args, connection)) ?? null });
    } catch (error) {
      const code = error instanceof HostCallError ? error.code : ((error as { code?: unknown }).code === undefined ? 'internal' : String((error as { code: unknown }).code));
      connection.send({ type: 'result', id, ok: false, code, message: error instanceof Error ? error.message : String(error) });
    }
  }

  private secretMatches(given: string): boolean {
    const expected = this.secret!;
    const offered = Buffer.from(given);
    return offered.length === expected.length && timingSafeEqual(offered, expected);
  }
}

/** Whether something accepts connections on the socket (a live host), as opposed to a file a crash left. */
function socketAnswers(socket: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.connect(socket);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
}
