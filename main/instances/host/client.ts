import { spawn } from 'node:child_process';
import { existsSync, openSync, closeSync, promises as fs } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import { appRoot } from '../../shared/app-root';
import { LanesError } from '../../shared/errors';
import { encodeFrame, FrameReader, HostRefusedError, PROTOCOL_VERSION, versionMismatchMessage, type HostMessage } from './protocol';
import { hostPaths, readOrCreateSecret, readSecret, type HostPaths } from './paths';

type Pending = { resolve(value: unknown): void; reject(error: Error): void };

/** Lanes' side of one connection to the pty host: calls with answers, and the host's events. */
export class HostClient {
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private readonly eventListeners = new Set<(name: string, payload: any) => void>();
  private readonly closeListeners = new Set<() => void>();
  private closed = false;

  private constructor(
    private readonly stream: Duplex,
    readonly hostPid: number,
  ) {
    stream.on('close', () => this.handleClose());
  }

  /** Opens a session over a stream: hello with the secret and version, then welcome or a refusal. */
  static handshake(stream: Duplex, secret: string, version = PROTOCOL_VERSION): Promise<HostClient> {
    return new Promise((resolve, reject) => {
      let client: HostClient | null = null;
      const reader = new FrameReader((raw) => {
        const message = raw as HostMessage;
        if (client) return client.receive(message);
        if (message.type === 'welcome') {
          client = new HostClient(stream, message.hostPid);
          resolve(client);
        } else if (message.type === 'refused') {
          const text = message.reason === 'version' ? versionMismatchMessage(message.version, message.hostPid, version) : message.reason === 'secret' ? 'The pty host refused this connection: wrong or missing secret.' : message.message;
          reject(new HostRefusedError(message.reason, message.version, message.hostPid, text));
          stream.destroy();
        }
      });
      stream.on('data', (chunk: Buffer) => {
        try {
          reader.push(chunk);
        } catch (error) {
          stream.destroy(error as Error);
        }
      });
      stream.once('error', (error) => {
        if (!client) reject(error);
      });
      stream.once('close', () => {
        if (!client) reject(Object.assign(new Error('The pty host closed the connection during the handshake.'), { code: 'ECONNRESET' }));
      });
      stream.write(encodeFrame({ type: 'hello', version, secret }));
    });
  }

  call<T = unknown>(method: string, args: unknown = {}): Promise<T> {
    if (this.closed) return Promise.reject(new LanesError('unavailable', 'Lanes lost its connection to the pty host. Restart Lanes to reconnect to your agents.'));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.stream.write(encodeFrame({ type: 'call', id, method, args }));
    });
  }

  onEvent(listener: (name: string, payload: any) => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  onClose(listener: () => void): void {
    this.closeListeners.add(listener);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      this.stream.once('close', () => resolve());
      this.stream.end();
      this.stream.destroy();
    });
  }

  private receive(message: HostMessage): void {
    if (message.type === 'event') {
      for (const listener of this.eventListeners) listener(message.name, message.payload);
    } else if (message.type === 'result') {
      const pending = this.pending.get(message.id);
      if (!pending) return;
      this.pending.delete(message.id);
      if (message.ok) pending.resolve(message.value);
      else pending.reject(new LanesError(message.code as never, message.message));
    }
  }

  private handleClose(): void {
    if (this.closed) return;
    this.closed = true;
    const lost = new LanesError('unavailable', 'Lanes lost its connection to the pty host. Restart Lanes to reconnect to your agents.');
    for (const pending of this.pending.values()) pending.reject(lost);
    this.pending.clear();
    for (const listener of this.closeListeners) listener();
  }
}

/** Connects to the host listening for this user-data folder, if one does. */
export async function connectToHost(paths: HostPaths): Promise<HostClient> {
  const secret = await readSecret(paths);
  const stream = net.connect(paths.socket);
  await new Promise<void>((resolve, reject) => {
    stream.once('connect', resolve);
    stream.once('error', reject);
  });
  return HostClient.handshake(stream, secret);
}

