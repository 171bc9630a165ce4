import { spawn } from 'node:child_process';
import { chmodSync, existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import net from 'node:net';
import { Duplex } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../../test/support/repo';
import { isRunningPid, waitFor } from '../test-support';
import type { AgentSnapshot } from './agents';
import { connectToHost, ensureHost, HOST_NODE_FLAGS, hostCommand, HostClient } from './client';
import type { HostStatus } from './main';
import { describeHost, stopHost } from './manage';
import { hostPaths, readOrCreateSecret, readSecret } from './paths';
import { encodeFrame, FrameReader, HostRefusedError, PROTOCOL_VERSION } from './protocol';
import { autogroupOf } from './priority';
import { SCREEN_THREAD_NICENESS } from './screen-thread';
import { HostServer } from './server';

const hosts: Array<{ client: HostClient; pid: number }> = [];
async function startHost(userDataDir: string, idleSeconds = 30) {
  const client = await ensureHost(userDataDir, { idleSeconds });
  const status = await client.call<HostStatus>('host.status');
  hosts.push({ client, pid: status.pid });
  return { client, status };
}
afterEach(async () => {
  for (const { client, pid } of hosts.splice(0)) {
    if (!client.isClosed) await client.call('host.stop').catch(() => undefined);
    await waitFor(() => !isRunningPid(pid), `host ${pid} to exit`);
  }
});

function rawConnect(socket: string): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const stream = net.connect(socket);
    stream.once('connect', () => resolve(stream));
    stream.once('error', reject);
  });
}

const sleeper = (workspace: string, name: string) => ({
  workspace,
  name,
  spec: { file: '/bin/sleep', args: ['60'], cwd: '/', env: { PATH: process.env.PATH ?? '' }, hooks: false },
});

describe('pty host protocol', () => {
  it('cuts frames out of a stream that splits them anywhere', () => {
    const messages: unknown[] = [];
    const reader = new FrameReader((message) => messages.push(message));
    const bytes = Buffer.concat([encodeFrame({ type: 'event', name: 'a', payload: 'é'.repeat(3) }), encodeFrame({ type: 'event', name: 'b', payload: null })]);
    for (const byte of bytes) reader.push(Buffer.from([byte]));
    expect(messages).toEqual([
      { type: 'event', name: 'a', payload: 'ééé' },
      { type: 'event', name: 'b', payload: null },
    ]);
    expect(() => new FrameReader(() => undefined).push(Buffer.from([0xff, 0xff, 0xff, 0xff]))).toThrow(/over the .* limit/);
  });

  it('carries output as a bulk body, not as JSON, and reads it back whole', () => {
    // Escapes, quotes, multi-byte characters and a pair of surrogates: what JSON would escape.
    const data = 'line 1 "quoted" \\ back\r\n\u001b[31mred\u001b[0m é 漢 😀\r\n';
    const output = { type: 'event', name: 'output', payload: { workspace: '/w', name: 'a', data, seq: 7 } } as const;
    const frame = encodeFrame(output);
    expect(frame[4]).toBe(0x00);
    // The text is there as UTF-8, byte for byte, not JSON-escaped.
    expect(frame.subarray(frame.length - Buffer.byteLength(data)).toString('utf8')).toBe(data);
    const messages: unknown[] = [];
    const reader = new FrameReader((message) => messages.push(message));
    const bytes = Buffer.concat([frame, encodeFrame({ type: 'event', name: 'changed', payload: { data: 'not bulk' } }), frame]);
    for (let at = 0; at < bytes.length; at += 5) reader.push(bytes.subarray(at, at + 5));
    expect(messages).toEqual([output, { type: 'event', name: 'changed', payload: { data: 'not bulk' } }, output]);
    // Output without text goes as JSON.
    expect(encodeFrame({ type: 'event', name: 'output', payload: { name: 'a', seq: 1 } })[4]).toBe('{'.charCodeAt(0));
  });

  it('refuses a bulk body that does not hold together', () => {
    const body = (bytes: number[]) => {
      const frame = Buffer.alloc(4 + bytes.length);
      frame.writeUInt32BE(bytes.length, 0);
      Buffer.from(bytes).copy(frame, 4);
      return frame;
    };
    const header = [...Buffer.from(JSON.stringify({ type: 'event', name: 'changed', payload: {} }))];
    const length = (count: number) => [count >>> 24, (count >>> 16) & 0xff, (count >>> 8) & 0xff, count & 0xff];
    expect(() => new FrameReader(() => undefined).push(body([0x00, 0x00]))).toThrow(/too short/);
    expect(() => new FrameReader(() => undefined).push(body([0x00, ...length(999), 0x7b]))).toThrow(/shorter than its header/);
    expect(() => new FrameReader(() => undefined).push(body([0x00, ...length(header.length), ...header]))).toThrow(/unexpected header/);
  });
});

