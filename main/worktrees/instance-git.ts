import { promises as fs } from 'node:fs';
import path from 'node:path';
import { isSeq } from 'yaml';
import type { MergeResult, WorktreeDiff, WorktreeEntry, WorktreeStatus } from '../contract/worktrees';
import { LanesError, errnoCode } from '../shared/errors';
import type { InstanceConfig, LoadedConfig, WorkspaceConfig } from '../workspace/config';
import type { ConfigService } from '../workspace/config-service';
import { listWorktrees } from '../shared/git-worktrees';
import { diffAgainstBase } from './diff';
import { git, gitFailure, runGit } from '../shared/git';
import { diskUse, type DiskUseOptions } from './disk-use';
import { aheadBehind, currentBranch, readChanges } from './git-state';
import { copyIncludedFiles } from './include';
import { defaultBranchName, instanceWorktreePath } from './location';
import { mergeIntoBase, type MergeMode } from './merge';
import { branchExists, resolveCommit } from './naming';

/** An instance from lanes.yml and where it works. */
export interface LocatedInstance {
  readonly config: InstanceConfig;
  /** Its worktree folder, or null when it runs in the main checkout. */
  readonly worktree: string | null;
  readonly cwd: string;
}

export function locateInstance(root: string, { config }: Pick<LoadedConfig, 'config'>, name: string): LocatedInstance {
  const instance =
    config.instances.find((candidate) => candidate.name === name) ??
    config.instances.find((candidate) => candidate.name.toLowerCase() === name.toLowerCase());
  if (!instance) throw new LanesError('not-found', `There is no instance called "${name}" in lanes.yml.`);
  const worktree = instanceWorktreePath(root, instance);
  return { config: instance, worktree, cwd: worktree ?? root };
}

export async function instanceStatus(root: string, loaded: LoadedConfig, name: string, measure: DiskUseOptions = {}): Promise<WorktreeStatus> {
  const located = locateInstance(root, loaded, name);
  const { config: instance, worktree, cwd } = located;
  const base = instance.base ?? null;
  const status: WorktreeStatus = {
    instance: instance.name,
    path: cwd,
    hasWorktree: worktree !== null,
    exists: await isFolder(cwd),
    branch: null,
    base,
    ahead: null,
    behind: null,
    changes: [],
    diskBytes: null,
    problem: null,
  };
  if (!status.exists) {
    return { ...status, problem: `"${instance.name}" has no worktree: \`${cwd}\` is gone. Restore its worktree, or remove the instance.` };
  }
  const [branch, changes, diskBytes] = await Promise.all([currentBranch(cwd), readChanges(cwd), worktree ? diskUse(worktree, measure) : Promise.resolve(null)]);
  let problem: string | null = null;
  let counts: { ahead: number; behind: number } | null = null;
  if (base) {
    if ((await runGit(cwd, ['rev-parse', '--verify', '-q', '--end-of-options', `${base}^{commit}`])).code === 0) {
      counts = await aheadBehind(cwd, base, 'HEAD');
    } else {
      problem = `The base "${base}" no longer exists. Set another base for "${instance.name}" in lanes.yml.`;
    }
  }
  if (!branch) problem ??= 'The worktree is not on a branch (detached HEAD).';
  return { ...status, branch, changes, diskBytes, ahead: counts?.ahead ?? null, behind: counts?.behind ?? null, problem };
}

export async function instanceDiff(root: string, loaded: LoadedConfig, name: string): Promise<WorktreeDiff> {
  const { config: instance, cwd } = await requireFolder(root, loaded, name);
  const base = instance.base ?? 'HEAD';
  const mergeBase = await runGit(cwd, ['merge-base', '--end-of-options', base, 'HEAD']);
  if (mergeBase.code !== 0) {
    throw new LanesError('not-found', `"${instance.name}" has no common history with its base "${base}"; set another base in lanes.yml.`);
  }
  const sha = mergeBase.stdout.trim();
  const [files, changes] = await Promise.all([diffAgainstBase(cwd, sha), readChanges(cwd)]);
  return {
    instance: instance.name,
    base,
    mergeBase: sha,
    files,
    untracked: changes.filter((change) => change.kind === 'untracked').map((change) => change.path),
  };
}

export async function mergeInstance(root: string, loaded: LoadedConfig, name: string, mode: MergeMode): Promise<MergeResult> {
  const { config: instance, cwd } = await requireFolder(root, loaded, name);
  const branch = instance.branch ?? (await currentBranch(cwd));
  if (!instance.base) throw new LanesError('invalid-argument', `"${instance.name}" has no base branch in lanes.yml, so Lanes does not know where to merge it.`);
  if (!branch) throw new LanesError('invalid-argument', `"${instance.name}" is not on a branch (detached HEAD); there is nothing to merge.`);
  if (branch === instance.base) throw new LanesError('invalid-argument', `"${instance.name}" works directly on "${branch}"; there is nothing to merge back.`);
  const outcome = await mergeIntoBase({
    root,
    branch,
    base: instance.base,
    mode,
    message: `Merge branch '${branch}' into ${instance.base} (Lanes instance ${instance.name})`,
  });
  const uncommitted = (await readChanges(cwd)).length;
  return { outcome: outcome.outcome, base: instance.base, branch, baseHead: outcome.baseHead, conflicts: outcome.conflicts, message: outcome.message, uncommitted };
}

