import { afterEach, describe, expect, it, vi } from 'vitest';
import { makeTempDir } from '../../test/support/repo';
import { agentKind, whyNotTyped } from './agent-context';
import { resolveProgram, shellQuote, splitCommandLine } from './command-line';
import { NotifyServer } from './host/notify-server';
import { TerminalScreen } from './host/terminal-screen';
import { OutputPipe, type OutputPipeOptions } from './host/output-pipe';
import { ScreenStatusTracker, stripAnsi } from './host/screen-status';
import { CommandSession } from './command-session';
import { descendantsOf, listProcesses, parseCimProcessList } from './process-tree';
import { spawn } from 'node:child_process';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

describe('splitCommandLine', () => {
  it('splits words with POSIX quoting', () => {
    expect(splitCommandLine(`claude --model 'opus 4' --name "a \\"b\\"" c\\ d`)).toEqual(['claude', '--model', 'opus 4', '--name', 'a "b"', 'c d']);
    expect(splitCommandLine('  aider   --yes  ')).toEqual(['aider', '--yes']);
    expect(splitCommandLine(`echo '' x`)).toEqual(['echo', '', 'x']);
    expect(splitCommandLine('codex "a|b" \'$(x)\'')).toEqual(['codex', 'a|b', '$(x)']);
  });

  it('refuses shell syntax, unclosed quotes and empty commands', () => {
    expect(() => splitCommandLine('claude && rm -rf /')).toThrow(/shell syntax \(`&`\)/);
    expect(() => splitCommandLine('claude > log')).toThrow(/shell syntax/);
    expect(() => splitCommandLine('claude $(whoami)')).toThrow(/`\$\(`/);
    expect(() => splitCommandLine('claude "$(whoami)"')).toThrow(/`\$\(`/);
    expect(() => splitCommandLine(`claude 'oops`)).toThrow(/unclosed ' quote/);
    expect(() => splitCommandLine('   ')).toThrow(/empty/);
  });

  it('round-trips through shellQuote', () => {
    const words = ['node', '/tmp/a b/agent.mjs', "it's", '--x=1:2', ''];
    expect(splitCommandLine(words.map(shellQuote).join(' '))).toEqual(words);
  });
});

describe('resolveProgram', () => {
  it('finds programs on PATH and relative to the working folder, and says when it cannot', () => {
    const dir = makeTempDir();
    const script = path.join(dir, 'agent.sh');
    writeFileSync(script, '#!/bin/sh\n');
    chmodSync(script, 0o755);
    expect(resolveProgram('agent.sh', '/', { PATH: `/nonexistent:${dir}` })).toBe(script);
    expect(resolveProgram('./agent.sh', dir, { PATH: '' })).toBe(script);
    expect(() => resolveProgram('./missing.sh', dir, { PATH: '' })).toThrow(/does not exist in/);
    writeFileSync(path.join(dir, 'plain'), 'x');
    expect(() => resolveProgram('plain', '/', { PATH: dir })).toThrow(/not found on PATH/);
  });
});

describe('agentKind', () => {
  it('knows agents by file name', () => {
    expect(agentKind('/usr/local/bin/claude')).toBe('claude');
    expect(agentKind('C:\\tools\\codex.cmd')).toBe('codex');
    expect(agentKind('/bin/bash')).toBe('shell');
    expect(agentKind('/usr/bin/node')).toBe('other');
  });
});

describe('whyNotTyped', () => {
  const instance = (agent: string, takesInstructions?: boolean) => ({ name: 'api', role: 'backend', agent, zones: [], ...(takesInstructions === undefined ? {} : { takesInstructions }) });

  it('types into agents that take prose, by program name, and into any command marked takesInstructions: true', () => {
    for (const agent of ['claude', '/usr/local/bin/claude --model opus', 'codex', 'gemini', 'aider --yes', "'C:\\tools\\codex.cmd'"]) expect(whyNotTyped(instance(agent))).toBeNull();
    expect(whyNotTyped(instance('node agent.mjs', true))).toBeNull();
    expect(whyNotTyped(instance('bash', true))).toBeNull();
  });

  it('says why it does not type into a shell, another command, or one marked takesInstructions: false', () => {
    expect(whyNotTyped(instance('bash'))).toBe('api runs `bash`, which would run this text as a command; paste it where it belongs.');
    expect(whyNotTyped(instance('/usr/bin/zsh -l'))).toBe('api runs `zsh`, which would run this text as a command; paste it where it belongs.');
    expect(whyNotTyped(instance('node agent.mjs'))).toMatch(/^api runs `node`, which Lanes does not know to take typed instructions; .* set `takesInstructions: true` for api in lanes\.yml/);
    expect(whyNotTyped(instance('claude', false))).toMatch(/marked `takesInstructions: false`/);
  });
});

describe('ScreenStatusTracker', () => {
  const timings = { promptQuietMs: 100, lineQuietMs: 500, idleQuietMs: 1000 };

  it('running while output flows, waiting at a question, idle after long silence on an empty line', () => {
    const screen = new ScreenStatusTracker(timings);
    screen.feed('\x1b[32mBuilding\x1b[0m...\r\n', 0);
    expect(screen.assess(50).status).toBe('running');
    expect(screen.assess(600).status).toBe('running');
    expect(screen.assess(1200).status).toBe('idle');
    screen.feed('\x1b[1mOverwrite src/a.ts? (y/n) \x1b[0m', 2000);
    expect(screen.assess(2150)).toEqual({ status: 'waiting', detail: 'asks: Overwrite src/a.ts? (y/n)' });
  });

  it('counts text left on the cursor line as waiting only after a longer silence', () => {
    const screen = new ScreenStatusTracker(timings);
    screen.feed('Downloading 45%', 0);
    expect(screen.assess(200).status).toBe('running');
    expect(screen.assess(600)).toEqual({ status: 'waiting', detail: 'at: Downloading 45%' });
  });

  it('reads the line as drawn: carriage returns overwrite, escape sequences vanish', () => {
    const screen = new ScreenStatusTracker(timings);
    screen.feed('progress 10%\rprogress 99%\r\n\x1b]0;title\x07user@host:~$ ', 0);
    expect(screen.currentLine()).toBe('user@host:~$ ');
    expect(screen.assess(150).status).toBe('waiting');
    expect(stripAnsi('\x1b[?2004h\x1b[31mred\x1b[m')).toBe('red');
  });

  it('tracks bracketed paste mode', () => {
    const screen = new ScreenStatusTracker(timings);
    screen.feed('\x1b[?2004h> ', 0);
    expect(screen.bracketedPaste).toBe(true);
    screen.feed('\x1b[?2004l', 1);
    expect(screen.bracketedPaste).toBe(false);
    screen.feed('a\x1b[?2004hb\x1b[?2004lc\x1b[?2004hd', 2);
    expect(screen.bracketedPaste).toBe(true);
  });

  it('takes an empty chunk as a sign of life without holding on to it', () => {
    const screen = new ScreenStatusTracker(timings);
    screen.feed('$ ', 0);
    for (let tick = 1; tick <= 10_000; tick += 1) screen.feed('', tick);
    expect(screen.assess(10_000).status).toBe('running');
    expect((screen as unknown as { chunks: string[] }).chunks).toHaveLength(1);
  });

  it('keeps the cursor line whether output comes in one piece or one character at a time', () => {
    const screen = new ScreenStatusTracker(timings);
    const output = `${'x'.repeat(9_000)}\r\nlast line? `;
    for (const char of output) screen.feed(char, 0);
    expect(screen.currentLine()).toBe('last line? ');
    screen.feed(`${'y'.repeat(100_000)}\r\n$ `, 1);
    expect(screen.currentLine()).toBe('$ ');
  });
});

/** A pipe whose pauses and resumes are recorded in order. */
function flowPipe(options: Partial<OutputPipeOptions>): { pipe: OutputPipe; calls: string[] } {
  const calls: string[] = [];
  const pipe = new OutputPipe({ emit() {}, pause: () => calls.push('pause'), resume: () => calls.push('resume'), ...options });
  return { pipe, calls };
}

describe('OutputPipe', () => {
  afterEach(() => vi.useRealTimers());

  it('batches output until the timer or the size limit', () => {
    vi.useFakeTimers();
    const emitted: Array<[string, number]> = [];
    const pipe = new OutputPipe({ emit: (data, seq) => emitted.push([data, seq]), pause() {}, resume() {}, flushChars: 10 });
    pipe.push('ab');
    pipe.push('cd');
    expect(emitted).toEqual([]);
    vi.advanceTimersByTime(16);
    expect(emitted).toEqual([['abcd', 1]]);
    pipe.push('0123456789');
    expect(emitted[1]).toEqual(['0123456789', 2]);
  });

  it('pauses above the high-water mark and resumes below the low one', () => {
    const { pipe, calls } = flowPipe({ highWater: 100, lowWater: 10, flushChars: 50 });
    const { viewer } = pipe.attach();
    pipe.push('x'.repeat(60));
    pipe.push('x'.repeat(60));
    expect(calls).toEqual(['pause']);
    pipe.ack(viewer, 60);
    expect(calls).toEqual(['pause']);
    pipe.ack(viewer, 55);
    expect(calls).toEqual(['pause', 'resume']);
    pipe.dispose();
  });

  it('paces the agent to the fastest of several viewers, counting each one on its own', () => {
    const { pipe, calls } = flowPipe({ highWater: 100, lowWater: 10, flushChars: 50 });
    const first = pipe.attach().viewer;
    const second = pipe.attach().viewer;
    expect(first).not.toBe(second);
    pipe.push('x'.repeat(60));
    pipe.push('x'.repeat(60));
    expect(calls).toEqual(['pause']);
    // Two pages each 60 behind: their acknowledgements do not add up to one viewer that caught up.
    pipe.ack(first, 60);
    pipe.ack(second, 60);
    expect(calls).toEqual(['pause']);
    pipe.ack('no-such-viewer', 1_000);
    expect(calls).toEqual(['pause']);
    pipe.ack(first, 55);
    expect(calls).toEqual(['pause', 'resume']);
    // The faster one leaves: the one left behind sets the pace.
    pipe.detach(first);
    pipe.push('x'.repeat(60));
    expect(calls).toEqual(['pause', 'resume', 'pause']);
    pipe.detach(second);
    expect(calls).toEqual(['pause', 'resume', 'pause', 'resume']);
    expect(pipe.viewerCount).toBe(0);
    pipe.dispose();
  });

  it('while paused, waits for viewers that still acknowledge, and resumes once all went quiet', () => {
    vi.useFakeTimers();
    const { pipe, calls } = flowPipe({ highWater: 100, lowWater: 10, flushChars: 50, staleMs: 1000 });
    const first = pipe.attach().viewer;
    pipe.attach(); // never acknowledges
    pipe.push('x'.repeat(200));
    expect(calls).toEqual(['pause']);
    vi.advanceTimersByTime(900);
    pipe.ack(first, 20); // still far behind, but there
    vi.advanceTimersByTime(800);
    expect(calls).toEqual(['pause']);
    vi.advanceTimersByTime(200); // a full second without a word from anyone
    expect(calls).toEqual(['pause', 'resume']);
    pipe.dispose();
  });

  it('keeps pacing a viewer that had nothing to acknowledge for a while, or that was slow once', () => {
    vi.useFakeTimers();
    const { pipe, calls } = flowPipe({ highWater: 100, lowWater: 10, flushChars: 50, staleMs: 1000 });
    const viewer = pipe.attach().viewer;
    vi.advanceTimersByTime(5_000); // the agent was quiet: nothing to draw, nothing to acknowledge
    pipe.push('x'.repeat(200));
    expect(calls).toEqual(['pause']);
    vi.advanceTimersByTime(1_000); // the view is slow to answer: the agent is let go meanwhile
    expect(calls).toEqual(['pause', 'resume']);
    pipe.ack(viewer, 50); // and it answers after all, still 150 behind: it counts again
    expect(calls).toEqual(['pause', 'resume', 'pause']);
    pipe.push('x'.repeat(60));
    pipe.ack(viewer, 205);
    expect(calls).toEqual(['pause', 'resume', 'pause', 'resume']);
    pipe.dispose();
  });

  it('forgets a viewer that owed output for a minute without a word (a closed page)', () => {
    vi.useFakeTimers();
    const { pipe } = flowPipe({ highWater: 100, lowWater: 10, flushChars: 50, staleMs: 1000 });
    const live = pipe.attach().viewer;
    pipe.attach(); // never acknowledges
    pipe.push('x'.repeat(120));
    pipe.ack(live, 120);
    vi.advanceTimersByTime(11_000);
    pipe.push('x'.repeat(60));
    pipe.ack(live, 60);
    expect(pipe.viewerCount).toBe(2);
    vi.advanceTimersByTime(1_000);
    pipe.push('x'.repeat(60));
    expect(pipe.viewerCount).toBe(1);
    pipe.dispose();
  });

  it('does not pause without a viewer, and resumes when a viewer stops acknowledging', () => {
    vi.useFakeTimers();
    const { pipe, calls } = flowPipe({ highWater: 10, flushChars: 20, staleMs: 1000 });
    pipe.push('x'.repeat(30));
    expect(calls).toEqual([]);
    pipe.attach();
    pipe.push('x'.repeat(30));
    expect(calls).toEqual(['pause']);
    vi.advanceTimersByTime(1000);
    expect(calls).toEqual(['pause', 'resume']);
    pipe.dispose();
  });

  it('numbers its batches, and tells a viewer that opens the terminal which one it has reached', () => {
    const pipe = new OutputPipe({ emit() {}, pause() {}, resume() {}, flushChars: 1 });
    for (const chunk of ['a', 'bb', 'cccc']) pipe.push(chunk);
    expect(pipe.attach()).toEqual({ seq: 3, viewer: 'v1' });
  });
});

describe('TerminalScreen', () => {
  it('redraws the screen and its scrollback as parsed up to the moment asked, and nothing written after', async () => {
    const screen = new TerminalScreen(20, 5);
    for (let line = 1; line <= 50; line += 1) screen.write(`${line}\r\n`);
    screen.write('\x1b[31mred\x1b[0m');
    const drawn = screen.serialize();
    screen.write('\r\nlater');
    const text = await drawn;
    expect(text.split('\r\n').slice(0, 50)).toEqual(Array.from({ length: 50 }, (_, index) => String(index + 1)));
    expect(text).toContain('\x1b[31mred');
    expect(text).not.toContain('later');
    screen.dispose();
  });
});

describe('NotifyServer', () => {
  it('takes reports only with the current secret of the named instance, from the loopback host', async () => {
    const reports: unknown[] = [];
    const server = new NotifyServer((report) => reports.push(report));
    await server.start();
    try {
      const token = server.issueToken('/repo\napi', 'api');
      const send = (body: unknown, secret: string, host?: string) =>
        fetch(server.url, { method: 'POST', headers: { Authorization: `Bearer ${secret}`, ...(host ? { Host: host } : {}) }, body: JSON.stringify(body) });
      expect((await send({ instance: 'api', event: 'Stop' }, 'wrong')).status).toBe(401);
      expect((await send({ instance: 'web', event: 'Stop' }, token)).status).toBe(401);
      expect((await send({ instance: 'api', event: 'Notification', message: 'Allow edit?' }, token)).status).toBe(204);
      expect(reports).toEqual([{ agent: '/repo\napi', event: 'Notification', message: 'Allow edit?' }]);
      server.revokeToken('/repo\napi');
      expect((await send({ instance: 'api', event: 'Stop' }, token)).status).toBe(401);
    } finally {
      await server.close();
    }
  });
});

describe('process tables', () => {
  it('reads the Windows process list PowerShell prints, skipping noise', () => {
    const table = parseCimProcessList(
      ['0 0 0 8192 0', '4 0 133780000000000000 135168 4250000', 'Get-CimInstance : access denied', '', '5120 812 133790123456789012 52428800 25000000\r', '5200 5120 133790123456999999 1048576 1000'].join('\r\n'),
    );
    expect([...table.keys()]).toEqual([0, 4, 5120, 5200]);
    expect(table.get(5120)).toEqual({ pid: 5120, ppid: 812, pgid: 0, state: 'R', startTime: '133790123456789012', rssBytes: 52428800, cpuSeconds: 2.5, cpuPercent: null });
    expect(descendantsOf(table, 5120).map((info) => info.pid)).toEqual([5120, 5200]);
  });

  it.runIf(process.platform === 'linux')('reads every process of the machine from /proc, past several slices of the scan, with the fields the process tree needs', async () => {
    // 120 children, so the table holds more processes than several slices of the scan read.
    const children = Array.from({ length: 120 }, () => spawn('sleep', ['30'], { stdio: 'ignore' }));
    try {
      await Promise.all(children.map((child) => new Promise((resolve) => child.once('spawn', resolve))));
      const table = await listProcesses();
      const me = table.get(process.pid)!;
      const stat = readFileSync(`/proc/${process.pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      expect(me).toMatchObject({ pid: process.pid, ppid: process.ppid, pgid: Number(fields[2]), state: 'R', startTime: fields[19], cpuPercent: null });
      expect(me.rssBytes).toBeGreaterThan(10 * 1024 * 1024);
      expect(me.cpuSeconds).toBeGreaterThan(0);
      expect(children.filter((child) => table.get(child.pid!)?.ppid === process.pid)).toHaveLength(120);
      expect(descendantsOf(table, process.pid).length).toBeGreaterThanOrEqual(121);
    } finally {
      for (const child of children) child.kill('SIGKILL');
    }
  });

  it('does not take a process for a child when it started before its "parent" (a reused pid on Windows)', () => {
    const table = parseCimProcessList(['700 1 2000 1 1', '900 700 1000 1 1', '901 700 3000 1 1', '902 901 4000 1 1'].join('\n'));
    expect(descendantsOf(table, 700).map((info) => info.pid)).toEqual([700, 901, 902]);
  });
});

describe('CommandSession', () => {
  const shell = () => new CommandSession('sh', [], (command, marker) => `${command}; echo ${marker}`, 2_000);

  it('answers requests in order from one long-lived interpreter', async () => {
    const session = shell();
    try {
      const [first, second] = await Promise.all([session.run('echo one; echo $$'), session.run('echo two; echo $$')]);
      expect(first.split('\n')[0]).toBe('one');
      expect(second.split('\n')[0]).toBe('two');
      // The same process answered both: its pid did not change.
      expect(first.split('\n')[1]).toBe(second.split('\n')[1]);
    } finally {
      session.dispose();
    }
  });

  it('replaces an interpreter that exits or hangs, and reports one that cannot start', async () => {
    const session = shell();
    try {
      await expect(session.run('exit 3')).rejects.toThrow('sh exited (code 3) before it answered.');
      expect(await session.run('echo back')).toBe('back');
      const hanging = new CommandSession('sh', [], (command, marker) => `${command}; echo ${marker}`, 200);
      await expect(hanging.run('sleep 5')).rejects.toThrow('did not answer within 0.2 s');
      expect(await hanging.run('echo awake')).toBe('awake');
      hanging.dispose();
      await expect(new CommandSession('/no/such/interpreter', [], (command) => command).run('x')).rejects.toThrow('could not run');
    } finally {
      session.dispose();
    }
  });
});
