import type { Worktree } from '../contract/workspace';
import { git } from './git';

/** Every checkout of the repository, the main one first, as `git worktree list` knows them. */
export async function listWorktrees(root: string): Promise<Worktree[]> {
  return parseWorktreeList(await git(root, ['worktree', 'list', '--porcelain']));
}

/** Parses `git worktree list --porcelain`: blocks of `key value` lines separated by blank lines. */
export function parseWorktreeList(output: string): Worktree[] {
  const worktrees: Worktree[] = [];
  for (const block of output.split(/\n\s*\n/)) {
    const lines = block.split('\n').filter((line) => line.trim() !== '');
    if (lines.length === 0) continue;
    const entry: Worktree = { path: '', branch: null, head: null, isMain: worktrees.length === 0, bare: false, detached: false, locked: false, prunable: false };
    for (const line of lines) {
      const space = line.indexOf(' ');
      const key = space === -1 ? line : line.slice(0, space);
      const value = space === -1 ? '' : line.slice(space + 1);
      if (key === 'worktree') entry.path = value;
      else if (key === 'HEAD') entry.head = /^0+$/.test(value) ? null : value.slice(0, 7);
      else if (key === 'branch') entry.branch = value.replace(/^refs\/heads\//, '');
      else if (key === 'bare') entry.bare = true;
      else if (key === 'detached') entry.detached = true;
      else if (key === 'locked') entry.locked = true;
      else if (key === 'prunable') entry.prunable = true;
    }
    if (entry.path !== '') worktrees.push(entry);
  }
  return worktrees;
}