/**
 * A client that reads nothing until `read()`: what the host writes waits in the stream, as it
 * does in a socket whose reader is busy. `received` is what reached the client, in order.
 */
class BusyClient extends Duplex {
  readonly received = new FrameReader((message) => this.messages.push(message as { type: string; name?: string; payload?: unknown }));
  readonly messages: Array<{ type: string; name?: string; payload?: unknown }> = [];
  private reading = false;
  private waiting: (() => void) | null = null;

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    this.received.push(chunk);
    if (this.reading) setImmediate(done);
    else this.waiting = done;
  }

  override _read(): void {}

  startReading(): void {
    this.reading = true;
    const waiting = this.waiting;
    this.waiting = null;
    waiting?.();
  }
}

/** Serves each client on `server` with the right secret, and waits until the server has welcomed them all. */
async function welcome(server: HostServer, paths: ReturnType<typeof hostPaths>, ...clients: BusyClient[]): Promise<void> {
  const secret = await readSecret(paths);
  const before = server.clientCount;
  for (const client of clients) {
    server.serveStream(client);
    client.push(encodeFrame({ type: 'hello', version: PROTOCOL_VERSION, secret }));
  }
  await waitFor(() => server.clientCount === before + clients.length, 'the welcome');
}

describe.runIf(process.platform !== 'win32')('pty host connection', () => {
  it("answers a call ahead of the output queued for a client that is behind on reading, and keeps the output's order", async () => {
    const paths = hostPaths(makeTempDir('lanes-user-'));
    let called: () => void = () => undefined;
    const answered = new Promise<void>((resolve) => (called = resolve));
    const server = new HostServer(paths, { 'agents.write': () => (called(), null) }, { connected: () => undefined, disconnected: () => undefined });
    await server.listen();
    try {
      const client = new BusyClient();
      await welcome(server, paths, client);
      const batch = 'x'.repeat(100_000);
      for (let seq = 1; seq <= 4; seq += 1) server.broadcast('output', { name: 'flood', data: batch, seq });
      client.push(encodeFrame({ type: 'call', id: 1, method: 'agents.write', args: {} }));
      await answered;
      await new Promise((resolve) => setImmediate(resolve));
      client.startReading();
      await waitFor(() => client.messages.length === 6, 'every frame');
      const order = client.messages.map((message) => (message.type === 'event' ? `output ${(message.payload as { seq: number }).seq}` : message.type));
      expect(order.indexOf('result')).toBeLessThan(order.indexOf('output 2'));
      expect(order.filter((entry) => entry !== 'result')).toEqual(['welcome', 'output 1', 'output 2', 'output 3', 'output 4']);
    } finally {
      await server.close();
    }
  });
});

