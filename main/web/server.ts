import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { LanesCore } from '../core/core';
import { STREAM_PATH, encodeBulkEvent, streamFrameLength, type SocketNotice } from '../contract/wire';
import { appFileOfUrlPath } from '../shared/app-path';
import { CONTENT_SECURITY_POLICY } from '../shared/csp';
import { EchoFirstQueue } from '../shared/echo-first-queue';
import { LanesError, errnoCode, isLanesError } from '../shared/errors';
import { resolveInside } from '../shared/path-guard';
import { MIN_TOKEN_LENGTH, allowedHosts, checkRequest, generateToken, isLoopback, redact, type AccessPolicy } from './security';

export interface WebServerOptions {
  readonly core: LanesCore;
  /** The built renderer (dist/renderer). */
  readonly staticDir: string;
  readonly host?: string;
  readonly port?: number;
  /** A fixed token (at least 128 bits); a fresh random one is made when omitted. */
  readonly token?: string;
  readonly log?: (line: string) => void;
  /**
   * A page this far behind on reading (bytes queued for it in Lanes) is disconnected rather than
   * buffered without end; it reconnects and redraws from the replay. Flow control paces the
   * agents to the page that draws the terminal, not to every open tab.
   */
  readonly maxBacklogBytes?: number;
}

export interface RunningWebServer {
  readonly host: string;
  readonly port: number;
  /** The address to open, token included. Show it to the user; never log it. */
  readonly url: string;
  readonly origin: string;
  readonly token: string;
  close(): Promise<void>;
}

export const DEFAULT_HOST = '127.0.0.1';
const MAX_MESSAGE_BYTES = 8 * 1024 * 1024;
const MAX_BACKLOG_BYTES = 64 * 1024 * 1024;


const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.map': 'application/json',
};

/**
 * Serves the renderer and the contract over HTTP + WebSocket. It exposes terminals, so it is
 * locked like SSH: loopback unless asked, a token on every request and socket, Host and Origin
 * checked against an allowlist.
 */
