import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { git, makeGitRepo, makeTempDir } from '../../test/support/repo';
import { gitFolders, requireGitFolders } from './git';

describe('the git folders of a checkout', () => {
  it("names the checkout's own folder and the shared one, for the main checkout and a linked worktree", async () => {
    const root = makeGitRepo();
    const worktree = path.join(makeTempDir('lanes-folders-'), 'linked');
    git(root, 'worktree', 'add', '-q', '-b', 'linked', worktree);
    expect(await gitFolders(root)).toEqual({ gitDir: path.join(root, '.git'), commonDir: path.join(root, '.git') });
    expect(await gitFolders(worktree)).toEqual({ gitDir: path.join(root, '.git', 'worktrees', 'linked'), commonDir: path.join(root, '.git') });
  });

  it('asks again once the folder it knew is gone, and answers null for a folder that is no checkout', async () => {
    const root = makeGitRepo();
    const worktree = path.join(makeTempDir('lanes-folders-'), 'linked');
    git(root, 'worktree', 'add', '-q', '-b', 'first', worktree);
    expect((await gitFolders(worktree))?.gitDir).toBe(path.join(root, '.git', 'worktrees', 'linked'));
    // Removed by git, its private folder goes: Lanes asks again rather than serving what it knew.
    git(root, 'worktree', 'remove', '--force', worktree);
    expect(await gitFolders(worktree)).toBeNull();
    git(root, 'worktree', 'add', '-q', '-b', 'second', worktree);
    expect(await gitFolders(worktree)).toEqual({ gitDir: path.join(root, '.git', 'worktrees', 'linked'), commonDir: path.join(root, '.git') });
    const plain = makeTempDir('lanes-not-git-');
    expect(await gitFolders(plain)).toBeNull();
    await expect(requireGitFolders(plain)).rejects.toMatchObject({ code: 'not-a-repository' });
  });
});
