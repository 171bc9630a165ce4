import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeTempDir } from '../../test/support/repo';
import * as nodePty from 'node-pty';
import { InstanceProcess, readUntilDry, REST_LIMIT } from './host/instance-process';
import { killTree, processExists } from './process-tree';
import { fakeAgent, isRunningPid, makeWorkspace, openCore, openDescriptors, waitFor } from './test-support';

function startTimeOf(pid: number): string {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]!;
}

/** About 2 KB, which the pty holds without blocking the agent. */
const TEXT = `${Array.from({ length: 30 }, (_, index) => `line ${index + 1} ${'.'.repeat(60)}`).join('\n')}\nend\n`;

/** An instance whose output is kept; `done` settles once its run has ended. */
function recording(name: string) {
  const outputs: string[] = [];
  let ended!: () => void;
  const done = new Promise<void>((resolve) => (ended = resolve));
  const instance = new InstanceProcess(name, { output: (data) => outputs.push(data), changed() {}, attention() {}, tracked() {}, ended: () => ended() });
  return { instance, done, text: () => outputs.join('').replace(/\r\n/g, '\n') };
}

function agentPrinting(script: string) {
  return { file: process.execPath, args: ['-e', script], cwd: '/', env: { PATH: process.env.PATH ?? '' }, hooks: false };
}

/** This process does nothing else meanwhile, as a host beside CPU-bound loops (at most 20 s). */
function offTheCpuUntil(done: () => boolean): void {
  const until = Date.now() + 20_000;
  while (!done() && Date.now() < until) {
    // busy
  }
}

/** node-pty's private parts the host reaches into. */
function ptyOf(instance: InstanceProcess): { fd: number; _socket: { destroy(): void } } {
  return (instance as unknown as { pty: { fd: number; _socket: { destroy(): void } } }).pty;
}

