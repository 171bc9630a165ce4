import { existsSync, lstatSync, readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { LanesError, errnoCode, isLanesError } from '../shared/errors';
import { resolveInside } from '../shared/path-guard';

/**
 * The home of a workspace's coordination files (lanes.yml, the shared-state file, the requests
 * folder, the memory folder) is the repository's main checkout. Every instance works in its own
 * worktree, but all of them, the guard and every screen read and write the home's copy, so a
 * worktree's own copy of those files is never a second truth.
 *
 * This module imports only Node and the path guard: `lanes guard` runs it on every edit.
 */

/** The workspace config file, at the top of the home. */
export const CONFIG_FILE_NAME = 'lanes.yml';

/**
 * The history of leases on paths (taken, granted, released, ended, expired), one JSON object a
 * line, at the top of the home beside lanes.yml: Lanes only ever adds lines, so anyone can read
 * who held what and when without Lanes.
 */
export const LEASE_HISTORY_FILE_NAME = 'lanes-leases.jsonl';

export function leaseHistoryFile(home: string): string {
  return path.join(home, LEASE_HISTORY_FILE_NAME);
}

/** The coordination paths as lanes.yml names them, relative to the home. */
export interface ConfiguredPaths {
  readonly sharedState: string;
  readonly requests: string;
  readonly memory: string;
}

/** Every coordination path an agent is told, absolute, inside the home. */
export interface CoordinationPaths {
  readonly home: string;
  readonly config: string;
  readonly sharedState: string;
  readonly requests: string;
  /** Where a finished request goes. */
  readonly requestsDone: string;
  readonly memory: string;
  /** MEMORY.md, the memory folder's index. */
  readonly memoryIndex: string;
}

/**
 * The main checkout of the repository that `checkout` (the main checkout or any linked
 * worktree) belongs to: the folder holding the repository's common git folder, which is what
 * `git rev-parse --git-common-dir` names. Read from git's own files rather than by running git,
 * because the guard asks on every edit: a linked worktree's `.git` is a file naming its private
 * git folder, and that folder's `commondir` file names the common one.
 *
 * A checkout whose main checkout was moved or deleted has no home, and this says so (a
 * `not-found` LanesError) rather than letting the worktree become a second home of its own.
 */
export function homeOf(checkout: string): string {
  const real = realOrGone(checkout, () => `The workspace folder \`${checkout}\` does not exist any more`);
  const dotGit = path.join(real, '.git');
  let isFile: boolean;
  try {
    isFile = lstatSync(dotGit).isFile();
  } catch {
    return real;
  }
  if (!isFile) return real;
  const gitdir = /^gitdir:\s*(.+?)\s*$/m.exec(readFileSync(dotGit, 'utf8'))?.[1];
  if (!gitdir) throw new LanesError('malformed-file', `\`${dotGit}\` does not name a git folder (\`gitdir: …\`), so Lanes cannot find this repository's main checkout. Run \`git worktree repair\` there.`);
  const privateDir = path.resolve(real, gitdir);
  if (!existsSync(privateDir)) throw homeGone(`The git folder of this worktree (\`${privateDir}\`) does not exist: the main checkout was moved or deleted`);
  let commondir: string;
  try {
    commondir = readFileSync(path.join(privateDir, 'commondir'), 'utf8').trim();
  } catch {
    // No `commondir`: this checkout owns its git folder (a submodule, or `--separate-git-dir`).
    return real;
  }
  const common = realOrGone(path.resolve(privateDir, commondir), () => 'The main checkout of this worktree does not exist any more');
  if (path.basename(common) !== '.git') {
    throw new LanesError(
      'unavailable',
      `This repository's git folder \`${common}\` is not inside a checkout, so Lanes cannot tell which checkout is the home of its coordination files. Open the main checkout instead of the worktree \`${real}\`.`,
    );
  }
  return path.dirname(common);
}

function homeGone(what: string): LanesError {
  return new LanesError(
    'not-found',
    `${what}, so the coordination files (lanes.yml, the shared-state file, the requests and memory folders) have no home. ` +
      'Open the repository where its main checkout is now (in a moved linked worktree, run `git worktree repair` there first).',
  );
}

function realOrGone(folder: string, what: () => string): string {
  try {
    return realpathSync(folder);
  } catch (error) {
    if (['ENOENT', 'ENOTDIR'].includes(errnoCode(error) ?? '')) throw homeGone(what());
    throw error;
  }
}

/**
 * The home of the workspace Lanes opened at `root`: its main checkout, or `root` itself in the
 * one layout where git does not say which checkout is the main one (a linked worktree of a
 * repository made with `--separate-git-dir`).
 */
export function workspaceHome(root: string): string {
  try {
    return homeOf(root);
  } catch {
    return root;
  }
}

/**
 * The one place that turns lanes.yml's coordination paths into the absolute paths agents are
 * told: in their context, the start ritual, guard refusals, hand-off and wrap-up. Each must stay
 * inside the home; one that leaves it (`..`, an absolute path, a symlink leading out) is refused
 * with the lanes.yml key to change.
 */
export function coordinationPaths(home: string, paths: ConfiguredPaths): CoordinationPaths {
  const inside = (configured: string, key: keyof ConfiguredPaths): string => {
    try {
      return resolveInside(home, configured, { rootLabel: `the workspace's main checkout (\`${home}\`)` });
    } catch (error) {
      if (isLanesError(error)) throw new LanesError(error.code, `${error.message} Change \`paths.${key}\` in lanes.yml.`, error.details);
      throw error;
    }
  };
  const requests = inside(paths.requests, 'requests');
  const memory = inside(paths.memory, 'memory');
  return {
    home: realpathSync(home),
    config: path.join(realpathSync(home), CONFIG_FILE_NAME),
    sharedState: inside(paths.sharedState, 'sharedState'),
    requests,
    requestsDone: path.join(requests, 'done'),
    memory,
    memoryIndex: path.join(memory, 'MEMORY.md'),
  };
}
