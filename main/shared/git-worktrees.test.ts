import { describe, expect, it } from 'vitest';
import { parseWorktreeList } from './git-worktrees';

describe('parseWorktreeList', () => {
  it('reads main, linked, detached, locked and prunable worktrees', () => {
    const output = [
      'worktree /repo\nHEAD 1234567890abcdef\nbranch refs/heads/main\n',
      'worktree /repo-a\nHEAD abcdef1234567890\nbranch refs/heads/lanes/a\nlocked reason\n',
      'worktree /repo-b\nHEAD 0000000000000000\ndetached\nprunable gitdir file points to non-existent location\n',
    ].join('\n');
    expect(parseWorktreeList(output)).toEqual([
      { path: '/repo', branch: 'main', head: '1234567', isMain: true, bare: false, detached: false, locked: false, prunable: false },
      { path: '/repo-a', branch: 'lanes/a', head: 'abcdef1', isMain: false, bare: false, detached: false, locked: true, prunable: false },
      { path: '/repo-b', branch: null, head: null, isMain: false, bare: false, detached: true, locked: false, prunable: true },
    ]);
  });
});
