import { existsSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { git, makeGitRepo, makeTempDir, writeFiles } from '../../test/support/repo';
import { DEFAULT_PATHS, instanceConfigSchema } from '../workspace/config';
import { coordinationPaths } from '../workspace/home';
import { instanceWorktrees, moveHome, worktreeCopies } from './move-home';

const FILES = {
  'lanes.yml': 'instances:\n  - name: API\n',
  'COMPRESSED_PROMPT_V3.md': '# State\n',
  'memory/MEMORY.md': '# Memory\n',
  'docs/cross-instance-prs/README.md': 'requests\n',
  'src/app.ts': 'export {};\n',
};

/** A home with one instance, API, in a linked worktree beside it. */
function workspace() {
  const home = makeGitRepo(FILES);
  const worktree = path.join(makeTempDir(), 'api');
  git(home, 'worktree', 'add', '-q', '-b', 'lanes/api', worktree);
  const paths = coordinationPaths(home, DEFAULT_PATHS);
  const instances = [instanceConfigSchema.parse({ name: 'API', worktree: path.relative(home, worktree) })];
  const worktrees = instanceWorktrees(paths.home, instances);
  return { home: paths.home, worktree: worktrees[0]!.checkout, paths, worktrees };
}

const status = (checkout: string) => git(checkout, 'status', '--porcelain=v1', '--untracked-files=all').toString();

describe('move it home', () => {
  it('finds the instance worktrees from lanes.yml, each once, leaving out instances in the home', () => {
    const { home, worktree, worktrees } = workspace();
    const again = instanceWorktrees(home, [
      instanceConfigSchema.parse({ name: 'API', worktree: path.relative(home, worktree) }),
      instanceConfigSchema.parse({ name: 'Docs', worktree: worktree }),
      instanceConfigSchema.parse({ name: 'Main' }),
      instanceConfigSchema.parse({ name: 'Gone', worktree: '../nowhere-at-all' }),
    ]);
    expect(worktrees).toEqual([{ checkout: worktree, instances: ['API'] }]);
    expect(again).toEqual([{ checkout: worktree, instances: ['API', 'Docs'] }]);
  });

  it('lists the writes in a worktree’s copies of the coordination paths, and nothing else', async () => {
    const { worktree, paths, worktrees } = workspace();
    writeFiles(worktree, {
      'docs/cross-instance-prs/20260101_x.md': '# X (API → Web)\n',
      'COMPRESSED_PROMPT_V3.md': '# State\nmore\n',
      'lanes.yml': 'instances: []\n',
      'src/app.ts': 'export const mine = 1;\n',
    });
    rmSync(path.join(worktree, 'memory', 'MEMORY.md'));
    const { copies, problems } = await worktreeCopies(paths, worktrees);
    expect(problems).toEqual([]);
    expect(copies.map(({ path: repoPath, area, change, notMovable }) => ({ repoPath, area, change, movable: notMovable === null }))).toEqual([
      { repoPath: 'COMPRESSED_PROMPT_V3.md', area: 'sharedState', change: 'modified', movable: true },
      { repoPath: 'docs/cross-instance-prs/20260101_x.md', area: 'requests', change: 'added', movable: true },
      { repoPath: 'lanes.yml', area: 'config', change: 'modified', movable: false },
      { repoPath: 'memory/MEMORY.md', area: 'memory', change: 'deleted', movable: false },
    ]);
    expect(copies[1]!.homePath).toBe(path.join(paths.home, 'docs', 'cross-instance-prs', '20260101_x.md'));
    expect(copies[1]!.instances).toEqual(['API']);
  });

  it('moves an untracked request home and deletes the worktree’s copy', async () => {
    const { home, worktree, paths, worktrees } = workspace();
    writeFiles(worktree, { 'docs/cross-instance-prs/20260101_x.md': '# X (API → Web)\n' });
    const moved = await moveHome(paths, worktrees, worktree, 'docs/cross-instance-prs/20260101_x.md');
    expect(moved).toMatchObject({ area: 'requests', alreadyHome: false, worktreeCopy: 'deleted' });
    expect(readFileSync(path.join(home, 'docs/cross-instance-prs/20260101_x.md'), 'utf8')).toBe('# X (API → Web)\n');
    expect(existsSync(path.join(worktree, 'docs/cross-instance-prs/20260101_x.md'))).toBe(false);
    expect(status(worktree)).toBe('');
  });

  it('moves a tracked file home when the home still has the version the worktree started from, and restores the worktree’s copy', async () => {
    const { home, worktree, paths, worktrees } = workspace();
    writeFiles(worktree, { 'COMPRESSED_PROMPT_V3.md': '# State\nAPI: done with the login page\n' });
    git(worktree, 'add', 'COMPRESSED_PROMPT_V3.md');
    const moved = await moveHome(paths, worktrees, path.join(worktree, '.'), path.join(worktree, 'COMPRESSED_PROMPT_V3.md'));
    expect(moved.worktreeCopy).toBe('restored');
    expect(readFileSync(path.join(home, 'COMPRESSED_PROMPT_V3.md'), 'utf8')).toBe('# State\nAPI: done with the login page\n');
    expect(readFileSync(path.join(worktree, 'COMPRESSED_PROMPT_V3.md'), 'utf8')).toBe('# State\n');
    expect(status(worktree)).toBe('');
  });

  it('refuses when the home has a different file there, and changes nothing on either side', async () => {
    const { home, worktree, paths, worktrees } = workspace();
    writeFiles(home, { 'COMPRESSED_PROMPT_V3.md': '# State\nWeb: changed in the home\n', 'docs/cross-instance-prs/20260101_x.md': 'home’s own\n' });
    writeFiles(worktree, { 'COMPRESSED_PROMPT_V3.md': '# State\nAPI: mine\n', 'docs/cross-instance-prs/20260101_x.md': 'worktree’s\n' });
    for (const repoPath of ['COMPRESSED_PROMPT_V3.md', 'docs/cross-instance-prs/20260101_x.md']) {
      await expect(moveHome(paths, worktrees, worktree, repoPath)).rejects.toMatchObject({ code: 'conflict', message: expect.stringContaining('already has a different') });
    }
    expect(readFileSync(path.join(home, 'COMPRESSED_PROMPT_V3.md'), 'utf8')).toBe('# State\nWeb: changed in the home\n');
    expect(readFileSync(path.join(home, 'docs/cross-instance-prs/20260101_x.md'), 'utf8')).toBe('home’s own\n');
    expect(readFileSync(path.join(worktree, 'COMPRESSED_PROMPT_V3.md'), 'utf8')).toBe('# State\nAPI: mine\n');
    expect(readFileSync(path.join(worktree, 'docs/cross-instance-prs/20260101_x.md'), 'utf8')).toBe('worktree’s\n');
  });

  it('takes an identical file in the home as moved already, and only cleans the worktree', async () => {
    const { home, worktree, paths, worktrees } = workspace();
    writeFiles(home, { 'memory/feedback_success_a.md': 'same\n' });
    writeFiles(worktree, { 'memory/feedback_success_a.md': 'same\n' });
    expect(await moveHome(paths, worktrees, worktree, 'memory/feedback_success_a.md')).toMatchObject({ alreadyHome: true, worktreeCopy: 'deleted' });
    expect(existsSync(path.join(worktree, 'memory/feedback_success_a.md'))).toBe(false);
    expect(readFileSync(path.join(home, 'memory/feedback_success_a.md'), 'utf8')).toBe('same\n');
  });

  it('refuses paths that leave the worktree, go through a link leading out, or are no coordination file', async () => {
    const { home, worktree, paths, worktrees } = workspace();
    const outside = makeTempDir();
    writeFileSync(path.join(outside, 'secret.md'), 'secret\n');
    symlinkSync(outside, path.join(worktree, 'docs/cross-instance-prs/linked'));
    await expect(moveHome(paths, worktrees, worktree, '../../etc/passwd')).rejects.toMatchObject({ code: 'outside-workspace' });
    await expect(moveHome(paths, worktrees, worktree, '/etc/passwd')).rejects.toMatchObject({ code: 'outside-workspace' });
    await expect(moveHome(paths, worktrees, worktree, 'docs/cross-instance-prs/linked/secret.md')).rejects.toMatchObject({ code: 'outside-workspace' });
    await expect(moveHome(paths, worktrees, worktree, 'src/app.ts')).rejects.toMatchObject({ code: 'invalid-argument', message: expect.stringContaining('not a coordination file') });
    await expect(moveHome(paths, worktrees, worktree, 'lanes.yml')).rejects.toMatchObject({ code: 'invalid-argument' });
    await expect(moveHome(paths, worktrees, home, 'COMPRESSED_PROMPT_V3.md')).rejects.toMatchObject({ code: 'not-found', message: expect.stringContaining('not the worktree of any instance') });
    await expect(moveHome(paths, worktrees, outside, 'secret.md')).rejects.toMatchObject({ code: 'not-found' });
    expect(existsSync(path.join(home, 'docs/cross-instance-prs/linked'))).toBe(false);
    expect(readFileSync(path.join(outside, 'secret.md'), 'utf8')).toBe('secret\n');
  });

  it('refuses a home folder that is a link leading out of the home, writing nothing there', async () => {
    const { home, worktree, paths, worktrees } = workspace();
    const outside = makeTempDir();
    rmSync(path.join(home, 'memory'), { recursive: true });
    symlinkSync(outside, path.join(home, 'memory'));
    writeFiles(worktree, { 'memory/feedback_success_b.md': 'b\n' });
    await expect(moveHome(paths, worktrees, worktree, 'memory/feedback_success_b.md')).rejects.toMatchObject({ code: 'outside-workspace' });
    expect(existsSync(path.join(outside, 'feedback_success_b.md'))).toBe(false);
    expect(readFileSync(path.join(worktree, 'memory/feedback_success_b.md'), 'utf8')).toBe('b\n');
  });
});
