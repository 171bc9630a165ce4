import { mkdirSync, promises as fs, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { git, makeGitRepo, writeFiles } from '../../test/support/repo';
import { DEFAULT_PATHS } from '../workspace/config';
import { coordinationPaths } from '../workspace/home';
import { commitCoordinationChanges, coordinationChanges, whyCommitIsBlocked } from './coordination-changes';

const FILES = {
  'lanes.yml': 'instances:\n  - name: VSCode\n',
  'COMPRESSED_PROMPT_V3.md': '# State\n',
  'memory/MEMORY.md': '# Memory\n- [old](feedback_success_old.md)\n',
  'memory/feedback_success_old.md': 'old\n',
  'docs/cross-instance-prs/README.md': 'requests\n',
  'src/app.ts': 'export {};\n',
  'notes.md': 'mine\n',
};

const status = (root: string) => git(root, 'status', '--porcelain=v1', '--untracked-files=all').toString();

describe('coordination changes', () => {
  it('lists only the coordination files, including requests/done and non-ASCII names', async () => {
    const root = makeGitRepo(FILES);
    const paths = coordinationPaths(root, DEFAULT_PATHS);
    writeFiles(root, {
      'memory/project_Windows版#67.md': 'new\n',
      'docs/cross-instance-prs/done/001-api.md': '# Request\n',
      'COMPRESSED_PROMPT_V3.md': '# State\nmore\n',
      'src/app.ts': 'export const changed = 1;\n',
    });
    rmSync(path.join(root, 'memory', 'feedback_success_old.md'));
    expect(await coordinationChanges(paths)).toEqual([
      { path: 'COMPRESSED_PROMPT_V3.md', area: 'sharedState', change: 'modified' },
      { path: 'docs/cross-instance-prs/done/001-api.md', area: 'requests', change: 'added' },
      { path: 'memory/feedback_success_old.md', area: 'memory', change: 'deleted' },
      { path: 'memory/project_Windows版#67.md', area: 'memory', change: 'added' },
    ]);
  });

  it('commits exactly those paths: a staged unrelated file stays staged and uncommitted, unstaged work stays unstaged', async () => {
    const root = makeGitRepo(FILES);
    const paths = coordinationPaths(root, DEFAULT_PATHS);
    writeFiles(root, {
      'memory/feedback_success_wrapup.md': 'worked\n',
      'memory/MEMORY.md': '# Memory\n- [old](feedback_success_old.md)\n- [wrap](feedback_success_wrapup.md)\n',
      'docs/cross-instance-prs/002-to-backend.md': '# Please\n',
      'docs/cross-instance-prs/003-second.md': '# Again\n',
      'notes.md': 'staged by the user\n',
      'src/app.ts': 'unstaged work\n',
    });
    git(root, 'add', 'notes.md');
    const made = await commitCoordinationChanges(paths);
    expect(made.message.split('\n')[0]).toBe('Lanes: coordination — 2 requests, 1 memory entry, memory index');
    expect(made.message).toContain('added memory/feedback_success_wrapup.md');
    expect(git(root, 'rev-parse', 'HEAD').toString().trim()).toBe(made.commit);
    expect(git(root, 'show', '--name-only', '--format=', 'HEAD').toString().trim().split('\n').sort()).toEqual([
      'docs/cross-instance-prs/002-to-backend.md',
      'docs/cross-instance-prs/003-second.md',
      'memory/MEMORY.md',
      'memory/feedback_success_wrapup.md',
    ]);
    expect(status(root).split('\n').filter(Boolean).sort()).toEqual([' M src/app.ts', 'M  notes.md']);
    expect(git(root, 'diff', '--cached', 'notes.md').toString()).toContain('+staged by the user');
    expect(await coordinationChanges(paths)).toEqual([]);
    await expect(commitCoordinationChanges(paths)).rejects.toMatchObject({ code: 'unavailable', message: expect.stringMatching(/nothing to commit/) });
  });

  it('commits a deletion, a staged coordination change and lanes.yml, naming them', async () => {
    const root = makeGitRepo(FILES);
    const paths = coordinationPaths(root, DEFAULT_PATHS);
    git(root, 'rm', '-q', 'memory/feedback_success_old.md');
    writeFiles(root, { 'lanes.yml': 'instances:\n  - name: VSCode\n  - name: Windows\n', 'COMPRESSED_PROMPT_V3.md': '# State\n| a |\n' });
    const made = await commitCoordinationChanges(paths);
    expect(made.message.split('\n')[0]).toBe('Lanes: coordination — 1 memory entry, shared state, lanes.yml');
    expect(status(root)).toBe('');
  });

  it('refuses while a merge is in progress, saying why, and commits nothing', async () => {
    const root = makeGitRepo(FILES);
    const paths = coordinationPaths(root, DEFAULT_PATHS);
    git(root, 'checkout', '-q', '-b', 'other');
    writeFiles(root, { 'notes.md': 'theirs\n' });
    git(root, 'commit', '-q', '-am', 'theirs');
    git(root, 'checkout', '-q', 'main');
    writeFiles(root, { 'notes.md': 'ours\n' });
    git(root, 'commit', '-q', '-am', 'ours');
    expect(() => git(root, 'merge', '-q', 'other')).toThrow();
    writeFiles(root, { 'memory/user_during_merge.md': 'x\n' });
    const head = git(root, 'rev-parse', 'HEAD').toString();
    expect(await whyCommitIsBlocked(root)).toMatch(/has a merge in progress/);
    await expect(commitCoordinationChanges(paths)).rejects.toMatchObject({ code: 'conflict', message: expect.stringMatching(/merge in progress.*Finish it or abort it/) });
    expect(git(root, 'rev-parse', 'HEAD').toString()).toBe(head);
    expect(status(root)).toContain('?? memory/user_during_merge.md');
  });

  it('refuses during a rebase too', async () => {
    const root = makeGitRepo(FILES);
    const gitDir = path.join(root, '.git', 'rebase-merge');
    mkdirSync(gitDir);
    writeFileSync(path.join(gitDir, 'head-name'), 'refs/heads/main\n');
    expect(await whyCommitIsBlocked(root)).toMatch(/a rebase in progress/);
    await fs.rm(gitDir, { recursive: true });
    expect(await whyCommitIsBlocked(root)).toBeNull();
  });

  it('commits while Lanes keeps asking git status about the same checkout, as its panels do', async () => {
    // `git status` refreshes the index as a side effect when it can, under .git/index.lock; a
    // commit that came meanwhile failed with "index.lock: File exists" (seen in CI). Lanes asks
    // without optional locks, so its own questions never hold the lock.
    const root = makeGitRepo(FILES);
    const paths = coordinationPaths(root, DEFAULT_PATHS);
    let asking = true;
    const poll = (async () => {
      while (asking) {
        writeFiles(root, { 'src/app.ts': `export const at = ${Date.now()};\n` }); // a file status must look at again
        await coordinationChanges(paths);
      }
    })();
    try {
      for (let round = 0; round < 15; round += 1) {
        writeFiles(root, { [`memory/project_round_${round}.md`]: `round ${round}\n` });
        await commitCoordinationChanges(paths);
      }
    } finally {
      asking = false;
      await poll;
    }
    expect(git(root, 'log', '--format=%s').toString().split('\n').filter((line) => line.startsWith('Lanes: coordination'))).toHaveLength(15);
  });

  it('waits for another git process to let go of the index, and says so when it does not', async () => {
    const root = makeGitRepo(FILES);
    const paths = coordinationPaths(root, DEFAULT_PATHS);
    const lock = path.join(root, '.git', 'index.lock');
    writeFiles(root, { 'memory/project_busy.md': 'busy\n' });
    writeFileSync(lock, '');
    setTimeout(() => rmSync(lock), 400); // an agent's own `git add` finishing
    const made = await commitCoordinationChanges(paths);
    expect(made.changes.map((change) => change.path)).toEqual(['memory/project_busy.md']);

    writeFiles(root, { 'memory/project_stuck.md': 'stuck\n' });
    writeFileSync(lock, ''); // left by a git that crashed
    await expect(commitCoordinationChanges(paths)).rejects.toMatchObject({ code: 'git-failed', message: expect.stringMatching(/index\.lock.*File exists/s) });
    rmSync(lock);
    expect(status(root)).toContain('?? memory/project_stuck.md');
  }, 20_000);
});