export async function startWebServer(options: WebServerOptions): Promise<RunningWebServer> {
  const host = options.host ?? DEFAULT_HOST;
  const token = options.token ?? generateToken();
  const log = options.log ?? ((line: string) => console.log(line));
  const maxBacklog = options.maxBacklogBytes ?? MAX_BACKLOG_BYTES;
  if (token.length < MIN_TOKEN_LENGTH) {
    throw new LanesError(
      'invalid-argument',
      isLoopback(host)
        ? `The web mode needs a token of at least ${MIN_TOKEN_LENGTH} characters (128 bits); leave it out to get a random one.`
        : `Refusing to listen on ${host} without a token of at least ${MIN_TOKEN_LENGTH} characters: anyone on the network could open terminals.`,
    );
  }

  const server = http.createServer();
  const sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const policy: AccessPolicy = { token, hosts: allowedHosts(host, port), cookieName: `lanes_token_${port}` };
  const displayHost = isLoopback(host) || host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  const origin = `http://${displayHost.includes(':') ? `[${displayHost}]` : displayHost}:${port}`;

  // Each socket's terminal output moves to its own streamed response once the page asks for it
  // (main/contract/wire.ts says why and how).
  const clients = new Map<string, Client>();
  const openStream = (id: string | null, response: ServerResponse): void => {
    const client = clients.get(id ?? '');
    if (!client) return send(response, 404, 'text/plain; charset=utf-8', 'No open connection has this stream id.');
    if (client.stream) return send(response, 409, 'text/plain; charset=utf-8', 'This connection already has its output stream.');
    response.writeHead(200, {
      'Content-Type': 'application/octet-stream',
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
      'X-Accel-Buffering': 'no', // a reverse proxy must pass it on as it comes
    });
    response.flushHeaders();
    client.stream = response;
    notify(client.ws, { t: 'stream-on' });
    response.on('drain', () => {
      if (client.stream === response) client.waiting.handOver(response);
    });
    response.once('close', () => {
      if (client.stream !== response) return;
      client.stream = null;
      client.waiting.clear();
      // Output already moved to the stream: the page starts over (it replays its terminals).
      if (client.ws.readyState === client.ws.OPEN) client.ws.close(1011, 'The output stream closed');
    });
  };

  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    handleHttp(request, response, policy, options.staticDir, openStream).catch((error: unknown) => {
      log(`lanes web: ${redact(String(error instanceof Error ? error.message : error), token)}`);
      if (!response.headersSent) send(response, 500, 'text/plain; charset=utf-8', 'Lanes could not answer this request.');
      else response.destroy();
    });
  });

  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const refusal = url.pathname === '/api' ? checkRequest(request, policy, url) : { status: 404, reason: 'not found' };
    if (refusal) {
      socket.end(`HTTP/1.1 ${refusal.status} ${http.STATUS_CODES[refusal.status]}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    sockets.handleUpgrade(request, socket, head, (ws) => {
      const id = randomBytes(18).toString('base64url');
      const client: Client = { ws, stream: null, waiting: new EchoFirstQueue() };
      clients.set(id, client);
      ws.once('close', () => {
        clients.delete(id);
        client.stream?.end();
      });
      notify(ws, { t: 'hello', stream: id });
      serveSocket(ws, options.core, log, token);
    });
  });

  const events = options.core.onEvent((name, payload) => {
    if (clients.size === 0) return;
    const frame = encodeBulkEvent(name, payload);
    const message = frame ?? JSON.stringify({ t: 'event', name, payload });
    const lane = frame && name === 'instances.output' ? { agent: (payload as { instance: string }).instance, echo: (payload as { echo?: boolean }).echo === true } : undefined;
    for (const { ws, stream, waiting } of clients.values()) {
      if (ws.readyState !== ws.OPEN) continue;
      const behind = ws.bufferedAmount + waiting.bytes + (stream?.writableLength ?? 0);
      if (behind > maxBacklog) {
        log(`lanes web: a page fell ${Math.round(behind / 1_048_576)} MB behind; it was disconnected and will redraw on reconnecting.`);
        ws.close(1013, 'Too far behind: reconnect and redraw');
        continue;
      }
      if (frame && stream) {
        // Queued here, not in the stream's buffer, while the page is behind: the echo of a
        // keystroke can still go ahead of other terminals' output (EchoFirstQueue).
        waiting.push([streamFrameLength(frame), frame], lane);
        if (waiting.length === 1) waiting.handOver(stream);
      } else ws.send(message);
    }
  });

  if (!isLoopback(host)) {
    log(`lanes web: listening on ${host}, reachable from other machines. The traffic is not encrypted; prefer an SSH tunnel to 127.0.0.1.`);
  }

  return {
    host,
    port,
    origin,
    token,
    url: `${origin}/?token=${token}`,
    async close() {
      events.dispose();
      for (const client of sockets.clients) client.close(1001, 'Lanes is shutting down');
      await new Promise<void>((resolve) => sockets.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A page: its socket, its output stream once it asked for it, and the frames waiting for that stream. */
type Client = { ws: WebSocket; stream: ServerResponse | null; waiting: EchoFirstQueue };

function notify(ws: WebSocket, notice: SocketNotice): void {
  ws.send(JSON.stringify(notice));
}

async function handleHttp(
  request: IncomingMessage,
  response: ServerResponse,
  policy: AccessPolicy,
  staticDir: string,
  openStream: (id: string | null, response: ServerResponse) => void,
): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://localhost');
  const refusal = checkRequest(request, policy, url);
  if (refusal) {
    if (refusal.status === 401 && request.method === 'GET' && url.pathname === '/') {
      send(response, 401, 'text/html; charset=utf-8', UNAUTHORIZED_PAGE);
    } else {
      send(response, refusal.status, 'text/plain; charset=utf-8', `Refused: ${refusal.reason}.`);
    }
    return;
  }
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    send(response, 405, 'text/plain; charset=utf-8', 'Only GET is served here.');
    return;
  }
  if (url.searchParams.has('token')) {
    // Trade the token in the address for a cookie, and drop it from the address bar and history.
    url.searchParams.delete('token');
    response.writeHead(303, {
      Location: `${url.pathname}${url.search}`,
      'Set-Cookie': `${policy.cookieName}=${policy.token}; HttpOnly; SameSite=Strict; Path=/`,
      'Cache-Control': 'no-store',
      'Referrer-Policy': 'no-referrer',
    });
    response.end();
    return;
  }
  if (url.pathname === STREAM_PATH) {
    if (request.method !== 'GET') return send(response, 405, 'text/plain; charset=utf-8', 'Only GET is served here.');
    return openStream(url.searchParams.get('id'), response);
  }

  const relative = appFileOfUrlPath(url.pathname);
  if (relative === null) return send(response, 400, 'text/plain; charset=utf-8', 'This address is not valid: its percent-encoding is malformed.');
  let filePath: string;
  try {
    filePath = resolveInside(staticDir, relative, { rootLabel: 'the app' });
  } catch (error) {
    if (isLanesError(error)) return send(response, 404, 'text/plain; charset=utf-8', 'Not found.');
    throw error;
  }
  let body: Buffer;
  try {
    body = await fs.readFile(filePath);
  } catch (error) {
    if (['ENOENT', 'EISDIR'].includes(errnoCode(error) ?? '')) return send(response, 404, 'text/plain; charset=utf-8', 'Not found.');
    throw error;
  }
  send(response, 200, CONTENT_TYPES[path.extname(filePath)] ?? 'application/octet-stream', body, request.method === 'HEAD');
}

function send(response: ServerResponse, status: number, type: string, body: string | Buffer, headOnly = false): void {
  response.writeHead(status, {
    'Content-Type': type,
    'Content-Length': Buffer.byteLength(body),
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cache-Control': 'no-store',
  });
  response.end(headOnly ? undefined : body);
}

function serveSocket(ws: WebSocket, core: LanesCore, log: (line: string) => void, token: string): void {
  ws.on('message', (data, isBinary) => {
    if (isBinary) return ws.close(1003, 'Lanes speaks JSON text frames');
    let message: unknown;
    try {
      message = JSON.parse(data.toString());
    } catch {
      return ws.close(1007, 'Malformed JSON');
    }
    if (!isCallMessage(message)) return ws.close(1008, 'Expected { t: "call", id, name, args }');
    void core.call(message.name, message.args).then((envelope) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ t: 'result', id: message.id, envelope }));
    });
  });
  ws.on('error', (error) => log(`lanes web: socket error: ${redact(error.message, token)}`));
}

function isCallMessage(value: unknown): value is { t: 'call'; id: number; name: string; args: unknown } {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Record<string, unknown>;
  return candidate.t === 'call' && Number.isSafeInteger(candidate.id) && typeof candidate.name === 'string';
}

const UNAUTHORIZED_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Lanes — access token needed</title>
<meta name="color-scheme" content="light dark">
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:560px;margin:15vh auto;padding:0 24px}code{font-size:13px}</style>
</head><body><h1>Access token needed</h1>
<p>This Lanes server gives access to terminals, so it only answers to the address it printed when it started,
which carries a secret token: <code>http://127.0.0.1:PORT/?token=…</code>.</p>
<p>Open that address, or restart with <code>npm run serve</code> to get a new one.</p></body></html>`;
