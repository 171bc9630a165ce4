import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { errnoCode, LanesError } from './errors';

/**
 * The one way Lanes runs git. Arguments are passed as a list (never through a shell), git never
 * asks for a password on a terminal nobody sees, and git's own stderr becomes the message of a
 * `git-failed` error so the user sees what git said.
 */

/**
 * How many git commands Lanes runs at once. Every screen and watcher asks git questions; without
 * a limit for the whole process a busy workspace starts hundreds of git processes together
 * (other agent managers have pushed the load past 200 that way). The rest wait their turn.
 */
export const GIT_PROCESS_LIMIT = 6;

export interface GitProgress {
  /** What git is doing, as it says it: "Updating files". */
  readonly title: string;
  readonly percent: number;
}

export interface GitResult {
  readonly code: number;
  readonly stdout: string;
  /** What git said on stderr, without its progress lines. */
  readonly stderr: string;
}

export interface GitOptions {
  /** Called with each new percentage of the progress lines git writes ("Updating files:  45% (9000/20000)"). */
  readonly onProgress?: (progress: GitProgress) => void;
}

/** Runs git and gives back its output; a non-zero exit, even a silent one, is a `git-failed` error. */
export async function git(cwd: string, args: readonly string[], options: GitOptions = {}): Promise<string> {
  const result = await runGit(cwd, args, options);
  if (result.code !== 0) throw gitFailure(args, result);
  return result.stdout;
}

/** How long a command that writes the index waits for another git process to let go of it (ms, in turn). */
const LOCK_WAITS = [50, 100, 200, 400, 800, 1_200, 1_600];

/**
 * Like `git`, for a command that writes the index (`add`, `commit`): while another git process
 * holds .git/index.lock (an agent's `git add` in the same checkout), it tries again for a few
 * seconds, as a person would, before failing with git's own words. A lock left by a git that
 * crashed stays, and git's message says to remove it.
 */
export async function gitWritingIndex(cwd: string, args: readonly string[]): Promise<string> {
  for (let attempt = 0; ; attempt += 1) {
    const result = await runGit(cwd, args);
    if (result.code === 0) return result.stdout;
    const wait = LOCK_WAITS[attempt];
    if (wait === undefined || !isIndexLocked(result.stderr)) throw gitFailure(args, result);
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
}

function isIndexLocked(stderr: string): boolean {
  return /index\.lock'?: File exists/.test(stderr);
}

/**
 * Like `git` but answers null instead of failing, for questions whose "no" is an exit code. A
 * folder that does not exist is no repository either, so it answers null too.
 */
export async function gitOrNull(cwd: string, args: readonly string[]): Promise<string | null> {
  const output = await gitBytesOrNull(cwd, args);
  return output === null ? null : output.toString('utf8');
}

/** Like `gitOrNull` for output that is bytes rather than text, such as a file's committed content (`cat-file blob`). */
export async function gitBytesOrNull(cwd: string, args: readonly string[]): Promise<Buffer | null> {
  try {
    const result = await inPlace(() => collect(cwd, args, {}));
    return result.code === 0 ? result.stdout : null;
  } catch (error) {
    if (error instanceof LanesError && error.code === 'not-found') return null;
    throw error;
  }
}

/**
 * Runs git and gives back its exit code with its output, for callers that read the code itself
 * (`rev-parse --verify --quiet`, `merge-tree` with conflicts). It waits for one of the
 * `GIT_PROCESS_LIMIT` places first. Fails only when git could not be started at all.
 */
export async function runGit(cwd: string, args: readonly string[], options: GitOptions = {}): Promise<GitResult> {
  const result = await inPlace(() => collect(cwd, args, options));
  return { ...result, stdout: result.stdout.toString('utf8') };
}

/**
 * Starts git with the environment every git command of Lanes gets, outside the limit. Only for
 * processes that live as long as their owner, such as one `git check-ignore --stdin` per watched
 * checkout: holding a place for hours would leave fewer for everything else, and a handful of
 * watched checkouts would take every place and stall all other git commands for good.
 * Short commands go through `runGit`.
 */
export function spawnGit(cwd: string, args: readonly string[], env: Readonly<Record<string, string>> = {}): ChildProcessWithoutNullStreams {
  const child = spawn('git', [...args], {
    cwd,
    // No optional locks: Lanes asks git questions all day (`git status` for its panels), and a
    // status that refreshes the index takes .git/index.lock meanwhile, failing any `git add` or
    // commit of the user's, an agent's or Lanes' own with "index.lock: File exists".
    env: { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_OPTIONAL_LOCKS: '0', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
    windowsHide: true,
  });
  // Git may exit before it reads its input; its exit code says what happened, a broken pipe adds nothing.
  child.stdin.on('error', () => undefined);
  return child;
}

/** Where a checkout keeps its git data. */
export interface GitFolders {
  /** The checkout's own git folder: `.git`, or `.git/worktrees/<name>` for a linked worktree. */
  readonly gitDir: string;
  /** The folder all the repository's worktrees share (refs, hooks, `info/exclude`): the main checkout's `.git`. */
  readonly commonDir: string;
}

const knownFolders = new Map<string, Promise<GitFolders | null>>();

/**
 * The git folders of `checkout`, absolute, or null when it is no git checkout. Several rooms ask
 * at workspace open (the watcher, the guard installer, the ignore checks, the radar); each git
 * process costs the main thread 10–30 ms to start, so the answer is asked once, in one command,
 * and kept while its git folder exists (a worktree made again at the same path is asked again).
 */
export async function gitFolders(checkout: string): Promise<GitFolders | null> {
  const known = knownFolders.get(checkout);
  if (known) {
    const folders = await known;
    if (folders && existsSync(folders.gitDir)) return folders;
    if (knownFolders.get(checkout) === known) knownFolders.delete(checkout);
  }
  const asking = gitOrNull(checkout, ['rev-parse', '--path-format=absolute', '--absolute-git-dir', '--git-common-dir']).then((output) => {
    const [gitDir, commonDir] = (output ?? '').trim().split('\n');
    return gitDir && commonDir ? { gitDir, commonDir } : null;
  });
  knownFolders.set(checkout, asking);
  const folders = await asking.catch((error: unknown) => {
    knownFolders.delete(checkout);
    throw error;
  });
  if (!folders && knownFolders.get(checkout) === asking) knownFolders.delete(checkout); // not a checkout yet: ask again next time
  return folders;
}

/** Like `gitFolders`, for a folder that must be a git checkout. */
export async function requireGitFolders(checkout: string): Promise<GitFolders> {
  const folders = await gitFolders(checkout);
  if (!folders) throw new LanesError('not-a-repository', `\`${checkout}\` is not a git checkout.`);
  return folders;
}

/** The `git-failed` error for a finished command: git's own words without "fatal: ", else its exit code. */
export function gitFailure(args: readonly string[], result: GitResult): LanesError {
  const text = result.stderr.replace(/^(fatal|error): /gm, '').trim() || result.stdout.trim() || `git exited with code ${result.code}`;
  return new LanesError('git-failed', `git ${commandName(args)} failed: ${text}`, { args: [...args] });
}

/** The git command among the arguments: "ls-files" in `-c core.quotepath=off ls-files -z`. */
function commandName(args: readonly string[]): string {
  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index]!;
    if (arg === '-c' || arg === '-C') index += 1;
    else if (!arg.startsWith('-')) return arg;
  }
  return args[0] ?? '';
}

