import { gitOrNull } from '../shared/git';

export interface LastCommit {
  readonly commit: string;
  readonly author: string;
  readonly at: string;
  readonly subject: string;
}

/** The last commit that touched a file (following renames), or null when git has none. */
export async function lastCommitOf(root: string, repoPath: string): Promise<LastCommit | null> {
  const output = await gitOrNull(root, ['log', '-1', '--follow', '--format=%H%x00%an%x00%aI%x00%s', '--', repoPath]);
  const line = output?.trim();
  if (!line) return null;
  const [commit, author, at, subject] = line.split('\0');
  if (!commit || !at) return null;
  return { commit, author: author ?? '', at: new Date(at).toISOString(), subject: subject ?? '' };
}

/** Whether the file differs from what is committed (changed, new, or deleted). */
export async function hasUncommittedChanges(root: string, repoPath: string): Promise<boolean> {
  const output = await gitOrNull(root, ['status', '--porcelain', '--untracked-files=all', '--', repoPath]);
  return (output ?? '').trim() !== '';
}
