import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { git, makeTempDir } from '../../test/support/repo';
import { fakeAgent, FAKE_AGENT, isRunningPid, lanesYml, makeWorkspace, NOTIFY_FROM_SOURCE, openCore, waitFor } from './test-support';
import { FLOW_DEFAULTS } from './host/output-pipe';
import { SILENT_START_MS } from './host/instance-process';
import { SCREEN_TIMINGS } from './host/screen-status';

/** The most one read from a pty delivers (libuv reads a tty in 64 KiB buffers). */
const PTY_READ_MAX = 65_536;

const cores: Array<{ dispose(): Promise<void> }> = [];
async function open(root: string, userDataDir?: string) {
  const opened = await openCore(root, userDataDir);
  cores.push(opened.core);
  return opened;
}
afterEach(async () => {
  for (const core of cores.splice(0)) await core.dispose();
  delete process.env.LANES_NOTIFY_COMMAND;
  delete process.env.LANES_TOKEN;
});

const stateOf = async (call: (name: string, args?: unknown) => Promise<any>, name: string) =>
  ((await call('instances.list')).instances as any[]).find((instance) => instance.name === name);

describe('instances: start and stop', () => {
  it('runs the agent in a pty and stops its whole tree, grandchild in its own session included', async () => {
    const tmp = makeTempDir();
    const grandchildFile = path.join(tmp, 'grandchild.pid');
    const root = makeWorkspace([{ name: 'api', agent: fakeAgent('--print=hello from api', `--grandchild=${grandchildFile}`, '--wait') }]);
    const { call, output, userDataDir } = await open(root);

    const started = await call('instances.start', { name: 'api' });
    expect(['starting', 'running']).toContain(started.status);
    await waitFor(() => output('api').includes('hello from api'), 'the greeting');
    await waitFor(() => existsSync(grandchildFile), 'the grandchild');
    const agentPid = started.pid as number;
    const grandchildPid = Number(readFileSync(grandchildFile, 'utf8'));
    expect(isRunningPid(agentPid)).toBe(true);
    expect(isRunningPid(grandchildPid)).toBe(true);
    // The pty host records the pids, in a file named after its own pid.
    const pidRecords = () => readdirSync(path.join(userDataDir, 'instances')).filter((file) => /^pids-\d+\.json$/.test(file));
    await waitFor(() => pidRecords().length === 1, 'the pid record');
    expect(pidRecords()).not.toContain(`pids-${process.pid}.json`);

    const stopped = await call('instances.stop', { name: 'api' });
    expect(stopped.status).toBe('exited');
    expect(stopped.statusDetail).toBe('stopped by you');
    expect(stopped.pid).toBeNull();
    expect(isRunningPid(agentPid)).toBe(false);
    expect(isRunningPid(grandchildPid)).toBe(false);
    await waitFor(() => pidRecords().length === 0, 'the pid record to go');
  });

  it('shares one start between two calls that race, so the agent keeps the notify secret it was given', async () => {
    const record = path.join(makeTempDir(), 'record.json');
    const root = makeWorkspace([{ name: 'api', agent: fakeAgent(`--record=${record}`, '--wait') }]);
    const { call } = await open(root);
    const [first, second] = await Promise.all([call('instances.start', { name: 'api' }), call('instances.start', { name: 'api' })]);
    expect(second.pid).toBe(first.pid);
    const recorded = await waitFor(() => (existsSync(record) ? JSON.parse(readFileSync(record, 'utf8')) : null), 'the record');
    const report = await fetch(recorded.env.LANES_NOTIFY_URL, {
      method: 'POST',
      headers: { authorization: `Bearer ${recorded.env.LANES_NOTIFY_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ instance: 'api', event: 'Stop' }),
    });
    expect(report.status).toBe(204);
    await call('instances.stop', { name: 'api' });
  });

  it("keeps a hook's report for an agent read from its screen until the agent prints again", async () => {
    // Not Claude Code, so its status comes from the screen; a wrapper may still report through the hook channel.
    const record = path.join(makeTempDir(), 'record.json');
    const root = makeWorkspace([{ name: 'api', agent: fakeAgent(`--record=${record}`, '--print=ready', '--ask=', '--wait') }]);
    const { call, output } = await open(root);
    await call('instances.start', { name: 'api' });
    await waitFor(() => output('api').includes('ready'), 'ready');
    const recorded = await waitFor(() => (existsSync(record) ? JSON.parse(readFileSync(record, 'utf8')) : null), 'the record');
    const report = await fetch(recorded.env.LANES_NOTIFY_URL, {
      method: 'POST',
      headers: { authorization: `Bearer ${recorded.env.LANES_NOTIFY_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ instance: 'api', event: 'Notification', message: 'Allow edit?' }),
    });
    expect(report.status).toBe(204);
    await waitFor(async () => (await stateOf(call, 'api')).statusSource === 'hook', 'the report');
    // Four status ticks without output: the screen has nothing new to say, so the report stands.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await stateOf(call, 'api')).toMatchObject({ status: 'waiting', statusSource: 'hook', statusDetail: 'Allow edit?' });

    await call('instances.write', { name: 'api', data: 'yes\r' });
    await waitFor(() => output('api').includes('answer: yes'), 'the answer');
    await waitFor(async () => (await stateOf(call, 'api')).statusSource === 'screen', 'the screen to speak again');
  });

  it('reports the exit code and ends what the agent left behind when it exits by itself', async () => {
    const tmp = makeTempDir();
    const grandchildFile = path.join(tmp, 'grandchild.pid');
    const root = makeWorkspace([{ name: 'web', agent: fakeAgent(`--grandchild=${grandchildFile}`, '--sleep=300', '--exit=3') }]);
    const { call, events } = await open(root);
    await call('instances.start', { name: 'web' });
    const state = await waitFor(async () => {
      const current = await stateOf(call, 'web');
      return current.status === 'exited' ? current : null;
    }, 'the exit');
    expect(state.exitCode).toBe(3);
    expect(state.statusDetail).toBe('exited with code 3');
    const grandchildPid = Number(readFileSync(grandchildFile, 'utf8'));
    await waitFor(() => !isRunningPid(grandchildPid), 'the orphaned grandchild to be ended');
    // The host sends the exit's notification after its status change: it may arrive a read later.
    const notification = await waitFor(() => events.find((event) => event.name === 'instances.notification'), 'the exit notification');
    expect(notification.payload).toMatchObject({ instance: 'web', kind: 'exited' });
  });

  it('kills an agent that ignores SIGHUP and SIGTERM after the grace period', async () => {
    const root = makeWorkspace([{ name: 'stubborn', agent: fakeAgent('--ignore-term', '--print=ready', '--wait') }]);
    const { call, output } = await open(root);
    const started = await call('instances.start', { name: 'stubborn' });
    await waitFor(() => output('stubborn').includes('ready'), 'ready');
    const stopped = await call('instances.stop', { name: 'stubborn' });
    // Only SIGKILL ends it, and Lanes sends that only once the grace period is over.
    expect(stopped.signal).toBe(9);
    expect(stopped.statusDetail).toBe('stopped by you');
    expect(isRunningPid(started.pid)).toBe(false);
  });

  it('restarts: the old process is gone, the new one runs, and output keeps its order', async () => {
    const root = makeWorkspace([{ name: 'ops', agent: fakeAgent('--print=run', '--wait') }]);
    const { call, events } = await open(root);
    const first = await call('instances.start', { name: 'ops' });
    await waitFor(() => events.some((event) => event.name === 'instances.output'), 'first output');
    const second = await call('instances.restart', { name: 'ops' });
    expect(second.pid).not.toBe(first.pid);
    expect(isRunningPid(first.pid)).toBe(false);
    expect(isRunningPid(second.pid)).toBe(true);
    await waitFor(() => events.filter((event) => event.name === 'instances.output').map((event) => event.payload.data).join('').split('run').length === 3, 'second output');
    const seqs = events.filter((event) => event.name === 'instances.output').map((event) => event.payload.seq as number);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(seqs.length);
  });

  it('start all and stop all; closing the workspace leaves nothing running', async () => {
    const root = makeWorkspace([
      { name: 'one', agent: fakeAgent('--print=one', '--wait') },
      { name: 'two', agent: fakeAgent('--print=two', '--wait') },
    ]);
    const { call, core } = await open(root);
    const all = await call('instances.startAll');
    const pids = all.instances.map((instance: any) => instance.pid as number);
    expect(pids.every((pid: number) => isRunningPid(pid))).toBe(true);
    const stopped = await call('instances.stopAll');
    expect(stopped.instances.map((instance: any) => instance.status)).toEqual(['exited', 'exited']);
    await call('instances.startAll');
    const again = (await call('instances.list')).instances.map((instance: any) => instance.pid as number);
    await core.call('workspace.close', {});
    expect(again.every((pid: number) => !isRunningPid(pid))).toBe(true);
  });
});