describe.runIf(process.platform === 'linux')('pty processes', () => {
  it('spawns and ends 200 ptys without leaking a file descriptor', async () => {
    const quiet = { output() {}, changed() {}, attention() {}, tracked() {}, ended() {} };
    const runOnce = async () => {
      let ended!: () => void;
      const done = new Promise<void>((resolve) => (ended = resolve));
      const instance = new InstanceProcess('fd', { ...quiet, ended: () => ended() });
      instance.start({ file: '/bin/sh', args: ['-c', 'echo hi'], cwd: '/', env: { PATH: process.env.PATH ?? '' }, hooks: false });
      await done;
      instance.dispose();
    };
    await runOnce(); // the first pty opens descriptors node keeps for good (signal pipes)
    await new Promise((resolve) => setTimeout(resolve, 100));
    const before = openDescriptors();
    for (let index = 0; index < 200; index += 1) await runOnce();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(openDescriptors()).toBe(before);
    // About 12 s on a quiet machine; beside other CPU-bound work each pty's fork can take ten
    // times longer. The test is about descriptors, not speed.
  }, 180_000);

  it('keeps the last output of an agent that exited while its host was off the CPU', async () => {
    const { instance, text, done } = recording('late');
    instance.start(agentPrinting(`process.stdout.write(${JSON.stringify(TEXT)})`));
    // Nothing of this process runs until the agent has exited and been reaped (node-pty reaps on a thread of its own).
    const pid = instance.pid!;
    offTheCpuUntil(() => !processExists(pid));
    expect(processExists(pid)).toBe(false);
    // What node-pty does 200 ms after the exit when its stream has not ended: its timer comes
    // due before the read it was waiting for, and it destroys the stream.
    ptyOf(instance)._socket.destroy();
    await done;
    instance.dispose();
    expect(text()).toContain(TEXT);
  });

  it('keeps what is still in the pty when its stream ends before the agent is gone', async () => {
    // Beside CPU-bound loops, the stream sometimes ended while the agent still existed and output
    // still waited in the pty: the page lost the last 1-2% of a 1 MB flood (bench/terminal.bench.ts).
    const { instance, text, done } = recording('late');
    const written = path.join(makeTempDir('lanes-late-'), 'written');
    instance.start(agentPrinting(`process.stdout.write(${JSON.stringify(TEXT)}, () => { require('fs').writeFileSync(${JSON.stringify(written)}, ''); setInterval(() => {}, 1000); })`));
    offTheCpuUntil(() => existsSync(written)); // the output waits in the pty, unread
    expect(processExists(instance.pid!)).toBe(true);
    ptyOf(instance)._socket.destroy();
    await instance.stop(1_000);
    await done;
    instance.dispose();
    expect(text()).toContain(TEXT);
  });

  it('reads nothing from the pty once its stream is closed: its descriptor may be another file by then', async () => {
    const { instance, text, done } = recording('closed');
    instance.start(agentPrinting('process.stdout.write("bye\\n")'));
    const pid = instance.pid!;
    offTheCpuUntil(() => !processExists(pid));
    const pty = ptyOf(instance);
    pty._socket.destroy(); // as node-pty does: the descriptor is closed
    // Files opened now take the lowest free numbers: one of them gets the pty's.
    const other = path.join(makeTempDir('lanes-fd-'), 'other');
    writeFileSync(other, 'NOT THE AGENT OUTPUT\n');
    const opened: number[] = [];
    while (opened.length < 200 && !opened.includes(pty.fd)) opened.push(openSync(other, 'r'));
    expect(opened).toContain(pty.fd);
    try {
      // What a pause for a screen behind on parsing did between the exit and its handling.
      (instance as unknown as { hold(reason: string): void }).hold('screen');
      (instance as unknown as { drainAfterExit(): void }).drainAfterExit();
      await done;
    } finally {
      for (const fd of opened) closeSync(fd);
    }
    instance.dispose();
    expect(text()).toContain('bye');
    expect(text()).not.toContain('NOT THE AGENT');
  });

  it('reads at most REST_LIMIT bytes left behind by an agent: a descriptor that never runs dry, as with a process still writing, cannot hold the host', () => {
    // /dev/zero always has more, as a pty does while a grandchild keeps printing; a pty is rarely
    // kept that full, because its reader usually finds it empty first.
    const fd = openSync('/dev/zero', 'r');
    try {
      let chars = 0;
      const read = readUntilDry(fd, REST_LIMIT, (text) => {
        chars += text.length;
        if (chars > 2 * REST_LIMIT) throw new Error(`still reading after ${chars} bytes`);
      });
      expect(read).toBe(REST_LIMIT);
      expect(chars).toBe(REST_LIMIT);
    } finally {
      closeSync(fd);
    }
  });

  it('reads what is left up to the end, and a character cut by the limit ends as U+FFFD, never as a broken string', () => {
    const dir = makeTempDir('lanes-rest-');
    const file = path.join(dir, 'rest.txt');
    writeFileSync(file, 'tail €\n');
    const read = (limit: number) => {
      const fd = openSync(file, 'r');
      try {
        const texts: string[] = [];
        return { bytes: readUntilDry(fd, limit, (text) => texts.push(text)), text: texts.join('') };
      } finally {
        closeSync(fd);
      }
    };
    expect(read(REST_LIMIT)).toEqual({ bytes: 9, text: 'tail €\n' });
    expect(read(6)).toEqual({ bytes: 6, text: 'tail \ufffd' });
  });

  it('ends the processes a crashed Lanes left running, and only those', async () => {
    const userDataDir = makeTempDir('lanes-user-');
    const leftover = spawn('sleep', ['60'], { detached: true, stdio: 'ignore' });
    const stranger = spawn('sleep', ['60'], { detached: true, stdio: 'ignore' });
    leftover.unref();
    stranger.unref();
    try {
      mkdirSync(path.join(userDataDir, 'instances'));
      // A Lanes with pid 999999 (not running) recorded one process; a running Lanes (this one) recorded the other.
      const record = (lanesPid: number, lanesStart: string, pid: number) =>
        JSON.stringify({ lanes: { pid: lanesPid, startTime: lanesStart }, instances: { api: { workspace: '/x', marker: 'LANES_RUN=none', processes: [{ pid, startTime: startTimeOf(pid) }] } } });
      writeFileSync(path.join(userDataDir, 'instances', 'pids-999999.json'), record(999999, '1', leftover.pid!));
      writeFileSync(path.join(userDataDir, 'instances', 'pids-1.json'), record(process.pid, startTimeOf(process.pid), stranger.pid!));
      const root = makeWorkspace([{ name: 'api', agent: fakeAgent('--exit=0') }]);
      const { core, call } = await openCore(root, userDataDir);
      await call('instances.start', { name: 'api' });
      expect(isRunningPid(leftover.pid!)).toBe(false);
      expect(isRunningPid(stranger.pid!)).toBe(true);
      await waitFor(async () => (await call('instances.list')).instances[0].status === 'exited', 'the exit');
      await core.dispose();
    } finally {
      stranger.kill('SIGKILL');
      leftover.kill('SIGKILL');
    }
  });
});

describe.runIf(process.platform === 'linux')('stopping a process tree', () => {
  it('hangs up an interactive shell the way a closing terminal does, so it ends without SIGKILL', async () => {
    // Interactive bash ignores SIGTERM: before the hang-up came first, every idle shell waited
    // out the whole grace period and was then killed.
    const shell = nodePty.spawn('bash', ['--norc', '--noprofile', '-i'], { cwd: '/', env: { PATH: process.env.PATH ?? '', TERM: 'xterm' } });
    const exited = new Promise<number | undefined>((resolve) => shell.onExit(({ signal }) => resolve(signal)));
    let output = '';
    shell.onData((data) => (output += data));
    await waitFor(async () => output.includes('$') || output.includes('#'), 'the prompt');
    const forced = await killTree({ rootPid: shell.pid, tracked: [], environmentMarker: null, graceMs: 10_000 });
    expect(forced).toBe(0);
    expect(await exited).toBe(1); // SIGHUP
  });

  it('still ends a program that ignores the hang-up, with SIGTERM', async () => {
    const program = nodePty.spawn(process.execPath, ['-e', "process.on('SIGHUP', () => {}); console.log('ready'); setInterval(() => {}, 1000)"], { cwd: '/', env: { PATH: process.env.PATH ?? '' } });
    const exited = new Promise<number | undefined>((resolve) => program.onExit(({ signal }) => resolve(signal)));
    let output = '';
    program.onData((data) => (output += data));
    await waitFor(async () => output.includes('ready'), 'the program');
    const forced = await killTree({ rootPid: program.pid, tracked: [], environmentMarker: null, graceMs: 10_000 });
    expect(forced).toBe(0);
    expect(await exited).toBe(15); // SIGTERM
  });
});