describe.runIf(process.platform !== 'win32')('pty host connection, a keystroke\'s echo', () => {
  it("sends the echo of a keystroke ahead of other agents' output queued for a client that is behind, with its agent's earlier output before it", async () => {
    const paths = hostPaths(makeTempDir('lanes-user-'));
    const server = new HostServer(paths, {}, { connected: () => undefined, disconnected: () => undefined });
    await server.listen();
    try {
      const client = new BusyClient();
      await welcome(server, paths, client);
      const batch = 'x'.repeat(100_000);
      const output = (agent: string, seq: number, echo = false, data = batch) => server.broadcast('output', { name: agent, data, seq }, { agent, echo });
      // Eight agents flood a client that reads nothing for now; the typed-into agent printed one batch among them.
      for (let seq = 1; seq <= 3; seq += 1) for (const agent of ['f1', 'f2', 'f3', 'f4']) output(agent, seq);
      output('typed', 1);
      for (const agent of ['f5', 'f6', 'f7', 'f8']) output(agent, 1);
      server.broadcast('changed', { name: 'f1' });
      output('typed', 2, true, 'k');
      output('f1', 4);
      client.startReading();
      await waitFor(() => client.messages.length === 21, 'every frame');
      const order = client.messages.slice(1).map((message) => (message.type === 'event' && message.name === 'output' ? `${(message.payload as { name: string }).name} ${(message.payload as { seq: number }).seq}` : `${message.type === 'event' ? message.name : message.type}`));
      // What the stream held before the echo came goes first; the echo comes next after the agent's own batch, not after ~1.5 MB of others'.
      const echoAt = order.indexOf('typed 2');
      expect(order.indexOf('typed 1')).toBeLessThan(echoAt);
      expect(echoAt).toBeLessThan(order.indexOf('f5 1'));
      expect(echoAt).toBeLessThan(order.indexOf('f4 3'));
      // Everything else keeps its order.
      const others = order.filter((entry) => !entry.startsWith('typed'));
      expect(others).toEqual(['f1 1', 'f2 1', 'f3 1', 'f4 1', 'f1 2', 'f2 2', 'f3 2', 'f4 2', 'f1 3', 'f2 3', 'f3 3', 'f4 3', 'f5 1', 'f6 1', 'f7 1', 'f8 1', 'changed', 'f1 4']);
    } finally {
      await server.close();
    }
  });
});

describe.runIf(process.platform !== 'win32')('pty host connection limits', () => {
  it('closes the connection of a client that stopped reading while output piles up, and only that one', async () => {
    const paths = hostPaths(makeTempDir('lanes-user-'));
    const gone: number[] = [];
    let now = 0;
    const limits = { bytes: 1_000_000, stalledMs: 20_000, hardBytes: 5_000_000, now: () => now };
    const server = new HostServer(paths, {}, { connected: () => undefined, disconnected: (connection) => gone.push(connection.id) }, limits);
    await server.listen();
    try {
      const stalled = new BusyClient();
      const reading = new BusyClient();
      reading.startReading();
      await welcome(server, paths, stalled, reading);
      const batch = 'x'.repeat(100_000);
      let seq = 0;
      // Output arrives in batches, with time for a reading client to take each one.
      const flood = async (batches: number) => {
        for (let index = 0; index < batches; index += 1) {
          server.broadcast('output', { name: 'flood', data: batch, seq: ++seq });
          await new Promise((resolve) => setImmediate(resolve));
        }
      };
      // 2 MB unread, but the client has not been silent for long: a busy client is not cut off.
      await flood(20);
      expect(stalled.destroyed).toBe(false);
      now += 19_000;
      await flood(5);
      expect(stalled.destroyed).toBe(false);
      // Silent for more than 20 s with more than 1 MB waiting: let go, with its queue.
      now += 2_000;
      await flood(1);
      expect(stalled.destroyed).toBe(true);
      expect(gone).toHaveLength(1);
      expect(server.clientCount).toBe(1);
      await waitFor(() => reading.messages.length === 1 + seq, 'every frame for the client that reads');
      expect(reading.messages.filter((message) => message.type === 'event').map((message) => (message.payload as { seq: number }).seq)).toEqual(Array.from({ length: seq }, (_, index) => index + 1));
    } finally {
      await server.close();
    }
  });

  it('closes the connection of a client that leaves more than the hard limit unread, however recently it read', async () => {
    const paths = hostPaths(makeTempDir('lanes-user-'));
    const gone: number[] = [];
    const server = new HostServer(paths, {}, { connected: () => undefined, disconnected: (connection) => gone.push(connection.id) }, { bytes: 1_000_000, stalledMs: 20_000, hardBytes: 3_000_000, now: () => 0 });
    await server.listen();
    try {
      const stalled = new BusyClient();
      await welcome(server, paths, stalled);
      const batch = 'x'.repeat(100_000);
      for (let seq = 1; seq <= 30; seq += 1) server.broadcast('output', { name: 'flood', data: batch, seq });
      expect(stalled.destroyed).toBe(false);
      for (let seq = 31; seq <= 35; seq += 1) server.broadcast('output', { name: 'flood', data: batch, seq });
      expect(stalled.destroyed).toBe(true);
      await waitFor(() => gone.length === 1, 'the disconnection');
    } finally {
      await server.close();
    }
  });
});