describe('instances: environment and context', () => {
  it('gives the agent its name, workspace and zones, no Lanes secrets, and context without dirtying the worktree', async () => {
    process.env.LANES_TOKEN = 'web-token-that-must-not-leak';
    const tmp = makeTempDir();
    const record = path.join(tmp, 'record.json');
    const root = makeWorkspace([{ name: 'front', zones: ['src/ui/', 'docs/'], agent: fakeAgent(`--record=${record}`, '--wait') }]);
    const { call } = await open(root);
    await call('instances.start', { name: 'front' });
    const recorded = await waitFor(() => (existsSync(record) ? JSON.parse(readFileSync(record, 'utf8')) : null), 'the record');
    expect(recorded.cwd).toBe(root);
    expect(recorded.env.LANES_INSTANCE).toBe('front');
    expect(recorded.env.LANES_WORKSPACE).toBe(root);
    expect(recorded.env.LANES_ZONES).toBe('src/ui/\ndocs/');
    expect(recorded.env.LANES_TOKEN).toBeUndefined();
    expect(recorded.env.TERM).toBe('xterm-256color');
    const context = readFileSync(path.join(root, '.lanes', 'context', 'front.md'), 'utf8');
    expect(context).toContain('`src/ui/`');
    expect(context).toContain(path.join(root, 'memory', 'MEMORY.md'));
    expect(context).toContain(path.join(root, 'docs/cross-instance-prs'));
    expect(git(root, 'status', '--porcelain')).toBe('');
  });

  it('runs in the configured worktree and reports a missing one clearly', async () => {
    const root = makeWorkspace([
      { name: 'wt', worktree: '../wt-folder', agent: fakeAgent('--print=in worktree', '--wait') },
      { name: 'gone', worktree: '../no-such-folder', agent: fakeAgent('--wait') },
    ]);
    git(root, 'worktree', 'add', '-q', '-b', 'wt', path.join(root, '..', 'wt-folder'));
    const { call } = await open(root);
    try {
      const started = await call('instances.start', { name: 'wt' });
      expect(started.cwd).toBe(path.resolve(root, '../wt-folder'));
      const context = readFileSync(path.resolve(root, '../wt-folder/.lanes/context/wt.md'), 'utf8');
      expect(context).toContain(`Read the memory index \`${path.join(root, 'memory', 'MEMORY.md')}\``);
      expect(context).toContain(`write a request file in \`${path.join(root, 'docs', 'cross-instance-prs')}\``);
      expect(context).toContain(`move its file into \`${path.join(root, 'docs', 'cross-instance-prs', 'done')}\``);
      expect(context).toContain(`Read the shared state \`${path.join(root, 'COMPRESSED_PROMPT_V3.md')}\``);
      const gone = await stateOf(call, 'gone');
      expect(gone.problem).toContain('does not exist');
      await expect(call('instances.start', { name: 'gone' })).rejects.toThrow(/worktree folder .* does not exist/);
      await call('instances.stop', { name: 'wt' });
      expect(git(path.resolve(root, '../wt-folder'), 'status', '--porcelain')).toBe('');
    } finally {
      git(root, 'worktree', 'remove', '--force', path.resolve(root, '../wt-folder'));
    }
  });

  it('refuses bad agent commands and bad names with messages a person can act on', async () => {
    const root = makeWorkspace([
      { name: 'piped', agent: 'node agent.js | tee log' },
      { name: 'missing', agent: 'no-such-agent-program --flag' },
    ]);
    const { call } = await open(root);
    await expect(call('instances.start', { name: 'piped' })).rejects.toThrow(/shell syntax \(`\|`\)/);
    await expect(call('instances.start', { name: 'missing' })).rejects.toThrow(/`no-such-agent-program` was not found on PATH/);
    await expect(call('instances.start', { name: 'nobody' })).rejects.toThrow(/no instance "nobody"/);
    await expect(call('instances.write', { name: 'piped', data: 'x' })).rejects.toThrow(/not running/);
  });

  it('refuses to write the agent context through a symbolic link committed in the repository', async () => {
    const outside = path.join(makeTempDir('lanes-outside-'), 'bashrc');
    writeFileSync(outside, 'echo mine\n');
    const root = makeWorkspace([{ name: 'alpha', agent: fakeAgent('--wait') }]);
    mkdirSync(path.join(root, '.lanes', 'context'), { recursive: true });
    symlinkSync(outside, path.join(root, '.lanes', 'context', 'alpha.md'));
    git(root, 'add', '-A');
    git(root, 'commit', '-q', '-m', 'a link where Lanes writes the context');
    const { call } = await open(root);
    await expect(call('instances.start', { name: 'alpha' })).rejects.toThrow(/symbolic link/);
    expect(readFileSync(outside, 'utf8')).toBe('echo mine\n');
  });

  it('reports a malformed lanes.yml instead of failing, and refuses to start from it', async () => {
    const root = makeWorkspace([{ name: 'ok', agent: fakeAgent('--wait') }]);
    const { call } = await open(root);
    writeFileSync(path.join(root, 'lanes.yml'), 'instances:\n  - name: [broken\n');
    const listed = await call('instances.list');
    expect(listed.configProblem).toMatch(/line/i);
    await expect(call('instances.start', { name: 'ok' })).rejects.toThrow(/cannot start/);
  });
});

