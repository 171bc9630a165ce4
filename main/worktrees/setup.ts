import { spawn, type ChildProcess } from 'node:child_process';
import type { SetupResult } from '../contract/worktrees';

const TAIL_CHARS = 8_000;
const KILL_GRACE_MS = 3_000;

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
      const take = (chunk: Buffer) => {
        const text = chunk.toString('utf8');
        tail = (tail + text).slice(-TAIL_CHARS);
        onOutput(text);
      };
      child.stdout!.on('data', take);
      child.stderr!.on('data', take);
      child.once('error', (error) => {
        this.running.delete(child);
        const message = `Lanes could not start the setup command: ${error.message}\n`;
        onOutput(message);
        resolve({ command, exitCode: null, signal: null, tail: (tail + message).slice(-TAIL_CHARS) });
      });
      child.once('close', (code, signal) => {
        this.running.delete(child);
        resolve({ command, exitCode: code, signal: signal ?? null, tail });
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
    const timer = setTimeout(() => signal(child, 'SIGKILL'), KILL_GRACE_MS);
    child.once('close', () => {
      clearTimeout(timer);
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
