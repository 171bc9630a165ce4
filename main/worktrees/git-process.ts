import { spawn } from 'node:child_process';
import { LanesError } from '../shared/errors';

export interface GitProgress {
  /** What git is doing, as it says it: "Updating files". */
  readonly title: string;
  readonly percent: number;
}

export interface GitResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  readonly onProgress?: (progress: GitProgress) => void;
}

/**
 * Runs git with its arguments as a list (never a shell) and gives back its exit code, which the
 * shared simple-git runner hides when git fails without a word (`rev-parse --quiet`,
 * `merge-tree` with conflicts). Progress lines git writes to stderr ("Updating files:  45%
 * (9000/20000)") are reported as they come instead of being kept.
 */
export function runGit(cwd: string, args: readonly string[], options: RunOptions = {}): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', [...args], {
      cwd,
      env: { ...process.env, GIT_TERMINAL_PROMPT: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
      windowsHide: true,
    });
    const stdout: Buffer[] = [];
    let stderr = '';
    let pending = '';
    let lastPercent = -1;
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      pending += chunk;
      const parts = pending.split(/[\r\n]/);
      pending = parts.pop() ?? '';
      for (const line of parts) {
        const progress = parseProgressLine(line);
        if (!progress) {
          if (line.trim() !== '') stderr += `${line}\n`;
        } else if (progress.percent !== lastPercent) {
          lastPercent = progress.percent;
          options.onProgress?.(progress);
        }
      }
    });
    child.once('error', (error) => reject(new LanesError('unavailable', `Lanes could not run git (${error.message}). Is git installed and on the PATH?`)));
    child.once('close', (code) => {
      if (pending.trim() !== '' && !parseProgressLine(pending)) stderr += pending;
      resolve({ code: code ?? 1, stdout: Buffer.concat(stdout).toString('utf8'), stderr });
    });
  });
}

/** Like `runGit`, but a non-zero exit becomes a `git-failed` error carrying git's own words. */
export async function gitChecked(cwd: string, args: readonly string[], options: RunOptions = {}): Promise<string> {
  const result = await runGit(cwd, args, options);
  if (result.code !== 0) throw gitFailure(args, result);
  return result.stdout;
}

export function gitFailure(args: readonly string[], result: GitResult): LanesError {
  const text = result.stderr.replace(/^(fatal|error): /gm, '').trim() || result.stdout.trim() || `exit code ${result.code}`;
  return new LanesError('git-failed', `git ${args[0] ?? ''} failed: ${text}`, { args: [...args] });
}

export function parseProgressLine(line: string): GitProgress | null {
  const match = /^([^:]+):\s+(\d{1,3})% \(\d+\/\d+\)/.exec(line.trim());
  return match ? { title: match[1]!.trim(), percent: Number(match[2]) } : null;
}
