import http from 'node:http';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { makeGitRepo, makeTempDir, writeFiles } from '../../test/support/repo';
import { StreamFrameReader, decodeBulkEvent } from '../contract/wire';
import { Lanes } from '../app/lanes';
import { redact } from './security';
import { startWebServer, type RunningWebServer } from './server';

const running: { server: RunningWebServer; core: Lanes }[] = [];

afterEach(async () => {
  for (const { server, core } of running.splice(0)) {
    await server.close();
    await core.dispose();
  }
});

async function start(options: { host?: string; token?: string; maxBacklogBytes?: number } = {}) {
  const staticDir = makeTempDir();
  writeFiles(staticDir, { 'index.html': '<!doctype html><title>Lanes</title>', 'assets/app.js': 'console.log(1)' });
  writeFiles(path.dirname(staticDir), { 'secret.txt': 'outside' });
  const core = new Lanes({ userDataDir: makeTempDir(), platform: { mode: 'web' }, version: 'test' });
  const logs: string[] = [];
  const server = await startWebServer({ core, staticDir, port: 0, log: (line) => logs.push(line), ...options });
  running.push({ server, core });
  return { server, core, logs };
}

function get(server: RunningWebServer, pathAndQuery: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>((resolve, reject) => {
    const request = http.request({ host: '127.0.0.1', port: server.port, path: pathAndQuery, headers }, (response) => {
      let body = '';
      response.on('data', (chunk) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }));
    });
    request.on('error', reject);
    request.end();
  });
}

const hellos = new WeakMap<WebSocket, Promise<Record<string, unknown>>>();

