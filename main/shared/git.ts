import { simpleGit, GitError, type SimpleGit } from 'simple-git';
import { LanesError } from './errors';

/**
 * The one way Lanes runs git. Arguments are passed as a list (never through a shell), and
 * git's own stderr becomes the message of a `git-failed` error so the user sees what git said.
 */
export async function git(cwd: string, args: readonly string[]): Promise<string> {
  try {
    return await client(cwd).raw([...args]);
  } catch (error) {
    throw gitError(args, error);
  }
}

/** Like `git` but answers null instead of failing, for questions whose "no" is an exit code. */
export async function gitOrNull(cwd: string, args: readonly string[]): Promise<string | null> {
  try {
    return await client(cwd).raw([...args]);
  } catch (error) {
    if (error instanceof GitError) return null;
    throw error;
  }
}

export function client(cwd: string): SimpleGit {
  return simpleGit({
    baseDir: cwd,
    maxConcurrentProcesses: 4,
    trimmed: false,
    // simple-git treats a non-zero exit with an empty stderr as success; a failed git command
    // must fail here (`symbolic-ref -q` on a detached HEAD, for one).
    errors(error, result) {
      if (error) return error;
      if (result.exitCode === 0) return undefined;
      const output = Buffer.concat([...result.stdErr, ...result.stdOut]).toString().trim();
      return new Error(output || `git exited with code ${result.exitCode}`);
    },
  });
}

function gitError(args: readonly string[], error: unknown): LanesError {
  const stderr = error instanceof Error ? error.message.trim() : String(error);
  const text = stderr.replace(/^(fatal|error): /gm, '').trim();
  return new LanesError('git-failed', `git ${args[0] ?? ''} failed: ${text}`, { args: [...args] });
}
