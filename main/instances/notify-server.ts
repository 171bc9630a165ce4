import { randomBytes, timingSafeEqual } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HookReport {
  readonly instance: string;
  readonly event: string;
  readonly message: string | null;
}

const MAX_BODY = 64 * 1024;

/**
 * The local channel `lanes notify` reports Claude Code hook events on: loopback HTTP, one
 * secret per instance run (given only to that instance's environment), so one agent cannot
 * speak for another and nothing off the machine can speak at all.
 */
export class NotifyServer {
  private server: http.Server | null = null;
  private port = 0;
  private readonly tokens = new Map<string, Buffer>();

  constructor(private readonly onReport: (report: HookReport) => void) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}/notify`;
  }

  async start(): Promise<void> {
    if (this.server) return;
    const server = http.createServer((request, response) => this.handle(request, response));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
  }

  /** A fresh secret for one run of an instance; the previous run's stops working. */
  issueToken(instance: string): string {
    const token = randomBytes(32).toString('base64url');
    this.tokens.set(instance, Buffer.from(token));
    return token;
  }

  revokeToken(instance: string): void {
    this.tokens.delete(instance);
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = null;
    this.tokens.clear();
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    const reply = (status: number, text: string) => {
      response.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
      response.end(text);
    };
    if (request.method !== 'POST' || request.url !== '/notify') return reply(404, 'not found');
    if (request.headers.host !== `127.0.0.1:${this.port}`) return reply(403, 'wrong host');
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reply(413, 'too large');
        request.destroy();
      } else chunks.push(chunk);
    });
    request.on('end', () => {
      if (size > MAX_BODY) return;
      let body: { instance?: unknown; event?: unknown; message?: unknown };
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as typeof body;
      } catch {
        return reply(400, 'malformed JSON');
      }
      if (typeof body.instance !== 'string' || typeof body.event !== 'string') return reply(400, 'expected { instance, event }');
      const expected = this.tokens.get(body.instance);
      const given = Buffer.from(/^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1] ?? '');
      if (!expected || expected.length !== given.length || !timingSafeEqual(expected, given)) return reply(401, 'unknown instance or token');
      reply(204, '');
      this.onReport({ instance: body.instance, event: body.event, message: typeof body.message === 'string' ? body.message.slice(0, 500) : null });
    });
  }
}
