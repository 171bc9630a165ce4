import { randomBytes, timingSafeEqual } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HookReport {
  /** The agent whose run's secret came with the report. */
  readonly agent: string;
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
  /** Each agent's current secret, and the instance name its reports must carry. */
  private readonly tokens = new Map<string, { token: Buffer; instance: string }>();

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

  /** A fresh secret for one run of an agent (reporting as `instance`); its previous run's stops working. */
  issueToken(agent: string, instance: string): string {
    const token = randomBytes(32).toString('base64url');
    this.tokens.set(agent, { token: Buffer.from(token), instance });
    return token;
  }

  revokeToken(agent: string): void {
    this.tokens.delete(agent);
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
      const given = Buffer.from(/^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1] ?? '');
      const agent = this.agentWith(body.instance, given);
      if (agent === null) return reply(401, 'unknown instance or token');
      reply(204, '');
      this.onReport({ agent, event: body.event, message: typeof body.message === 'string' ? body.message.slice(0, 500) : null });
    });
  }

  /** The agent this secret belongs to, if it reports as `instance`. */
  private agentWith(instance: string, given: Buffer): string | null {
    for (const [agent, expected] of this.tokens) {
      if (expected.instance === instance && expected.token.length === given.length && timingSafeEqual(expected.token, given)) return agent;
    }
    return null;
  }
}