describe('instances: status', () => {
  it('shows an agent that prints nothing as running once it has lived a moment, then idle, not starting for as long as it runs', async () => {
    const root = makeWorkspace([{ name: 'build', agent: fakeAgent('--wait') }]);
    const { call, output } = await open(root);
    expect((await call('instances.start', { name: 'build' })).status).toBe('starting');
    const running = await waitFor(async () => {
      const state = await stateOf(call, 'build');
      return state.status !== 'starting' ? state : null;
    }, 'a status other than starting');
    expect(running).toMatchObject({ status: 'running', statusSource: 'screen' });
    expect(Date.parse(running.statusSince) - Date.parse(running.startedAt)).toBeGreaterThanOrEqual(SILENT_START_MS);
    const idle = await waitFor(async () => {
      const state = await stateOf(call, 'build');
      return state.status === 'idle' ? state : null;
    }, 'idle after the screen stays quiet', 10_000);
    expect(Date.parse(idle.statusSince) - Date.parse(running.startedAt)).toBeGreaterThanOrEqual(SCREEN_TIMINGS.idleQuietMs);
    expect(output('build')).toBe('');
  });

  it('sees a question on the screen as waiting, takes the answer, and ends exited with code 0', async () => {
    const root = makeWorkspace([{ name: 'qa', agent: fakeAgent('--print=working', '--ask=Deploy now? [y/N] ', '--sleep=200') }]);
    const { call, output, events } = await open(root);
    await call('instances.start', { name: 'qa' });
    const waiting = await waitFor(async () => {
      const state = await stateOf(call, 'qa');
      return state.status === 'waiting' ? state : null;
    }, 'waiting');
    expect(waiting.statusSource).toBe('screen');
    expect(waiting.statusDetail).toContain('Deploy now? [y/N]');
    expect(events.some((event) => event.name === 'instances.notification' && event.payload.kind === 'waiting')).toBe(true);
    const outputs = () => events.filter((event) => event.name === 'instances.output' && event.payload.instance === 'qa');
    // Output nobody typed for is not marked as an echo; the terminal's echo of the keystroke is,
    // so the web mode can send it ahead of other terminals' output (main/web/server.ts).
    expect(outputs().some((event) => 'echo' in event.payload)).toBe(false);
    await call('instances.write', { name: 'qa', data: 'y\r' });
    await waitFor(() => output('qa').includes('answer: y'), 'the answer');
    expect(outputs().find((event) => event.payload.echo === true)?.payload.data).toMatch(/^y/);
    const exited = await waitFor(async () => {
      const state = await stateOf(call, 'qa');
      return state.status === 'exited' ? state : null;
    }, 'the exit');
    expect(exited.exitCode).toBe(0);
  });

  it('sends the echo of an agent that echoes keys itself (raw mode, as Claude Code) as an echo, and reads its prompt as waiting', async () => {
    const root = makeWorkspace([{ name: 'cc', agent: fakeAgent('--raw-repl') }]);
    const { call, output, events } = await open(root);
    await call('instances.start', { name: 'cc' });
    await waitFor(async () => (await stateOf(call, 'cc')).status === 'waiting', 'waiting at its prompt');
    await call('instances.write', { name: 'cc', data: 'k' });
    await waitFor(() => output('cc').endsWith('> k'), "the agent's echo of k");
    const echoes = events.filter((event) => event.name === 'instances.output' && event.payload.instance === 'cc' && event.payload.echo === true);
    expect(echoes.map((event) => event.payload.data)).toEqual(['k']);
    await call('instances.write', { name: 'cc', data: 'z\r' });
    await waitFor(() => output('cc').includes('echo: kz\r\n> '), 'its answer and next prompt');
  });

  it('does not take an agent paused by flow control for one waiting for input', async () => {
    const root = makeWorkspace([
      { name: 'busy', agent: fakeAgent('--flood=200000000') },
      // The positive control: half a line and then silence, which does mean "waiting".
      { name: 'quiet', agent: fakeAgent('--ask=half a line of text') },
    ]);
    const { call, events } = await open(root);
    await call('instances.attach', { name: 'busy' }); // a viewer that never acknowledges
    await call('instances.start', { name: 'busy' });
    const busyOutput = () => events.filter((event) => event.name === 'instances.output' && event.payload.instance === 'busy').reduce((sum, event) => sum + event.payload.data.length, 0);
    await waitFor(() => busyOutput() >= FLOW_DEFAULTS.highWater, 'the flood to fill the viewer, pausing the agent');
    // The control starts talking after the flood paused, so by the time its silence reads as
    // "waiting" the paused agent has been silent for longer still; both are read in the same tick.
    await call('instances.start', { name: 'quiet' });
    const control = await waitFor(async () => {
      const state = await stateOf(call, 'quiet');
      return state.status === 'waiting' ? state : null;
    }, 'the control to be seen waiting', SCREEN_TIMINGS.lineQuietMs + 10_000);
    expect(control.statusDetail).toBe('at: half a line of text');
    expect(await stateOf(call, 'busy')).toMatchObject({ status: 'running' });
    expect(events.some((event) => event.name === 'instances.notification' && event.payload.instance === 'busy')).toBe(false);
    await call('instances.stopAll');
  }, 60_000);

  it('takes Claude Code status from its hooks through `lanes notify`', async () => {
    process.env.LANES_NOTIFY_COMMAND = NOTIFY_FROM_SOURCE;
    const tmp = makeTempDir();
    const bin = path.join(tmp, 'bin');
    mkdirSync(bin);
    symlinkSync(FAKE_AGENT, path.join(bin, 'claude'));
    const record = path.join(tmp, 'record.json');
    const agent = `${bin}/claude --model x --record=${record} --hook=Notification --sleep=1500 --hook=UserPromptSubmit --sleep=1500 --hook=Stop --wait`;
    const root = makeWorkspace([{ name: 'cc', agent }]);
    const { call, events } = await open(root);
    await call('instances.start', { name: 'cc' });
    const statuses = () =>
      events
        .filter((event) => event.name === 'instances.changed')
        .map((event) => event.payload.instances.find((instance: any) => instance.name === 'cc'))
        .filter((state) => state?.statusSource === 'hook')
        .map((state) => state.status as string);
    // Each hook runs `lanes notify` from source (tsx): seconds apiece on a loaded machine.
    await waitFor(() => statuses().includes('idle'), 'the Stop hook', 45_000);
    expect(statuses().filter((status, index, all) => status !== all[index - 1])).toEqual(['waiting', 'running', 'idle']);
    const waiting = events.find((event) => event.name === 'instances.notification' && event.payload.kind === 'waiting');
    expect(waiting?.payload.body).toBe('fake agent reached Notification');

    const recorded = JSON.parse(readFileSync(record, 'utf8'));
    const promptIndex = recorded.argv.indexOf('--append-system-prompt');
    expect(promptIndex).toBeGreaterThan(0);
    expect(recorded.argv[promptIndex + 1]).toContain('You are "cc"');
    expect(recorded.env.LANES_NOTIFY_TOKEN).toMatch(/^[\w-]{40,}$/);
    const settings = JSON.parse(readFileSync(path.join(root, '.claude', 'settings.local.json'), 'utf8'));
    expect(Object.keys(settings.hooks)).toEqual(expect.arrayContaining(['Notification', 'Stop', 'UserPromptSubmit']));
    expect(git(root, 'status', '--porcelain')).toBe('');
  }, 60_000);
});

