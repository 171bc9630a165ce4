import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import headless from '@xterm/headless';
import WebSocket from 'ws';
import { decodeBulkEvent } from '../../contract/wire';
import { makeTempDir } from '../../../test/support/repo';
import { shellQuote } from '../command-line';
import { fakeAgent, isRunningPid, makeWorkspace, openCore, waitFor } from '../test-support';
import { hostPaths } from './paths';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const COUNTER = path.join(repoRoot, 'main', 'instances', 'host', 'test-fixtures', 'counter.mjs');
const NAMES = ['one', 'two', 'three', 'four'];
const { Terminal } = headless;

/** `lanes serve` from source, as a real child process: the Lanes server the test kills. */
async function startServer(root: string, userDataDir: string) {
  const tokenFile = path.join(makeTempDir('lanes-token-'), 'token');
  writeFileSync(tokenFile, randomBytes(24).toString('hex'), { mode: 0o600 });
  const child = spawn(
    process.execPath,
    ['--import', path.join(repoRoot, 'node_modules', 'tsx', 'dist', 'loader.mjs'), path.join(repoRoot, 'main', 'cli', 'lanes.ts'), 'serve', root, '--port', '0', '--token-file', tokenFile],
    { env: { ...process.env, LANES_USER_DATA: userDataDir }, stdio: ['pipe', 'pipe', 'pipe'] },
  );
  servers.push(child);
  let printed = '';
  child.stdout.on('data', (chunk: Buffer) => (printed += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (printed += chunk.toString()));
  const address = await waitFor(() => /http:\/\/127\.0\.0\.1:(\d+)\/\?token=(\w+)/.exec(printed), 'the server to print its address', 60_000);
  return { child, page: await openPage(Number(address[1]), address[2]!) };
}

/** What the renderer does over the web mode's socket: calls, and the events it draws. */
async function openPage(port: number, token: string) {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/api?token=${token}`);
  const results = new Map<number, (envelope: any) => void>();
  const output = new Map<string, Array<{ seq: number; data: string }>>();
  ws.on('message', (data, isBinary) => {
    const message: any = isBinary ? decodeBulkEvent(data as Buffer) : JSON.parse(String(data));
    if (message.t === 'result') results.get(message.id)?.(message.envelope);
    else if (message.t === 'event' && message.name === 'instances.output') {
      const list = output.get(message.payload.instance) ?? [];
      list.push({ seq: message.payload.seq, data: message.payload.data });
      output.set(message.payload.instance, list);
    }
  });
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  let nextId = 1;
  const call = async (name: string, args: unknown = {}): Promise<any> => {
    const id = nextId++;
    const envelope = await new Promise<any>((resolve) => {
      results.set(id, resolve);
      ws.send(JSON.stringify({ t: 'call', id, name, args }));
    });
    if (!envelope.ok) throw new Error(envelope.error.message);
    return envelope.value;
  };
  /** Opens a terminal as TerminalView does: the snapshot first, then output with a larger seq. */
  const attach = async (instance: string) => {
    const snapshot = await call('instances.attach', { name: instance });
    return () => snapshot.data + (output.get(instance) ?? []).filter((chunk) => chunk.seq > snapshot.seq).map((chunk) => chunk.data).join('');
  };
  return { call, attach, close: () => ws.close() };
}

/**
 * The numbers on the complete lines a terminal shows once it has drawn `text`, read from a
 * headless xterm as the renderer's xterm would draw it (the snapshot moves the cursor with
 * escape sequences, not only with line ends).
 */
async function counted(text: string): Promise<number[]> {
  const terminal = new Terminal({ cols: 120, rows: 32, scrollback: 100_000, allowProposedApi: true });
  await new Promise<void>((resolve) => terminal.write(text, resolve));
  const buffer = terminal.buffer.active;
  const lines: string[] = [];
  for (let row = 0; row < buffer.length; row += 1) lines.push(buffer.getLine(row)!.translateToString(true));
  terminal.dispose();
  // The cursor's line may still be printing.
  const complete = lines.slice(0, buffer.baseY + buffer.cursorY);
  return complete.filter((line) => /^\d+$/.test(line)).map(Number);
}

function expectConsecutive(numbers: number[]): void {
  const breaks = numbers.flatMap((value, index) => (index > 0 && value !== numbers[index - 1]! + 1 ? [`${numbers[index - 1]} then ${value}`] : []));
  expect(breaks).toEqual([]);
}

const servers: ChildProcessWithoutNullStreams[] = [];
const agentPids: number[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.kill('SIGKILL');
  for (const pid of agentPids.splice(0)) if (isRunningPid(pid)) process.kill(pid, 'SIGKILL');
});

describe.runIf(process.platform === 'linux')('reattaching after a crash', () => {
  it('kill -9 the Lanes server while 4 agents count: after a restart all 4 reattach with the same pids, and the counter has no gap and no repeat', async () => {
    const root = makeWorkspace(NAMES.map((name) => ({ name, agent: [process.execPath, COUNTER].map(shellQuote).join(' ') })));
    const userDataDir = makeTempDir('lanes-user-');

    const first = await startServer(root, userDataDir);
    const trust = await first.page.call('trust.state');
    await first.page.call('trust.grant', { commands: trust.commands.map(({ kind, command, instance }: any) => ({ kind, command, instance })) });
    const started = await first.page.call('instances.startAll');
    const pids = started.instances.map((instance: any) => instance.pid as number);
    agentPids.push(...pids);
    const before = new Map<string, () => string>();
    for (const name of NAMES) before.set(name, await first.page.attach(name));
    await waitFor(async () => (await Promise.all(NAMES.map(async (name) => (await counted(before.get(name)!())).length >= 300))).every(Boolean), 'each counter to pass 300', 30_000);

    first.child.kill('SIGKILL');
    await new Promise((resolve) => first.child.once('exit', resolve));
    const lastShown = new Map<string, number>();
    for (const name of NAMES) {
      const shown = await counted(before.get(name)!());
      expectConsecutive(shown);
      lastShown.set(name, shown.at(-1)!);
    }
    expect(pids.every((pid: number) => isRunningPid(pid))).toBe(true);

    const second = await startServer(root, userDataDir);
    const listed = await second.page.call('instances.list');
    expect(listed.instances.map((instance: any) => instance.pid)).toEqual(pids);
    expect(listed.instances.map((instance: any) => instance.status)).toEqual(NAMES.map(() => 'running'));
    const after = new Map<string, () => string>();
    for (const name of NAMES) after.set(name, await second.page.attach(name));
    await waitFor(
      async () => (await Promise.all(NAMES.map(async (name) => ((await counted(after.get(name)!())).at(-1) ?? 0) >= lastShown.get(name)! + 300))).every(Boolean),
      'each counter to go on 300 past the crash',
      30_000,
    );

    for (const name of NAMES) {
      const shown = await counted(after.get(name)!());
      expectConsecutive(shown);
      // The terminal redrawn after the restart still holds what the user saw before the crash, and goes on from it.
      expect(shown[0]).toBeLessThanOrEqual(lastShown.get(name)!);
    }

    await second.page.call('instances.setQuitChoice', { choice: 'stop', remembered: true });
    second.child.kill('SIGTERM');
    await new Promise((resolve) => second.child.once('exit', resolve));
    expect(pids.filter((pid: number) => isRunningPid(pid))).toEqual([]);
  }, 180_000);

  it('quit with "keep": started again, Lanes finds the agents and their hooks still reach it; quit with "stop": no process is left', async () => {
    const record = path.join(makeTempDir(), 'record.json');
    const root = makeWorkspace([{ name: 'api', agent: fakeAgent(`--record=${record}`, '--print=ready', '--wait') }]);
    const userDataDir = makeTempDir('lanes-user-');
    const first = await openCore(root, userDataDir, { agentsOnQuit: 'keep' });
    const started = await first.call('instances.start', { name: 'api' });
    agentPids.push(started.pid);
    const recorded = await waitFor(() => (existsSync(record) ? JSON.parse(readFileSync(record, 'utf8')) : null), 'the record', 20_000);
    await first.core.dispose();
    expect(isRunningPid(started.pid)).toBe(true);

    const second = await openCore(root, userDataDir, { agentsOnQuit: 'stop' });
    const reattached = (await second.call('instances.list')).instances[0];
    expect(reattached).toMatchObject({ name: 'api', pid: started.pid });
    expect(await second.call('instances.attach', { name: 'api' })).toMatchObject({ running: true, data: expect.stringContaining('ready') });
    // The agent's environment was fixed when it started: the hook channel it names is the host's, which outlived the first Lanes.
    const report = await fetch(recorded.env.LANES_NOTIFY_URL, {
      method: 'POST',
      headers: { authorization: `Bearer ${recorded.env.LANES_NOTIFY_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ instance: 'api', event: 'Notification', message: 'Allow edit?' }),
    });
    expect(report.status).toBe(204);
    await waitFor(async () => (await second.call('instances.list')).instances[0].status === 'waiting', 'the hook to reach the second Lanes', 20_000);

    const hostPid = JSON.parse(readFileSync(hostPaths(userDataDir).info, 'utf8')).pid as number;
    await second.core.dispose();
    expect(isRunningPid(started.pid)).toBe(false);
    await waitFor(() => !isRunningPid(hostPid), 'the host to exit with nothing left to run', 20_000);
  }, 120_000);
});
