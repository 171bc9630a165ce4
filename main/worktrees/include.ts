import { promises as fs } from 'node:fs';
import path from 'node:path';
import { errnoCode } from '../shared/errors';
import { resolveInside } from '../shared/path-guard';
import { git } from '../shared/git';

export const INCLUDE_FILE = '.worktreeinclude';

/**
 * The untracked files (ignored or not) of the main checkout that `.worktreeinclude` lists, in
 * gitignore syntax. git itself matches the patterns, so negations, `**` and folder patterns
 * mean exactly what they mean in `.gitignore`. Files inside nested repositories and other
 * worktrees are not listed (git does not descend into them).
 */
export async function listIncludedFiles(root: string): Promise<string[]> {
  const includeFile = path.join(root, INCLUDE_FILE);
  try {
    await fs.access(includeFile);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return [];
    throw error;
  }
  const output = await git(root, ['ls-files', '-z', '--others', '--ignored', `--exclude-from=${includeFile}`]);
  return output.split('\0').filter((entry) => entry !== '' && entry !== INCLUDE_FILE);
}

/**
 * Copies the files `.worktreeinclude` lists from the main checkout into a new worktree. A file
 * the worktree already has is left alone, symbolic links are copied as links, and a path that
 * would land outside the worktree is skipped. Returns the repository paths copied.
 */
export async function copyIncludedFiles(root: string, worktree: string): Promise<string[]> {
  const copied: string[] = [];
  for (const relative of await listIncludedFiles(root)) {
    const source = path.join(root, relative);
    let target: string;
    try {
      target = resolveInside(worktree, relative, { rootLabel: 'the new worktree' });
    } catch {
      continue;
    }
    await fs.mkdir(path.dirname(target), { recursive: true });
    try {
      const stat = await fs.lstat(source);
      if (stat.isSymbolicLink()) await fs.symlink(await fs.readlink(source), target);
      else if (stat.isFile()) await fs.copyFile(source, target, fs.constants.COPYFILE_EXCL);
      else continue;
    } catch (error) {
      // Gone since git listed it, or already present in the worktree: nothing to copy.
      if (errnoCode(error) === 'ENOENT' || errnoCode(error) === 'EEXIST') continue;
      throw error;
    }
    copied.push(relative);
  }
  return copied;
}