function connect(server: RunningWebServer, headers: Record<string, string> = {}, token: string | null = server.token): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api${token ? `?token=${token}` : ''}`, { headers });
    // The server says hello as the socket opens, possibly in the same read as the upgrade.
    hellos.set(ws, nextMessage(ws, (message) => message.t === 'hello'));
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_request, response) => reject(new Error(`HTTP ${response.statusCode}`)));
    ws.once('error', reject);
  });
}

function nextMessage(ws: WebSocket, predicate: (message: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    const onMessage = (data: WebSocket.RawData, isBinary: boolean) => {
      const message = (isBinary ? decodeBulkEvent(data as Buffer) : JSON.parse(data.toString())) as Record<string, unknown>;
      if (predicate(message)) {
        ws.off('message', onMessage);
        resolve(message);
      }
    };
    ws.on('message', onMessage);
  });
}

const cookie = (server: RunningWebServer) => `lanes_token_${server.port}=${server.token}`;

/** Opens a socket's output stream the way the page does, and reads its frames as they come. */
function openStream(server: RunningWebServer, id: string) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; events: Array<{ payload: unknown }>; ended: Promise<void>; destroy(): void; pause(): void; resume(): void }>((resolve, reject) => {
    const request = http.request({ host: '127.0.0.1', port: server.port, path: `/api/stream?id=${id}`, headers: { Cookie: cookie(server) } }, (response) => {
      const reader = new StreamFrameReader();
      const events: Array<{ payload: unknown }> = [];
      response.on('data', (chunk: Buffer) => events.push(...reader.push(chunk).map((frame) => decodeBulkEvent(frame))));
      const ended = new Promise<void>((done) => response.once('end', done));
      resolve({ status: response.statusCode ?? 0, headers: response.headers, events, ended, destroy: () => request.destroy(), pause: () => response.pause(), resume: () => response.resume() });
    });
    request.on('error', (error) => (String(error).includes('socket hang up') ? undefined : reject(error)));
    request.end();
  });
}

describe('startWebServer', () => {
  it('binds to loopback with a fresh token of at least 128 bits', async () => {
    const { server } = await start();
    const other = await start();
    expect(server.host).toBe('127.0.0.1');
    expect(server.token).toMatch(/^[\w-]{43}$/);
    expect(server.token).not.toBe(other.server.token);
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=${server.token}`);
  });

  it('refuses to listen without a real token, and on the network without one', async () => {
    await expect(start({ token: 'short' })).rejects.toThrow('at least 22 characters');
    await expect(start({ host: '0.0.0.0', token: '' })).rejects.toThrow('Refusing to listen on 0.0.0.0 without a token');
  });

  it('serves the app only with the token, by address once and then by cookie', async () => {
    const { server } = await start();
    expect((await get(server, '/')).status).toBe(401);
    expect((await get(server, '/assets/app.js')).status).toBe(401);
    const exchange = await get(server, `/?token=${server.token}`);
    expect(exchange.status).toBe(303);
    const cookie = exchange.headers['set-cookie']![0]!.split(';')[0]!;
    const page = await get(server, '/', { Cookie: cookie });
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>Lanes</title>');
    expect((await get(server, '/assets/app.js', { Authorization: `Bearer ${server.token}` })).headers['content-type']).toContain('text/javascript');
    expect((await get(server, '/', { Cookie: `${cookie}x` })).status).toBe(401);
  });

  it('never serves files outside the app folder', async () => {
    const { server } = await start();
    const auth = { Authorization: `Bearer ${server.token}` };
    for (const attempt of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt', '/%00']) {
      const response = await get(server, attempt, auth);
      expect(response.status, attempt).toBe(404);
      expect(response.body).not.toContain('outside');
    }
  });

  it('answers a path with bad percent-encoding with 400, not a server error', async () => {
    const { server, logs } = await start();
    const auth = { Authorization: `Bearer ${server.token}` };
    for (const attempt of ['/%u002e%u002e/secret.txt', '/..%c0%af..%c0%afsecret.txt', '/%', '/assets/%E0%A4%A']) {
      const response = await get(server, attempt, auth);
      expect(response.status, attempt).toBe(400);
      expect(response.body, attempt).toBe('This address is not valid: its percent-encoding is malformed.');
    }
    expect(logs).toEqual([]);
    expect((await get(server, '/assets/app.js', auth)).status).toBe(200);
  });

  it('checks Host and Origin before the token', async () => {
    const { server } = await start();
    const auth = { Authorization: `Bearer ${server.token}` };
    expect((await get(server, '/', { ...auth, Host: `evil.example:${server.port}` })).status).toBe(403);
    expect((await get(server, '/', { ...auth, Origin: 'http://evil.example' })).status).toBe(403);
    expect((await get(server, '/', { ...auth, Origin: `http://localhost:${server.port}` })).status).toBe(200);
    await expect(connect(server, { Origin: 'http://evil.example' })).rejects.toThrow('HTTP 403');
    await expect(connect(server, { Host: `attacker.test:${server.port}` })).rejects.toThrow('HTTP 403');
    await expect(connect(server, {}, null)).rejects.toThrow('HTTP 401');
    await expect(connect(server, {}, 'A'.repeat(43))).rejects.toThrow('HTTP 401');
  });

  it('runs contract calls over the socket and pushes events to every client', async () => {
    const { server } = await start();
    const repo = makeGitRepo();
    const caller = await connect(server);
    const watcher = await connect(server, { Cookie: `lanes_token_${server.port}=${server.token}` });
    const event = nextMessage(watcher, (message) => message.t === 'event' && message.name === 'workspace.changed');
    const result = nextMessage(caller, (message) => message.t === 'result' && message.id === 7);
    caller.send(JSON.stringify({ t: 'call', id: 7, name: 'workspace.open', args: { path: repo } }));
    expect(await result).toMatchObject({ envelope: { ok: true, value: { root: repo } } });
    expect(await event).toMatchObject({ payload: { root: repo } });

    const refused = nextMessage(caller, (message) => message.id === 8);
    caller.send(JSON.stringify({ t: 'call', id: 8, name: 'workspace.open', args: { path: 42 } }));
    expect(await refused).toMatchObject({ envelope: { ok: false, error: { code: 'invalid-argument' } } });
    caller.close();
    watcher.close();
  });

  it('sends terminal output as binary frames that decode to the exact text, other events as JSON text', async () => {
    const { core, server } = await start();
    const ws = await connect(server);
    const frames: Array<{ isBinary: boolean; data: Buffer }> = [];
    ws.on('message', (data, isBinary) => {
      if (isBinary || !String(data).startsWith('{"t":"hello"')) frames.push({ isBinary, data: data as Buffer });
    });
    const text = 'héllo \u{1F30D} \x1b[31mred\x1b[0m\r\n'.repeat(1_000);
    core.emit('instances.output', { instance: 'ünïcode', data: text, seq: 42 });
    core.emit('instances.output', { instance: 'a', data: '', seq: 43 });
    core.emit('instances.notification', { instance: 'a', kind: 'exited', title: 'a exited', body: 'code 0' } as never);
    await expect.poll(() => frames.length).toBe(3);
    expect(frames.map((frame) => frame.isBinary)).toEqual([true, true, false]);
    expect(decodeBulkEvent(frames[0]!.data)).toEqual({ t: 'event', name: 'instances.output', payload: { instance: 'ünïcode', data: text, seq: 42 } });
    expect(decodeBulkEvent(frames[1]!.data)).toMatchObject({ payload: { instance: 'a', data: '', seq: 43 } });
    expect(JSON.parse(frames[2]!.data.toString())).toMatchObject({ t: 'event', name: 'instances.notification' });
    ws.close();
  });

  it('moves terminal output to the streamed response when the page opens it, in order, and says so on the socket first', async () => {
    const { core, server } = await start();
    const ws = await connect(server);
    const socketFrames: Array<{ isBinary: boolean; data: Buffer }> = [];
    ws.on('message', (data, isBinary) => socketFrames.push({ isBinary, data: data as Buffer }));
    const hello = (await hellos.get(ws))!;
    expect(hello.stream).toMatch(/^[\w-]{24}$/);

    core.emit('instances.output', { instance: 'a', data: 'before the stream', seq: 1 });
    const stream = await openStream(server, String(hello.stream));
    expect(stream.status).toBe(200);
    expect(stream.headers['content-type']).toBe('application/octet-stream');
    await expect.poll(() => socketFrames.some((frame) => !frame.isBinary && JSON.parse(frame.data.toString()).t === 'stream-on')).toBe(true);
    const text = 'é\u{1F680}\r\n'.repeat(40_000);
    core.emit('instances.output', { instance: 'a', data: text, seq: 2 });
    core.emit('instances.changed', { instances: [] } as never);
    core.emit('instances.output', { instance: 'a', data: 'third', seq: 3 });
    await expect.poll(() => stream.events.length).toBe(2);
    expect(stream.events.map((event) => event.payload)).toEqual([
      { instance: 'a', data: text, seq: 2 },
      { instance: 'a', data: 'third', seq: 3 },
    ]);
    await expect.poll(() => socketFrames.some((frame) => !frame.isBinary && JSON.parse(frame.data.toString()).name === 'instances.changed')).toBe(true);
    // The socket carried output up to the switch and none after it.
    const kinds = socketFrames.map((frame) => (frame.isBinary ? `output ${(decodeBulkEvent(frame.data).payload as { seq: number }).seq}` : String(JSON.parse(frame.data.toString()).t)));
    expect(kinds.filter((kind) => kind !== 'event' && kind !== 'hello')).toEqual(['output 1', 'stream-on']);

    // Closing the socket ends its stream.
    ws.close();
    await stream.ended;
  });

  it('refuses a stream without the token, for an unknown id, or a second time; a stream that breaks closes its socket', async () => {
    const { server } = await start();
    const ws = await connect(server);
    const hello = (await hellos.get(ws))!;
    const id = String(hello.stream);
    expect((await get(server, `/api/stream?id=${id}`)).status).toBe(401);
    expect((await get(server, `/api/stream?id=${id}`, { Cookie: cookie(server), Origin: 'http://evil.example' })).status).toBe(403);
    expect((await get(server, '/api/stream?id=nobody', { Cookie: cookie(server) })).status).toBe(404);
    const stream = await openStream(server, id);
    expect(stream.status).toBe(200);
    const second = await get(server, `/api/stream?id=${id}`, { Cookie: cookie(server) });
    expect(second.status).toBe(409);

    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    stream.destroy();
    expect(await closed).toBe(1011);
  });

  it('sends the echo of a keystroke ahead of other terminals\' output waiting for a page that is behind, after its own terminal\'s earlier output', async () => {
    const { core, server } = await start({ maxBacklogBytes: 256 * 1024 * 1024 });
    const ws = await connect(server);
    const stream = await openStream(server, String((await hellos.get(ws))!.stream));
    stream.pause();
    core.emit('instances.output', { instance: 'target', data: 'typed: ', seq: 1 });
    // Eight agents flood 32 MB in 200 KB batches, far more than the operating system buffers for a page not reading.
    const batch = 'x'.repeat(200_000);
    for (let seq = 1; seq <= 20; seq += 1) for (let agent = 1; agent <= 8; agent += 1) core.emit('instances.output', { instance: `f${agent}`, data: batch, seq });
    core.emit('instances.output', { instance: 'target', data: 'k', seq: 2, echo: true });
    core.emit('instances.output', { instance: 'f1', data: 'after the echo', seq: 21 });
    stream.resume();
    await expect.poll(() => stream.events.length, { timeout: 20_000 }).toBe(163);
    const order = stream.events.map((event) => event.payload as { instance: string; seq: number });
    const at = (instance: string, seq: number) => order.findIndex((payload) => payload.instance === instance && payload.seq === seq);
    // Before: the echo came 162nd, behind all 32 MB. Now it comes after what was already handed to
    // the stream (what the operating system took), ahead of the rest.
    expect(at('target', 2)).toBeLessThan(60);
    expect(at('target', 1)).toBeLessThan(at('target', 2));
    for (let agent = 1; agent <= 8; agent += 1) {
      const seqs = order.filter((payload) => payload.instance === `f${agent}`).map((payload) => payload.seq);
      expect(seqs).toEqual(Array.from({ length: agent === 1 ? 21 : 20 }, (_, index) => index + 1));
    }
    expect(order.at(-1)).toMatchObject({ instance: 'f1', seq: 21 });
  });

  it('disconnects a page that stops reading instead of queueing its output without end', async () => {
    const { core, server, logs } = await start({ maxBacklogBytes: 4 * 1024 * 1024 });
    const ws = await connect(server);
    const stream = await openStream(server, String((await hellos.get(ws))!.stream));
    stream.pause();
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    const chunk = 'x'.repeat(1_000_000);
    for (let seq = 1; seq <= 200 && ws.readyState === ws.OPEN; seq += 1) {
      core.emit('instances.output', { instance: 'a', data: chunk, seq });
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(await closed).toBe(1013);
    expect(logs.join('\n')).toContain('behind; it was disconnected');
  });

  it('closes a socket that sends something other than a call', async () => {
    const { server } = await start();
    const ws = await connect(server);
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    ws.send('not json');
    expect(await closed).toBe(1007);
  });

  it('warns when it listens beyond loopback, and keeps the token out of its log', async () => {
    const { server, logs } = await start({ host: '0.0.0.0', token: 'a-token-of-enough-length-for-this-test' });
    await get(server, `/?token=${server.token}`, { Host: 'evil.example' });
    await get(server, `/?token=${server.token}`);
    expect(logs.join('\n')).toContain('reachable from other machines');
    expect(logs.join('\n')).not.toContain(server.token);
    expect(redact(`GET /?token=${server.token}&x=1`, server.token)).toBe('GET /?token=[token]&x=1');
  });
});
