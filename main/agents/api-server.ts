import fs from 'node:fs/promises';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import net from 'node:net';
import path from 'node:path';
import type { Envelope, WireError } from '../contract/define';
import { errnoCode, isLanesError, LanesError } from '../shared/errors';
import type { AgentRun, RunSecrets } from './run-secrets';

const MAX_BODY = 1024 * 1024;
/** Linux and macOS refuse longer Unix socket paths (sun_path holds 108 and 104 bytes). */
const MAX_SOCKET_PATH = 103;

/** Runs one operation for the run its secret proved; throws a LanesError the agent reads. */
export type OperationRunner = (run: AgentRun, operation: string, args: unknown) => Promise<unknown>;

/**
 * The agents' API: HTTP on a Unix domain socket at a fixed path in a 0700 folder, so only this
 * user reaches it, nothing off the machine can, and an agent that outlived a Lanes restart finds
 * the new Lanes at the same address. Each request proves its run with the secret given to that
 * run alone; the run decides which instance it acts for.
 */
export class AgentApiServer {
  private server: http.Server | null = null;
  private starting: Promise<void> | null = null;

  constructor(
    readonly socketPath: string,
    private readonly secrets: RunSecrets,
    private readonly runOperation: OperationRunner,
  ) {}

  /** Listens once; later calls wait for the same start. */
  start(): Promise<void> {
    this.starting ??= this.listen().catch((error: unknown) => {
      this.starting = null;
      throw error;
    });
    return this.starting;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = null;
    this.starting = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async listen(): Promise<void> {
    if (Buffer.byteLength(this.socketPath) > MAX_SOCKET_PATH) {
      throw new LanesError(
        'unavailable',
        `Lanes cannot open the agents' API at \`${this.socketPath}\`: the path is too long for a Unix socket. Start Lanes with a shorter LANES_USER_DATA folder.`,
      );
    }
    const folder = path.dirname(this.socketPath);
    await fs.mkdir(folder, { recursive: true, mode: 0o700 });
    await fs.chmod(folder, 0o700);
    await this.removeStaleSocket();
    const server = http.createServer((request, response) => void this.handle(request, response));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.socketPath, () => resolve());
    });
    await fs.chmod(this.socketPath, 0o600);
    this.server = server;
  }

  /** A socket file left by a Lanes that ended without closing it; one that answers belongs to a running Lanes. */
  private async removeStaleSocket(): Promise<void> {
    try {
      await fs.lstat(this.socketPath);
    } catch (error) {
      if (errnoCode(error) === 'ENOENT') return;
      throw error;
    }
    const answers = await new Promise<boolean>((resolve) => {
      const probe = net.connect(this.socketPath);
      probe.once('connect', () => {
        probe.destroy();
        resolve(true);
      });
      probe.once('error', () => resolve(false));
    });
    if (answers) {
      throw new LanesError(
        'unavailable',
        `Another Lanes using the same settings folder already serves the agents' API at \`${this.socketPath}\`. Quit it, or give this one its own LANES_USER_DATA folder.`,
      );
    }
    await fs.unlink(this.socketPath);
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const reply = (status: number, envelope: Envelope<unknown>) => {
      response.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' });
      response.end(JSON.stringify(envelope));
    };
    const fail = (status: number, error: WireError) => reply(status, { ok: false, error });
    const operation = /^\/v1\/([a-z]+\.[a-zA-Z]+)$/.exec(request.url ?? '')?.[1];
    if (request.method !== 'POST' || !operation) return fail(404, { code: 'not-found', message: `The agents' API has no ${request.method} ${request.url}.` });
    let body: string;
    try {
      body = await readBody(request);
    } catch (error) {
      return fail(413, { code: 'too-large', message: error instanceof Error ? error.message : String(error) });
    }
    const secret = /^Bearer (\S+)$/.exec(request.headers.authorization ?? '')?.[1];
    const run = secret ? await this.secrets.find(secret) : null;
    if (!run) {
      return fail(401, {
        code: 'unauthorized',
        message: "Lanes does not know this agent's secret: it was not started by this Lanes, or its run ended. Restart the instance from Lanes.",
      });
    }
    const claimed = request.headers['x-lanes-instance'];
    if (typeof claimed === 'string' && claimed !== '' && claimed !== run.instance) {
      return fail(403, {
        code: 'invalid-argument',
        message: `This secret is ${run.instance}'s, not ${claimed}'s: an agent acts and reads only as the instance Lanes started it for.`,
      });
    }
    let args: unknown;
    try {
      args = body.trim() === '' ? {} : JSON.parse(body);
    } catch {
      return fail(400, { code: 'invalid-argument', message: 'The request body is not valid JSON.' });
    }
    try {
      reply(200, { ok: true, value: await this.runOperation(run, operation, args) });
    } catch (error) {
      if (isLanesError(error)) return fail(400, { code: error.code, message: error.message });
      console.error(`The agents' API failed on ${operation} for ${run.instance}:`, error);
      fail(500, { code: 'internal', message: `Lanes failed on ${operation}: ${error instanceof Error ? error.message : String(error)}` });
    }
  }
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new Error(`The request is larger than ${MAX_BODY / 1024} KB.`));
        request.destroy();
      } else chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}