export interface HostLaunch {
  /** Seconds the host waits, with no agent and no client, before it exits. */
  readonly idleSeconds?: number;
  /** How to run it, when not as `hostCommand()` says (a benchmark from source runs the built host, as the product does). */
  readonly command?: HostCommand;
}

/**
 * The host for this user-data folder: the running one, or a new one started for it. A host that
 * speaks another protocol version is left running, and the error says what to do.
 */
export async function ensureHost(userDataDir: string, launch: HostLaunch = {}): Promise<HostClient> {
  const paths = hostPaths(userDataDir);
  await readOrCreateSecret(paths);
  try {
    return await connectToHost(paths);
  } catch (error) {
    if (error instanceof HostRefusedError) throw new LanesError('unavailable', error.message);
    if (!isNobodyListening(error)) throw error;
  }
  const started = startHost(paths, launch);
  let exited: string | null = null;
  started.once('exit', (code) => {
    exited = `exited with code ${code}`;
  });
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      return await connectToHost(paths);
    } catch (error) {
      if (error instanceof HostRefusedError) throw new LanesError('unavailable', error.message);
      if (!isNobodyListening(error)) throw error;
    }
    // A host that gave way to another one started at the same moment exits at once: connect to that one.
    if ((exited && !existsSync(paths.socket)) || Date.now() > deadline) {
      const log = await fs.readFile(paths.log, 'utf8').catch(() => '');
      throw new LanesError('unavailable', `Lanes could not start its pty host (${exited ?? 'it did not answer within 20 s'}). ${log.trim().split('\n').slice(-3).join(' ')} See ${paths.log}.`);
    }
    await new Promise((resolve) => setTimeout(resolve, 30));
  }
}

export function isNobodyListening(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ECONNREFUSED' || code === 'ECONNRESET';
}

/** How the host process is run: the program, its arguments and what it adds to the environment. */
export interface HostCommand {
  readonly file: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
}

/**
 * Node's flags for the host. It holds every agent's screen for hours, so its memory counts more
 * than its peak speed: `--optimize-for-size` (V8's small young generation, tighter heap growth)
 * took the host with 8 screens of 10,000 lines from 314 to 195 MB (PSS, bench/host-reattach),
 * for about 15% less throughput through it and a slower serialization on demand.
 */
export const HOST_NODE_FLAGS = ['--optimize-for-size'] as const;

/**
 * The command that runs the host under plain Node: the built entry next to the built code, or
 * the source through tsx when Lanes itself runs from source (tests, benchmarks). `form` picks one
 * (a benchmark from source measures the built host, as the product runs it).
 */
export function hostCommand(form: 'built' | 'source' = typeof __filename === 'string' && __filename.endsWith('.cjs') ? 'built' : 'source'): HostCommand {
  const root = appRoot();
  const entry =
    form === 'built'
      ? [path.join(root, 'dist', 'host', 'host.cjs')]
      : ['--import', path.join(root, 'node_modules', 'tsx', 'dist', 'loader.mjs'), path.join(root, 'main', 'instances', 'host', 'main.ts')];
  return { file: process.execPath, args: [...HOST_NODE_FLAGS, ...entry], env: process.versions.electron ? { ELECTRON_RUN_AS_NODE: '1' } : {} };
}

function startHost(paths: HostPaths, launch: HostLaunch) {
  const command = launch.command ?? hostCommand();
  const log = openSync(paths.log, 'a', 0o600);
  try {
    // Its own session and no tie to Lanes' terminal or pipes: it outlives Lanes.
    const child = spawn(command.file, [...command.args, '--user-data', path.dirname(paths.folder), ...(launch.idleSeconds === undefined ? [] : ['--idle-seconds', String(launch.idleSeconds)])], {
      detached: true,
      stdio: ['ignore', log, log],
      env: { ...process.env, ...command.env },
      windowsHide: true,
    });
    child.unref();
    return child;
  } finally {
    closeSync(log);
  }
}
