import { execFileSync } from 'node:child_process';
import { closeSync, constants, openSync, readdirSync, readFileSync, statSync, utimesSync, watch, writeFileSync, writeSync } from 'node:fs';
import { once } from 'node:events';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { git as fixtureGit, makeGitRepo, makeTempDir } from '../../test/support/repo';
import { GIT_PROCESS_LIMIT, git, gitBytesOrNull, gitOrNull, parseProgressLine, runGit, spawnGit, type GitProgress } from './git';
import { LanesError } from './errors';

/** The git processes this test process has started and that have not ended yet, read from /proc. */
function liveGitChildren(): number {
  let count = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue;
    }
    // "pid (comm) state ppid …"; comm may itself hold spaces or parentheses.
    const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (comm === 'git' && parent === process.pid) count += 1;
  }
  return count;
}

/** A git alias that runs a shell command; git stays alive, as the parent, until the command ends. */
function alias(name: string, command: string): string[] {
  return ['-c', `alias.${name}=!${command}`, name];
}

async function failureOf(promise: Promise<unknown>): Promise<LanesError> {
  const error = await promise.then(
    () => null,
    (reason: unknown) => reason,
  );
  if (!(error instanceof LanesError)) throw new Error(`expected a LanesError, got ${String(error)}`);
  return error;
}

/**
 * Git commands that wait until the test lets them go. Each one marks that it started (a file
 * `started-<call>`), then reads a line from one shared pipe; every line the test writes lets
 * exactly one of them end. The test keeps the pipe open, so nobody waits to open it.
 */
interface Gate {
  args(call: number): string[];
  /** Waits, by watching the folder, until `count` commands have started; gives back which. */
  started(count: number): Promise<number[]>;
  releaseOne(): void;
}

const openResources: { close(): void }[] = [];
afterEach(() => {
  for (const resource of openResources.splice(0)) resource.close();
});

function openGate(): Gate {
  const folder = makeTempDir('lanes-git-gate-');
  const pipe = path.join(folder, 'release');
  execFileSync('mkfifo', [pipe]);
  const pipeFd = openSync(pipe, constants.O_RDWR);
  const watcher = watch(folder);
  openResources.push({ close: () => closeSync(pipeFd) }, watcher);
  const startedCalls = () =>
    readdirSync(folder)
      .filter((name) => name.startsWith('started-'))
      .map((name) => Number(name.slice('started-'.length)));
  return {
    args: (call) => [...alias('hold', `hold() { : > "${folder}/started-$1"; read _ < "${pipe}"; }; hold`), String(call)],
    async started(count) {
      for (;;) {
        const calls = startedCalls();
        if (calls.length >= count) return calls.sort((a, b) => a - b);
        await once(watcher, 'change');
      }
    },
    releaseOne: () => writeSync(pipeFd, '\n'),
  };
}

describe('the limit on git processes', () => {
  it('runs 30 calls asked at once never more than the limit together, starting them in the order asked', async () => {
    const repo = makeGitRepo();
    const gate = openGate();
    const total = 30;
    let finished = 0;
    let onFinish = (): void => undefined;
    const calls = Array.from({ length: total }, (_, call) =>
      runGit(repo, gate.args(call)).then((result) => {
        finished += 1;
        onFinish();
        return result;
      }),
    );
    for (let released = 0; released < total; released += 1) {
      const running = Math.min(GIT_PROCESS_LIMIT, total - released);
      expect(await gate.started(released + running)).toEqual(Array.from({ length: released + running }, (_, call) => call));
      while (finished < released) await new Promise<void>((resolve) => (onFinish = resolve));
      expect(liveGitChildren()).toBe(running);
      gate.releaseOne();
    }
    const results = await Promise.all(calls);
    expect(results.map((result) => result.code)).toEqual(Array.from({ length: total }, () => 0));
    expect(liveGitChildren()).toBe(0);
  });
});

describe('git', () => {
  it('gives back what git printed', async () => {
    const repo = makeGitRepo();
    expect(await git(repo, ['rev-parse', '--abbrev-ref', 'HEAD'])).toBe('main\n');
  });

  it("fails with git's own words, without its \"fatal: \"", async () => {
    const folder = makeTempDir('lanes-not-a-repo-');
    const error = await failureOf(git(folder, ['rev-parse', 'HEAD']));
    expect(error.code).toBe('git-failed');
    expect(error.message).toMatch(/^git rev-parse failed: not a git repository/);
    expect(error.details).toEqual({ args: ['rev-parse', 'HEAD'] });
  });

  it('names the git command, not the options before it, in its failure', async () => {
    const repo = makeGitRepo();
    const error = await failureOf(git(repo, ['-c', 'core.quotepath=off', 'rev-parse', '--verify', 'no-such-branch']));
    expect(error.message).toMatch(/^git rev-parse failed: /);
  });

  it('fails when git exits non-zero without a word', async () => {
    const repo = makeGitRepo();
    fixtureGit(repo, 'checkout', '-q', '--detach', 'HEAD');
    const error = await failureOf(git(repo, ['symbolic-ref', '-q', 'HEAD']));
    expect(error.code).toBe('git-failed');
    expect(error.message).toBe('git symbolic-ref failed: git exited with code 1');
  });

  it('passes each argument to git as it is, never through a shell', async () => {
    const repo = makeGitRepo();
    const value = `a b; $(touch hacked) "quoted" 'single' *`;
    await git(repo, ['config', 'lanes.probe', value]);
    expect(await git(repo, ['config', '--get', 'lanes.probe'])).toBe(`${value}\n`);
    expect(readdirSync(repo)).not.toContain('hacked');
  });

  it('says which folder is missing when asked to run in one that does not exist', async () => {
    const missing = path.join(makeTempDir('lanes-gone-'), 'gone');
    const error = await failureOf(git(missing, ['status']));
    expect(error.code).toBe('not-found');
    expect(error.message).toContain(`\`${missing}\``);
  });

  it('says git is not installed when it cannot be found', async () => {
    const repo = makeGitRepo();
    const pathBefore = process.env.PATH;
    process.env.PATH = makeTempDir('lanes-empty-path-');
    try {
      const error = await failureOf(git(repo, ['status']));
      expect(error.code).toBe('unavailable');
      expect(error.message).toContain('Is git installed and on the PATH?');
    } finally {
      process.env.PATH = pathBefore;
    }
  });

  it('never asks for credentials on a terminal nobody sees', async () => {
    const repo = makeGitRepo();
    expect(await git(repo, alias('prompt', 'printf %s "$GIT_TERMINAL_PROMPT"'))).toBe('0');
  });

  it('asks git status without rewriting the index, so it never holds the lock a commit needs', async () => {
    const repo = makeGitRepo({ 'a.txt': 'a\n' });
    const index = path.join(repo, '.git', 'index');
    // Same content, new time: a status that may refresh the index writes it again (a new file, by rename).
    const later = new Date(Date.now() + 5_000);
    utimesSync(path.join(repo, 'a.txt'), later, later);
    const before = statSync(index);
    expect(await git(repo, ['status', '--porcelain'])).toBe('');
    const after = statSync(index);
    expect([after.ino, after.mtimeMs]).toEqual([before.ino, before.mtimeMs]);
  });
});