export function parseProgressLine(line: string): GitProgress | null {
  const match = /^([^:]+):\s+(\d{1,3})% \(\d+\/\d+\)/.exec(line.trim());
  return match ? { title: match[1]!.trim(), percent: Number(match[2]) } : null;
}

/** A first-come, first-served count of free places; a freed place goes straight to the longest waiter. */
class Places {
  private readonly waiting: (() => void)[] = [];

  constructor(private free: number) {}

  take(): Promise<void> {
    if (this.free > 0) {
      this.free -= 1;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  give(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.free += 1;
  }
}

const places = new Places(GIT_PROCESS_LIMIT);

/** What git printed, kept as bytes until the caller says whether it is text. */
interface GitBytesResult extends Omit<GitResult, 'stdout'> {
  readonly stdout: Buffer;
}

async function inPlace<T>(work: () => Promise<T>): Promise<T> {
  await places.take();
  try {
    return await work();
  } finally {
    places.give();
  }
}

function collect(cwd: string, args: readonly string[], options: GitOptions): Promise<GitBytesResult> {
  return new Promise((resolve, reject) => {
    const child = spawnGit(cwd, args);
    child.stdin.end();
    const stdout: Buffer[] = [];
    let stderr = '';
    let pending = '';
    let lastPercent = -1;
    let failedToStart = false;
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    // Progress lines end in "\r" while git counts and "\n" when it is done; both end a line here.
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
    child.once('error', (error) => {
      failedToStart = true;
      startFailure(cwd, error).then(reject, reject);
    });
    child.once('close', (code) => {
      if (failedToStart) return;
      if (pending.trim() !== '' && !parseProgressLine(pending)) stderr += pending;
      resolve({ code: code ?? 1, stdout: Buffer.concat(stdout), stderr });
    });
  });
}

/** Node says "spawn git ENOENT" both when git is missing and when the folder is; the user needs to know which. */
async function startFailure(cwd: string, error: Error): Promise<LanesError> {
  const folderMissing = await stat(cwd).then(
    (info) => !info.isDirectory(),
    (statError: unknown) => errnoCode(statError) === 'ENOENT' || errnoCode(statError) === 'ENOTDIR',
  );
  if (folderMissing) return new LanesError('not-found', `Lanes could not run git in \`${cwd}\`: that folder does not exist.`);
  return new LanesError('unavailable', `Lanes could not run git (${error.message}). Is git installed and on the PATH?`);
}