export interface RemoveRequest {
  readonly confirm?: string | undefined;
  readonly deleteBranch?: boolean | undefined;
  /** Remove only the worktree; the instance stays in lanes.yml. */
  readonly keepInstance?: boolean | undefined;
}

/**
 * Removes an instance: its worktree from disk (git's record of it too) and its entry from
 * lanes.yml, or with `keepInstance` only its worktree, the entry kept as it is so the instance
 * can have its worktree made again. Refused while the worktree holds uncommitted changes
 * (untracked files included) or commits its base lacks, unless the user typed the instance's
 * name. The branch is kept unless asked, so committed work survives the removal.
 */
export async function removeInstance(
  root: string,
  lanesYml: ConfigService,
  name: string,
  request: RemoveRequest,
): Promise<{ instance: string; keptInstance: boolean; removedWorktree: string | null; deletedBranch: string | null; keptBranch: string | null }> {
  const { config: instance, worktree } = locateInstance(root, await lanesYml.read(), name);
  const exists = worktree !== null && (await isFolder(worktree));
  const keepInstance = request.keepInstance === true;
  if (keepInstance && !exists) {
    throw new LanesError(
      'invalid-argument',
      worktree === null ? `"${instance.name}" runs in the main checkout; it has no worktree to remove.` : `"${instance.name}" has no worktree folder now (\`${worktree}\` is gone); there is nothing to remove.`,
    );
  }
  const branch = instance.branch ?? (exists ? await currentBranch(worktree) : null);
  const branchAlive = branch !== null && (await runGit(root, ['show-ref', '--verify', '--quiet', `refs/heads/${branch}`])).code === 0;

  if (worktree !== null) {
    const uncommitted = exists ? (await readChanges(worktree)).length : 0;
    const unmerged = branchAlive ? await unmergedCommits(root, branch, instance.base ?? null) : 0;
    if ((uncommitted > 0 || unmerged > 0) && request.confirm?.trim() !== instance.name) {
      const what = [
        uncommitted > 0 ? `${uncommitted} uncommitted change${uncommitted === 1 ? '' : 's'}` : null,
        unmerged > 0 ? `${unmerged} commit${unmerged === 1 ? '' : 's'} not merged into "${instance.base ?? 'any other branch'}"` : null,
      ]
        .filter(Boolean)
        .join(' and ');
      const fate = request.deleteBranch ? 'the changes and the commits will be lost' : `uncommitted changes will be lost; the branch "${branch}" is kept`;
      throw new LanesError('conflict', `"${instance.name}" has ${what}. To remove ${keepInstance ? 'its worktree' : 'it'} anyway, type the instance's name "${instance.name}" to confirm: ${fate}.`, {
        uncommitted,
        unmerged,
        needsConfirmation: true,
      });
    }
    if (exists) await removeWorktreeFolder(root, worktree);
    else await git(root, ['worktree', 'prune']);
  }

  let deletedBranch: string | null = null;
  if (request.deleteBranch && worktree !== null && branchAlive && branch !== instance.base) {
    await git(root, ['branch', '-D', branch]);
    deletedBranch = branch;
  }
  if (!keepInstance) await forgetInstance(lanesYml, instance.name);
  return {
    instance: instance.name,
    keptInstance: keepInstance,
    removedWorktree: exists ? worktree : null,
    deletedBranch,
    keptBranch: deletedBranch === null && branchAlive && worktree !== null ? branch : null,
  };
}

/**
 * Makes the worktree of an instance whose worktree was removed (or lost) again, in the folder
 * lanes.yml names: on its branch when the branch was kept, else on a new branch of that name
 * from its base. The files `.worktreeinclude` lists are copied as at creation.
 */
export async function restoreWorktree(root: string, loaded: LoadedConfig, name: string): Promise<{ instance: string; worktree: string; branch: string; createdBranch: boolean }> {
  const { config: instance, worktree } = locateInstance(root, loaded, name);
  if (worktree === null) throw new LanesError('invalid-argument', `"${instance.name}" runs in the main checkout; it has no worktree to restore.`);
  if (await isFolder(worktree)) throw new LanesError('already-exists', `"${instance.name}" already has its worktree in \`${worktree}\`.`);
  // git may still list the lost folder, and would refuse to add it again.
  await git(root, ['worktree', 'prune']);
  const branch = instance.branch ?? defaultBranchName(instance.name);
  await fs.mkdir(path.dirname(worktree), { recursive: true });
  const createdBranch = !(await branchExists(root, branch));
  if (createdBranch) {
    if (!instance.base) throw new LanesError('invalid-argument', `The branch "${branch}" of "${instance.name}" is gone and lanes.yml names no base to make it again from. Set \`base:\` for "${instance.name}" in lanes.yml.`);
    await git(root, ['worktree', 'add', '-b', branch, worktree, await resolveCommit(root, instance.base)]);
  } else {
    await git(root, ['worktree', 'add', worktree, branch]);
  }
  await copyIncludedFiles(root, worktree);
  return { instance: instance.name, worktree, branch, createdBranch };
}

