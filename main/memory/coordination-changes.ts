import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { CoordinationArea, CoordinationChange } from '../contract/memory';
import { LanesError } from '../shared/errors';
import { git, gitWritingIndex, requireGitFolders } from '../shared/git';
import type { CoordinationPaths } from '../workspace/home';

/**
 * The uncommitted changes to the home's coordination files (lanes.yml, the shared-state file,
 * the requests folder with done/, the memory folder) and the one commit that records exactly
 * those, whatever else the user has changed or staged in the home.
 */

/** Each area's path relative to the home (and to every worktree), with `/`, as git names it. */
export function areaPaths(paths: CoordinationPaths): [CoordinationArea, string][] {
  const relative = (absolute: string) => path.relative(paths.home, absolute).split(path.sep).join('/');
  return [
    ['config', relative(paths.config)],
    ['sharedState', relative(paths.sharedState)],
    ['memory', relative(paths.memory)],
    ['requests', relative(paths.requests)],
  ];
}

/** A pathspec git takes as it is written: no glob, so `Windows版#67[1].md` names only itself. */
export const literal = (repoPath: string) => `:(literal)${repoPath}`;

/** Which coordination area a path (relative to a checkout, with `/`) lies in, or null. */
export function areaOf(repoPath: string, areas: [CoordinationArea, string][]): CoordinationArea | null {
  for (const [area, prefix] of areas) {
    if (repoPath === prefix || repoPath.startsWith(`${prefix}/`)) return area;
  }
  return null;
}

/** What `git status` says has changed in the coordination files, by path. */
export async function coordinationChanges(paths: CoordinationPaths): Promise<CoordinationChange[]> {
  return changesIn(paths.home, areaPaths(paths));
}

/** What `git status` says has changed below the coordination paths of one checkout: the home, or a worktree's own copies. */
export async function changesIn(checkout: string, areas: [CoordinationArea, string][]): Promise<CoordinationChange[]> {
  const output = await git(checkout, ['status', '--porcelain=v1', '-z', '--no-renames', '--untracked-files=all', '--', ...areas.map(([, repoPath]) => literal(repoPath))]);
  const changes: CoordinationChange[] = [];
  for (const entry of output.split('\0')) {
    if (entry.length < 4) continue;
    const state = entry.slice(0, 2);
    const repoPath = entry.slice(3);
    const area = areaOf(repoPath, areas);
    if (!area) continue;
    const change = state === '??' || state.startsWith('A') ? 'added' : state.includes('D') ? 'deleted' : 'modified';
    changes.push({ path: repoPath, area, change });
  }
  return changes.sort((a, b) => a.path.localeCompare(b.path));
}

const OPERATIONS: [string, string][] = [
  ['MERGE_HEAD', 'a merge'],
  ['rebase-merge', 'a rebase'],
  ['rebase-apply', 'a rebase (or `git am`)'],
  ['CHERRY_PICK_HEAD', 'a cherry-pick'],
  ['REVERT_HEAD', 'a revert'],
];

/** Why the home cannot take a commit of its own now (a merge or rebase in progress), or null. */
export async function whyCommitIsBlocked(home: string): Promise<string | null> {
  const { gitDir } = await requireGitFolders(home);
  for (const [marker, operation] of OPERATIONS) {
    const there = await fs.stat(path.join(gitDir, marker)).then(
      () => true,
      () => false,
    );
    if (there) {
      return `The main checkout (\`${home}\`) has ${operation} in progress, so Lanes does not commit there now: the commit would become part of it. Finish it or abort it in a terminal, then commit the coordination changes.`;
    }
  }
  return null;
}

const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/**
 * "Lanes: coordination — 2 requests, 1 memory entry, memory index, shared state", then one line
 * per file, so `git log` says what the agents changed without opening the commit.
 */
export function coordinationCommitMessage(changes: readonly CoordinationChange[], paths: CoordinationPaths): string {
  const index = path.relative(paths.home, paths.memoryIndex).split(path.sep).join('/');
  const requests = changes.filter((change) => change.area === 'requests').length;
  const entries = changes.filter((change) => change.area === 'memory' && change.path !== index).length;
  const parts: string[] = [];
  if (requests > 0) parts.push(count(requests, 'request', 'requests'));
  if (entries > 0) parts.push(count(entries, 'memory entry', 'memory entries'));
  if (changes.some((change) => change.path === index)) parts.push('memory index');
  if (changes.some((change) => change.area === 'sharedState')) parts.push('shared state');
  if (changes.some((change) => change.area === 'config')) parts.push(path.basename(paths.config));
  const body = changes.map((change) => `${change.change} ${change.path}`).join('\n');
  return `Lanes: coordination — ${parts.join(', ')}\n\n${body}\n`;
}

export interface CoordinationCommit {
  readonly commit: string;
  readonly message: string;
  readonly changes: CoordinationChange[];
}

/**
 * Commits the coordination changes and nothing else: a pathspec'd commit (`git commit --only`)
 * takes those paths as they are on disk and leaves every other staged or unstaged change of the
 * user where it was. New files are added to the index first, as git needs to know them.
 */
export async function commitCoordinationChanges(paths: CoordinationPaths): Promise<CoordinationCommit> {
  const blocked = await whyCommitIsBlocked(paths.home);
  if (blocked) throw new LanesError('conflict', blocked);
  const changes = await coordinationChanges(paths);
  if (changes.length === 0) throw new LanesError('unavailable', 'The coordination files have no uncommitted changes, so there is nothing to commit.');
  const pathspecs = changes.map((change) => literal(change.path));
  const added = changes.filter((change) => change.change === 'added').map((change) => literal(change.path));
  if (added.length > 0) await gitWritingIndex(paths.home, ['add', '--', ...added]);
  const message = coordinationCommitMessage(changes, paths);
  await gitWritingIndex(paths.home, ['commit', '--only', '--quiet', '-m', message, '--', ...pathspecs]);
  const commit = (await git(paths.home, ['rev-parse', 'HEAD'])).trim();
  return { commit, message, changes };
}