describe('instances: the zone guard before Claude Code starts', () => {
  const pathBefore = process.env.PATH;
  afterEach(() => {
    process.env.PATH = pathBefore;
  });

  it('installs the guard in a new worktree before its Claude Code agent starts, even while the zones room is held up', async () => {
    const tmp = makeTempDir();
    const bin = path.join(tmp, 'bin');
    mkdirSync(bin);
    symlinkSync(FAKE_AGENT, path.join(bin, 'claude'));
    // A git that answers `worktree list` 3 s late once the flag is there: the zones room asks it
    // which checkout each instance works in before it guards and watches them (an instance on a
    // `branch:`), as a slow or busy machine makes it wait.
    const slowFlag = path.join(tmp, 'slow');
    const realGit = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
    writeFileSync(path.join(bin, 'git'), `#!/bin/sh\ncase " $* " in *" worktree list "*) [ -f ${JSON.stringify(slowFlag)} ] && sleep 3 ;; esac\nexec ${JSON.stringify(realGit)} "$@"\n`, { mode: 0o755 });
    process.env.PATH = `${bin}${path.delimiter}${pathBefore ?? ''}`;
    const record = path.join(tmp, 'record.json');
    const claude = `${bin}/claude --record=${record} --wait`;
    const before = [
      { name: 'first', agent: fakeAgent('--wait') },
      { name: 'other', agent: fakeAgent('--wait'), branch: 'lanes/other' },
    ];
    const root = makeWorkspace(before);
    const { call } = await open(root);
    // The pty host is running already, so the start below is quick.
    await call('instances.start', { name: 'first' });
    const worktree = path.join(path.dirname(root), `${path.basename(root)}-cc`);
    git(root, 'worktree', 'add', '-q', '-b', 'lanes/cc', worktree);
    await call('trust.grant', { commands: [{ kind: 'agent', command: claude, instance: 'cc' }] });
    writeFileSync(slowFlag, '');
    writeFileSync(path.join(root, 'lanes.yml'), lanesYml([...before, { name: 'cc', agent: claude, zones: ['docs/'], worktree: `../${path.basename(worktree)}` }]));
    // Started as soon as Lanes knows the instance (a hand edit of lanes.yml, then Start).
    const started = () => call('instances.start', { name: 'cc' }).then(() => true, () => false);
    await waitFor(started, 'the start of the new instance');

    // Claude Code reads its hooks once, when it starts: the guard must have been there.
    const recorded = await waitFor(() => (existsSync(record) ? JSON.parse(readFileSync(record, 'utf8')) : null), 'the agent to start');
    expect(recorded.cwd).toBe(realpathSync(worktree));
    expect(recorded.hooksAtStart.PreToolUse?.[0]?.hooks?.[0]?.command).toMatch(/guard.*--instance cc/);
    rmSync(slowFlag);
    await call('instances.stopAll');
  }, 60_000);
});