/**
 * `git worktree remove --force`, finished by hand when a file appeared while git was deleting
 * (Lanes' zones room writes the guard's `.claude/settings.local.json` into every worktree when
 * lanes.yml changes): git then stops with "Directory not empty" after forgetting the worktree
 * and deleting its checked-out files, and only that newcomer is left to delete.
 */
async function removeWorktreeFolder(root: string, worktree: string): Promise<void> {
  const removal = await runGit(root, ['worktree', 'remove', '--force', worktree]);
  if (removal.code === 0) return;
  const real = await realOrResolved(worktree);
  const stillListed = await Promise.all((await listWorktrees(root)).map(async (entry) => (await realOrResolved(entry.path)) === real));
  if (stillListed.includes(true)) throw gitFailure(['worktree', 'remove', '--force', worktree], removal);
  await fs.rm(worktree, { recursive: true, force: true });
}

/** Commits on the branch its base lacks, or (without a base) that no other branch has. */
async function unmergedCommits(root: string, branch: string, base: string | null): Promise<number> {
  const baseExists = base !== null && (await runGit(root, ['rev-parse', '--verify', '-q', '--end-of-options', `${base}^{commit}`])).code === 0;
  const args = baseExists
    ? ['rev-list', '--count', `refs/heads/${branch}`, '--not', base, '--']
    : ['rev-list', '--count', `refs/heads/${branch}`, '--not', `--exclude=refs/heads/${branch}`, '--branches', '--'];
  return Number((await git(root, args)).trim()) || 0;
}

async function forgetInstance(lanesYml: ConfigService, name: string): Promise<void> {
  // Applied to lanes.yml as it is now: the git work above may have taken a while.
  await lanesYml.edit((document, current) => {
    const index = current.config.instances.findIndex((instance) => instance.name === name);
    const instances = document.get('instances', true);
    if (index !== -1 && isSeq(instances)) instances.delete(index);
  });
}

/** Every worktree git knows, with the instance it belongs to (none when lanes.yml cannot be read) and its disk use. */
export async function worktreeList(root: string, config: WorkspaceConfig | null, measure: DiskUseOptions = {}): Promise<WorktreeEntry[]> {
  const worktrees = await listWorktrees(root);
  // As the zones room decides where an instance works: its `worktree:` folder, else the
  // worktree that has its `branch:` checked out.
  const owners = new Map<string, string>();
  const byBranch = new Map<string, string>();
  for (const instance of config?.instances ?? []) {
    const folder = instanceWorktreePath(root, instance);
    if (folder) owners.set(await realOrResolved(folder), instance.name);
    else if (instance.branch && !byBranch.has(instance.branch)) byBranch.set(instance.branch, instance.name);
  }
  return Promise.all(
    worktrees.map(async (worktree) => {
      const exists = await isFolder(worktree.path);
      const instance = owners.get(await realOrResolved(worktree.path)) ?? (worktree.branch ? byBranch.get(worktree.branch) : undefined) ?? null;
      return {
        path: worktree.path,
        branch: worktree.branch,
        head: worktree.head,
        isMain: worktree.isMain,
        instance,
        exists,
        prunable: worktree.prunable || (!exists && !worktree.isMain),
        locked: worktree.locked,
        diskBytes: exists && !worktree.isMain ? await diskUse(worktree.path, measure) : null,
      };
    }),
  );
}

/** `git worktree prune`: forgets worktrees whose folder is gone. Returns the paths forgotten. */
export async function pruneWorktrees(root: string): Promise<string[]> {
  const before = await listWorktrees(root);
  await git(root, ['worktree', 'prune']);
  const after = new Set((await listWorktrees(root)).map((worktree) => worktree.path));
  return before.filter((worktree) => !after.has(worktree.path)).map((worktree) => worktree.path);
}

async function requireFolder(root: string, loaded: LoadedConfig, name: string): Promise<LocatedInstance> {
  const located = locateInstance(root, loaded, name);
  if (!(await isFolder(located.cwd))) {
    throw new LanesError('not-found', `The worktree folder \`${located.cwd}\` of "${located.config.name}" is gone. Prune it, or remove the instance.`);
  }
  return located;
}

async function isFolder(folder: string): Promise<boolean> {
  try {
    return (await fs.stat(folder)).isDirectory();
  } catch (error) {
    if (['ENOENT', 'ENOTDIR'].includes(errnoCode(error) ?? '')) return false;
    throw error;
  }
}

async function realOrResolved(folder: string): Promise<string> {
  try {
    return await fs.realpath(folder);
  } catch {
    return path.resolve(folder);
  }
}
