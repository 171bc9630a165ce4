import path from 'node:path';
import { LanesError } from '../shared/errors';
import { listWorktrees } from '../shared/git-worktrees';
import { git, gitFailure, runGit } from '../shared/git';

export type MergeMode = 'auto' | 'fast-forward' | 'merge-commit';

export interface MergeOutcome {
  readonly outcome: 'up-to-date' | 'fast-forward' | 'merge-commit' | 'conflict';
  /** The base's commit after the merge (unchanged on conflict). */
  readonly baseHead: string;
  /** Files both sides changed, when the merge stopped; the merge was aborted and nothing changed. */
  readonly conflicts: string[];
  /** Where the merge ran: the checkout that has the base branch, or null when only the ref moved. */
  readonly checkout: string | null;
  readonly message: string;
}

export interface MergeRequest {
  readonly root: string;
  readonly branch: string;
  readonly base: string;
  readonly mode: MergeMode;
  readonly message: string;
}

/**
 * Merges an instance's branch into its base. When the base is checked out somewhere (usually
 * the main checkout) the merge runs there with `git merge`, and a conflict is aborted so that
 * checkout is as it was. When it is not checked out, the base ref moves on its own: a
 * fast-forward with `update-ref`, a merge commit built by `merge-tree --write-tree`, so no
 * working files are touched at all. Either way a conflict changes nothing.
 */
export async function mergeIntoBase(request: MergeRequest): Promise<MergeOutcome> {
  const { root, branch, base, mode } = request;
  const baseRef = `refs/heads/${base}`;
  const baseSha = await revParse(root, baseRef, `The base "${base}" is not a local branch, so there is nothing to merge into. Set the instance's base to a branch.`);
  const headSha = await revParse(root, `refs/heads/${branch}`, `The branch "${branch}" no longer exists.`);

  if (await isAncestor(root, headSha, baseSha)) {
    return { outcome: 'up-to-date', baseHead: baseSha, conflicts: [], checkout: null, message: `"${base}" already has every commit of "${branch}".` };
  }
  const canFastForward = await isAncestor(root, baseSha, headSha);
  if (mode === 'fast-forward' && !canFastForward) {
    const { stdout } = await runGit(root, ['rev-list', '--count', `${headSha}..${baseSha}`]);
    throw new LanesError(
      'conflict',
      `"${branch}" cannot be fast-forwarded into "${base}": "${base}" has ${stdout.trim()} commit(s) that "${branch}" lacks. Merge with a merge commit instead, or bring "${base}" into the instance's branch first.`,
    );
  }
  const fastForward = canFastForward && mode !== 'merge-commit';

  const checkout = (await listWorktrees(root)).find((worktree) => worktree.branch === base && !worktree.bare)?.path ?? null;
  if (checkout) return mergeInCheckout(request, checkout, fastForward);

  if (fastForward) {
    await git(root, ['update-ref', '-m', `lanes: fast-forward ${base} to ${branch}`, baseRef, headSha, baseSha]);
    return { outcome: 'fast-forward', baseHead: headSha, conflicts: [], checkout: null, message: `"${base}" was fast-forwarded to "${branch}".` };
  }
  const tree = await runGit(root, ['merge-tree', '--write-tree', '--name-only', '--no-messages', baseSha, headSha]);
  if (tree.code === 1) {
    const conflicts = unique(tree.stdout.split('\n').slice(1).filter((line) => line !== ''));
    return conflictOutcome(base, branch, baseSha, conflicts, null);
  }
  if (tree.code !== 0) throw gitFailure(['merge-tree'], tree);
  const treeSha = tree.stdout.split('\n')[0]!.trim();
  const commit = (await git(root, ['commit-tree', treeSha, '-p', baseSha, '-p', headSha, '-m', request.message])).trim();
  await git(root, ['update-ref', '-m', `lanes: merge ${branch} into ${base}`, baseRef, commit, baseSha]);
  return { outcome: 'merge-commit', baseHead: commit, conflicts: [], checkout: null, message: `"${branch}" was merged into "${base}" with a merge commit.` };
}

async function mergeInCheckout(request: MergeRequest, checkout: string, fastForward: boolean): Promise<MergeOutcome> {
  const { branch, base } = request;
  // Uncommitted edits to files the merge does not touch are safe (an aborted merge keeps them);
  // edits to files it does touch could be lost, so those are refused before git starts.
  const dirty = splitZ(await git(checkout, ['diff', 'HEAD', '--name-only', '-z']));
  if (dirty.length > 0) {
    const touched = new Set(splitZ(await git(checkout, ['diff', '--name-only', '-z', `HEAD...refs/heads/${branch}`, '--'])));
    const overlap = dirty.filter((file) => touched.has(file));
    if (overlap.length > 0) {
      throw new LanesError(
        'conflict',
        `"${base}" is checked out in \`${checkout}\`, which has uncommitted changes to files the merge changes (${overlap.slice(0, 5).join(', ')}${overlap.length > 5 ? ', …' : ''}). Commit or stash them there first; nothing was merged.`,
        { checkout, files: overlap },
      );
    }
  }
  const args = fastForward ? ['merge', '--ff-only', branch] : ['merge', '--no-ff', '--no-edit', '-m', request.message, branch];
  const result = await runGit(checkout, args);
  if (result.code !== 0) {
    const conflicts = splitZ(await git(checkout, ['diff', '--name-only', '-z', '--diff-filter=U']));
    const merging = (await runGit(checkout, ['rev-parse', '-q', '--verify', 'MERGE_HEAD'])).code === 0;
    if (merging) await git(checkout, ['merge', '--abort']);
    // A merge that stopped for another reason (no committer identity, a hook) is git's to explain.
    if (conflicts.length > 0) {
      return conflictOutcome(base, branch, await revParse(checkout, 'HEAD', 'HEAD is missing.'), conflicts, checkout);
    }
    throw gitFailure(args, result);
  }
  const baseHead = await revParse(checkout, 'HEAD', 'HEAD is missing.');
  const where = path.basename(checkout);
  return fastForward
    ? { outcome: 'fast-forward', baseHead, conflicts: [], checkout, message: `"${base}" was fast-forwarded to "${branch}" in ${where}.` }
    : { outcome: 'merge-commit', baseHead, conflicts: [], checkout, message: `"${branch}" was merged into "${base}" with a merge commit in ${where}.` };
}

function conflictOutcome(base: string, branch: string, baseHead: string, conflicts: string[], checkout: string | null): MergeOutcome {
  const files = conflicts.length === 1 ? '1 file' : `${conflicts.length} files`;
  return {
    outcome: 'conflict',
    baseHead,
    conflicts,
    checkout,
    message: `"${branch}" conflicts with "${base}" in ${files}. The merge was aborted and nothing changed; resolve the conflict in the instance's branch (merge "${base}" into it), then merge back again.`,
  };
}

async function revParse(cwd: string, ref: string, missing: string): Promise<string> {
  const result = await runGit(cwd, ['rev-parse', '--verify', '-q', `${ref}^{commit}`]);
  if (result.code !== 0) throw new LanesError('not-found', missing);
  return result.stdout.trim();
}

async function isAncestor(cwd: string, ancestor: string, descendant: string): Promise<boolean> {
  const result = await runGit(cwd, ['merge-base', '--is-ancestor', ancestor, descendant]);
  if (result.code > 1) throw gitFailure(['merge-base'], result);
  return result.code === 0;
}

function splitZ(output: string): string[] {
  return output.split('\0').filter((entry) => entry !== '');
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
