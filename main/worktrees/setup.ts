import { spawn, type ChildProcess } from 'node:child_process';
import type { SetupResult } from '../contract/worktrees';
import { disposableTimeout } from '../shared/disposable';

const TAIL_CHARS = 8_000;
const KILL_GRACE_MS = 3_000;
/** Event-loop turns spent reading what a finished command left in its pipes (each reads up to 64 KB). */
const SETTLE_TURNS = 64;

/**
 * Runs the workspace's `setup:` command (from lanes.yml, written by the user like an npm
 * script, so it goes through the shell) in a new worktree, streaming its output. Every run is
 * tracked so closing the workspace ends it, with its children.
 */
export class SetupRunner {
  private readonly running = new Set<ChildProcess>();

  run(command: string, cwd: string, onOutput: (data: string) => void): Promise<SetupResult> {
    return new Promise((resolve) => {
      let tail = '';
      const child = spawn(command, {
        cwd,
        shell: true,
        // Its own process group, so stopping it reaches `npm ci`'s children too.
        detached: process.platform !== 'win32',
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, CI: process.env.CI ?? '1' },
        windowsHide: true,
      });
      this.running.add(child);
      let heard = false;
      const take = (chunk: Buffer) => {
        heard = true;
        const text = chunk.toString('utf8');
        tail = (tail + text).slice(-TAIL_CHARS);
        onOutput(text);
      };
      child.stdout!.on('data', take);
      child.stderr!.on('data', take);
      let ended = false;
      const end = (result: SetupResult) => {
        if (ended) return;
        ended = true;
        this.running.delete(child);
        // A grandchild that left the group (a daemon `npm ci` or a dev server starts) may hold
        // the pipes open for ever; Lanes stops listening rather than wait for it.
        child.stdout!.destroy();
        child.stderr!.destroy();
        resolve(result);
      };
      child.once('error', (error) => {
        const message = `Lanes could not start the setup command: ${error.message}\n`;
        onOutput(message);
        end({ command, exitCode: null, signal: null, tail: (tail + message).slice(-TAIL_CHARS) });
      });
      // The command's own end is `exit`; `close` waits until every process holding its output is
      // gone too. Output still in the pipes when it exits is read first: each turn of the event
      // loop reads what is there, and the run ends after a turn that brought nothing new (or
      // after enough turns that only a grandchild still talking can be the source).
      child.once('exit', (code, signal) => {
        const finish = () => end({ command, exitCode: code, signal: signal ?? null, tail });
        child.once('close', finish);
        let turns = 0;
        const settle = () => {
          if (ended) return;
          turns += 1;
          if (!heard || turns > SETTLE_TURNS) return finish();
          heard = false;
          setImmediate(settle);
        };
        heard = true;
        setImmediate(settle);
      });
    });
  }

  /** Ends every setup still running (SIGTERM to its group, SIGKILL after a grace period) and waits. */
  async stopAll(): Promise<void> {
    await Promise.all([...this.running].map((child) => stop(child)));
  }
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const grace = disposableTimeout(() => signal(child, 'SIGKILL'), KILL_GRACE_MS);
    child.once('exit', () => {
      grace.dispose();
      resolve();
    });
    signal(child, 'SIGTERM');
  });
}

function signal(child: ChildProcess, name: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    if (process.platform === 'win32') {
      spawn('taskkill', ['/pid', String(child.pid), '/T', '/F'], { windowsHide: true, stdio: 'ignore' });
    } else {
      process.kill(-child.pid, name);
    }
  } catch {
    // Already gone.
  }
}