describe('instances: terminal output', () => {
  it('replays recent output to a viewer that reconnects', async () => {
    const root = makeWorkspace([{ name: 'log', agent: fakeAgent('--print=first line', '--print=second line') }]);
    const { call } = await open(root);
    await call('instances.start', { name: 'log' });
    await waitFor(async () => (await stateOf(call, 'log')).status === 'exited', 'the exit');
    const first = await call('instances.attach', { name: 'log' });
    expect(first.data).toContain('first line');
    expect(first.data).toContain('second line');
    expect(first.running).toBe(false);
    const second = await call('instances.attach', { name: 'log' });
    expect({ ...second, viewer: first.viewer }).toEqual(first);
    expect(second.viewer).not.toBe(first.viewer);
  });

  it('delivers a flood to a slow reader completely, with unacknowledged output bounded', async () => {
    const bytes = 5_000_000;
    const root = makeWorkspace([{ name: 'flood', agent: fakeAgent(`--flood=${bytes}`) }]);
    const { core, call } = await open(root);
    const { viewer } = await call('instances.attach', { name: 'flood' });
    const chunks: string[] = [];
    let received = 0;
    let acknowledged = 0;
    let maxOutstanding = 0;
    let ackChain = Promise.resolve();
    core.onEvent((name, payload: any) => {
      if (name !== 'instances.output' || payload.instance !== 'flood') return;
      chunks.push(payload.data);
      received += payload.data.length;
      maxOutstanding = Math.max(maxOutstanding, received - acknowledged);
      // A slow reader: it draws about 2 MB/s, one chunk after the other.
      ackChain = ackChain.then(async () => {
        await new Promise((resolve) => setTimeout(resolve, Math.ceil(payload.data.length / 2_000)));
        acknowledged += payload.data.length;
        await call('instances.ack', { name: 'flood', viewer, chars: payload.data.length });
      });
    });
    await call('instances.start', { name: 'flood' });
    await waitFor(async () => (await stateOf(call, 'flood')).status === 'exited', 'the end of the flood', 30_000);
    await ackChain;
    const text = chunks.join('').replace(/\r\n/g, '\n');
    const lines = text.split('\n').filter((line) => line.startsWith('L'));
    expect(lines.length).toBe(bytes / 100);
    const outOfOrder = lines.findIndex((line, index) => line !== `L${String(index + 1).padStart(8, '0')} ${'x'.repeat(89)}`);
    expect(outOfOrder).toBe(-1);
    // The reader fell behind (so flow control had work to do), yet never by more than the
    // high-water mark plus one batch. A batch is sent once it reaches `flushChars`, so it can
    // exceed that by the last read from the pty (at most 64 KiB; under load in CI, 484 chars).
    expect(maxOutstanding).toBeGreaterThan(FLOW_DEFAULTS.highWater);
    expect(maxOutstanding).toBeLessThanOrEqual(FLOW_DEFAULTS.highWater + FLOW_DEFAULTS.flushChars + PTY_READ_MAX);
  }, 40_000);
});