describe.runIf(process.platform !== 'win32')('pty host', () => {
  it('keeps its socket and secret private, and refuses a client without the secret, with a wrong one, or without a handshake', async () => {
    const userDataDir = makeTempDir('lanes-user-');
    const paths = hostPaths(userDataDir);
    const { status } = await startHost(userDataDir);
    expect(status.version).toBe(PROTOCOL_VERSION);
    expect(statSync(paths.folder).mode & 0o777).toBe(0o700);
    expect(statSync(paths.secret).mode & 0o777).toBe(0o600);
    expect(statSync(paths.socket).mode & 0o777).toBe(0o600);
    expect((await readSecret(paths)).length).toBe(64); // 256 bits, hex

    const refusal = (secret: string) => rawConnect(paths.socket).then((stream) => HostClient.handshake(stream, secret));
    await expect(refusal('0'.repeat(64))).rejects.toMatchObject({ reason: 'secret', message: expect.stringMatching(/wrong or missing secret/) });
    await expect(refusal('')).rejects.toBeInstanceOf(HostRefusedError);

    const stream = await rawConnect(paths.socket);
    const answers: any[] = [];
    const reader = new FrameReader((message) => answers.push(message));
    stream.on('data', (chunk: Buffer) => reader.push(chunk));
    stream.write(encodeFrame({ type: 'call', id: 1, method: 'host.status', args: {} }));
    await waitFor(() => answers.length > 0, 'the answer');
    expect(answers[0]).toMatchObject({ type: 'refused', reason: 'handshake' });

    // A secret others can read is not used: a client refuses to present it.
    chmodSync(paths.secret, 0o644);
    await expect(connectToHost(paths)).rejects.toThrow(/readable by others/);
    chmodSync(paths.secret, 0o600);
    expect((await (await connectToHost(paths)).call<HostStatus>('host.status')).pid).toBe(status.pid);
  });

  it('replaces a stale socket a crashed host left, and gives way to a live one', async () => {
    const userDataDir = makeTempDir('lanes-user-');
    const paths = hostPaths(userDataDir);
    await readOrCreateSecret(paths);
    const crashed = spawn(process.execPath, ['-e', `require('net').createServer().listen(${JSON.stringify(paths.socket)}, () => console.log('listening'))`], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve) => crashed.stdout.once('data', () => resolve()));
    crashed.kill('SIGKILL');
    await new Promise((resolve) => crashed.once('exit', resolve));
    expect(existsSync(paths.socket)).toBe(true);
    await expect(rawConnect(paths.socket)).rejects.toMatchObject({ code: 'ECONNREFUSED' });

    const { client, status } = await startHost(userDataDir);
    expect(status.pid).not.toBe(crashed.pid);

    // A second host started for the same folder sees the first one answer and exits quietly.
    const command = hostCommand();
    const second = spawn(command.file, [...command.args, '--user-data', userDataDir], { stdio: 'ignore' });
    expect(await new Promise((resolve) => second.once('exit', resolve))).toBe(0);
    expect((await client.call<HostStatus>('host.status')).pid).toBe(status.pid);
  });

  it('tells a client of another protocol version what to do, and leaves the agents running', async () => {
    const userDataDir = makeTempDir('lanes-user-');
    const paths = hostPaths(userDataDir);
    const { client, status } = await startHost(userDataDir);
    const agent = await client.call<AgentSnapshot>('agents.start', sleeper('/repo', 'api'));
    expect(isRunningPid(agent.state.pid!)).toBe(true);

    const stream = await rawConnect(paths.socket);
    const refused = await HostClient.handshake(stream, await readSecret(paths), PROTOCOL_VERSION + 1).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(HostRefusedError);
    expect((refused as HostRefusedError).reason).toBe('version');
    expect((refused as Error).message).toContain(`process ${status.pid}, protocol ${PROTOCOL_VERSION}; this Lanes speaks ${PROTOCOL_VERSION + 1}`);
    expect((refused as Error).message).toMatch(/did not touch them.*lanes host stop --force/);
    expect(isRunningPid(agent.state.pid!)).toBe(true);
    expect((await client.call<HostStatus>('host.status')).agents).toEqual([{ workspace: '/repo', name: 'api', pid: agent.state.pid, status: 'starting' }]);
  });

  it('`lanes host status` lists its agents and `lanes host stop` ends them and the host', async () => {
    const userDataDir = makeTempDir('lanes-user-');
    expect(await describeHost(userDataDir)).toEqual({ code: 3, text: `No pty host is running for ${userDataDir}.` });
    const { client, status } = await startHost(userDataDir);
    const agent = await client.call<AgentSnapshot>('agents.start', sleeper('/repo', 'api'));
    const described = await describeHost(userDataDir);
    expect(described.code).toBe(0);
    expect(described.text).toContain(`process ${status.pid}`);
    expect(described.text).toContain(`api (process ${agent.state.pid}, starting) in /repo`);
    expect(await stopHost(userDataDir)).toEqual({ code: 0, text: `Stopped the pty host (process ${status.pid}) and its agents.` });
    expect(isRunningPid(agent.state.pid!)).toBe(false);
    expect(await stopHost(userDataDir)).toMatchObject({ code: 0, text: expect.stringMatching(/nothing to stop/) });
  });

  it('runs agents at the lower CPU priority their launch asks for', async () => {
    const { client, status } = await startHost(makeTempDir('lanes-user-'));
    const request = sleeper('/repo', 'api');
    const agent = await client.call<AgentSnapshot>('agents.start', { ...request, spec: { ...request.spec, niceness: 10 } });
    const stat = readFileSync(`/proc/${agent.state.pid}/stat`, 'utf8');
    expect(Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16])).toBe(10);
    // Where the kernel groups processes by session (autogroup), the agent's session is lowered too:
    // its nice value alone gave up nothing to programs of other sessions (main/instances/host/priority.ts).
    // Never the host's own, which the agent was in for a moment before its pty made it a session.
    if (autogroupOf('self') === null) return;
    await waitFor(() => autogroupOf(String(agent.state.pid))?.nice === 10, "the agent's autogroup at nice 10");
    expect(autogroupOf(String(agent.state.pid))!.group).not.toBe(autogroupOf(String(status.pid))!.group);
    expect(autogroupOf(String(status.pid))!.nice).toBe(0);
    // Agents that start together, each in its own session, each lowered; the host still not.
    const more = await Promise.all(['b', 'c', 'd', 'e'].map((name) => client.call<AgentSnapshot>('agents.start', { ...sleeper('/repo', name), spec: { ...request.spec, niceness: 10 } })));
    for (const started of more) await waitFor(() => autogroupOf(String(started.state.pid))?.nice === 10, `agent ${started.state.pid}'s autogroup at nice 10`);
    expect(new Set(more.map((started) => autogroupOf(String(started.state.pid))!.group)).size).toBe(4);
    expect(autogroupOf(String(status.pid))!.nice).toBe(0);
  });

  it('echoes a keystroke while it serializes a screen of 10,000 lines for a view that opens', async () => {
    const { client } = await startHost(makeTempDir('lanes-user-'));
    const env = { PATH: process.env.PATH ?? '' };
    const printed = new Map<string, string>();
    const order: string[] = [];
    client.onEvent((event, payload: { name: string; data: string }) => {
      if (event !== 'output') return;
      printed.set(payload.name, (printed.get(payload.name) ?? '') + payload.data);
      if (payload.name === 'echo' && payload.data.includes('k')) order.push('echo');
    });
    const lines = fileURLToPath(new URL('./test-fixtures/lines.mjs', import.meta.url));
    await client.call('agents.start', { workspace: '/repo', name: 'long', spec: { file: process.execPath, args: [lines, '12000'], cwd: '/', env, hooks: false } });
    await client.call('agents.start', { workspace: '/repo', name: 'echo', spec: { file: '/bin/cat', args: [], cwd: '/', env, hooks: false } });
    await waitFor(() => (printed.get('long') ?? '').includes('done'), 'the long agent to print its 12,000 lines', 20_000);
    // Its screen changes once more, so the view below gets a serialization made for it, not one kept from before.
    await client.call('agents.write', { workspace: '/repo', name: 'long', data: 'z' });
    await waitFor(() => (printed.get('long') ?? '').endsWith('z'), 'the long agent\'s echo');
    const opened = client.call<{ data: string }>('agents.attach', { workspace: '/repo', name: 'long' }).then((view) => {
      order.push('view');
      return view;
    });
    await client.call('agents.write', { workspace: '/repo', name: 'echo', data: 'k' });
    expect((await opened).data).toContain('line 12000');
    await waitFor(() => order.includes('echo'), 'the echo');
    // The serialization ran beside the host's own thread, so the keystroke did not wait for it.
    expect(order).toEqual(['echo', 'view']);
  });

  it.runIf(process.platform === 'linux')('parses and serializes screens in a thread below its own priority, so the thread that serves keystrokes goes first', async () => {
    const { status } = await startHost(makeTempDir('lanes-user-'));
    const niceOf = (task: string) => {
      const stat = readFileSync(`/proc/${status.pid}/task/${task}/stat`, 'utf8');
      return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
    };
    // The screen thread lowers itself as it starts.
    await waitFor(() => readdirSync(`/proc/${status.pid}/task`).some((task) => niceOf(task) === SCREEN_THREAD_NICENESS), 'the screen thread at its priority');
    expect(niceOf(String(status.pid))).toBe(0);
  });

  it('runs with V8 set to favour memory over peak speed, as it holds every screen for hours', async () => {
    const { status } = await startHost(makeTempDir('lanes-user-'));
    const argv = readFileSync(`/proc/${status.pid}/cmdline`, 'utf8').split('\0');
    expect(argv).toEqual(expect.arrayContaining([...HOST_NODE_FLAGS]));
    expect(argv.indexOf('--optimize-for-size')).toBeLessThan(argv.findIndex((arg) => arg.endsWith('main.ts') || arg.endsWith('host.cjs')));
  });

  it('stops its agents and exits when its folder is deleted, since no Lanes can reach them again', async () => {
    const userDataDir = makeTempDir('lanes-user-');
    const { client, status } = await startHost(userDataDir);
    const agent = await client.call<AgentSnapshot>('agents.start', sleeper('/repo', 'api'));
    rmSync(hostPaths(userDataDir).folder, { recursive: true, force: true });
    await waitFor(() => !isRunningPid(status.pid), 'the host to exit', 20_000);
    expect(isRunningPid(agent.state.pid!)).toBe(false);
  });

  it('stops its agents when asked to stop, and exits by itself once idle', async () => {
    const userDataDir = makeTempDir('lanes-user-');
    const { client, status } = await startHost(userDataDir);
    const agent = await client.call<AgentSnapshot>('agents.start', sleeper('/repo', 'api'));
    await client.call('host.stop');
    await waitFor(() => !isRunningPid(status.pid), 'the host to exit');
    expect(isRunningPid(agent.state.pid!)).toBe(false);
    expect(existsSync(hostPaths(userDataDir).info)).toBe(false);

    const idle = await startHost(makeTempDir('lanes-user-'), 1);
    await idle.client.close();
    await waitFor(() => !isRunningPid(idle.status.pid), 'the idle host to exit');
  });
});