describe('gitOrNull', () => {
  it('answers null when git says no with its exit code', async () => {
    const repo = makeGitRepo();
    expect(await gitOrNull(repo, ['rev-parse', '--verify', '--quiet', 'no-such-branch'])).toBeNull();
    expect(await gitOrNull(makeTempDir('lanes-not-a-repo-'), ['rev-parse', '--is-bare-repository'])).toBeNull();
    expect(await gitOrNull(repo, ['rev-parse', '--is-bare-repository'])).toBe('false\n');
  });

  it('answers null for a folder that does not exist', async () => {
    expect(await gitOrNull(path.join(makeTempDir('lanes-gone-'), 'gone'), ['rev-parse', '--is-bare-repository'])).toBeNull();
  });
});

describe('gitBytesOrNull', () => {
  it("gives back a file's committed bytes as they are, and null for a file never committed", async () => {
    const repo = makeGitRepo();
    const bytes = Buffer.from([0xff, 0x00, 0xfe, 0x0d, 0x0a, 0xc3]);
    writeFileSync(path.join(repo, 'blob.bin'), bytes);
    fixtureGit(repo, 'add', 'blob.bin');
    fixtureGit(repo, 'commit', '-q', '-m', 'binary');
    expect(await gitBytesOrNull(repo, ['cat-file', 'blob', 'HEAD:blob.bin'])).toEqual(bytes);
    expect(await gitBytesOrNull(repo, ['cat-file', 'blob', 'HEAD:never.bin'])).toBeNull();
  });
});

describe('runGit', () => {
  it("gives back git's exit code, output and error output", async () => {
    const repo = makeGitRepo();
    const result = await runGit(repo, alias('speak', 'echo out; echo "fatal: said" >&2; exit 3'));
    expect(result).toEqual({ code: 3, stdout: 'out\n', stderr: 'fatal: said\n' });
  });

  it('reports each new progress percentage and keeps progress lines out of the error output', async () => {
    const repo = makeGitRepo();
    // Git rewrites a progress line with "\r" while it counts and ends it with "\n" when done.
    const progressOutput = [
      'Updating files:  10%% (1/10)\\r',
      'Updating files:  10%% (1/10)\\r',
      'Updating files:  50%% (5/10)\\r',
      'Updating files: 100%% (10/10), done.\\n',
      'warning: something to know\\n',
    ].join('');
    const seen: GitProgress[] = [];
    const result = await runGit(repo, alias('progress', `printf '${progressOutput}' >&2`), { onProgress: (progress) => seen.push(progress) });
    expect(seen).toEqual([
      { title: 'Updating files', percent: 10 },
      { title: 'Updating files', percent: 50 },
      { title: 'Updating files', percent: 100 },
    ]);
    expect(result.stderr).toBe('warning: something to know\n');
  });
});

describe('parseProgressLine', () => {
  it('reads git progress lines', () => {
    expect(parseProgressLine('Updating files:  45% (9000/20000)')).toEqual({ title: 'Updating files', percent: 45 });
    expect(parseProgressLine('Updating files: 100% (20000/20000), done.')).toEqual({ title: 'Updating files', percent: 100 });
    expect(parseProgressLine("fatal: 'x' already exists")).toBeNull();
  });
});

describe('spawnGit', () => {
  it('starts long-lived git processes outside the limit, with the extra environment it is given', async () => {
    const repo = makeGitRepo();
    const gate = openGate();
    const longLived = Array.from({ length: GIT_PROCESS_LIMIT }, (_, call) => spawnGit(repo, gate.args(call)));
    const ended = longLived.map((child) => once(child, 'close'));
    await gate.started(GIT_PROCESS_LIMIT);
    // With as many long-lived processes as places, short commands still run.
    expect(await git(repo, alias('flush', 'printf %s "$GIT_FLUSH"'))).toBe('');
    const withEnv = spawnGit(repo, alias('flush', 'printf %s "$GIT_FLUSH"'), { GIT_FLUSH: '1' });
    withEnv.stdin.end();
    let output = '';
    withEnv.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    await once(withEnv, 'close');
    expect(output).toBe('1');
    for (let call = 0; call < GIT_PROCESS_LIMIT; call += 1) gate.releaseOne();
    await Promise.all(ended);
  });
});
