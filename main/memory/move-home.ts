import { promises as fs, realpathSync } from 'node:fs';
import path from 'node:path';
import type { CoordinationArea, WorktreeCopy } from '../contract/memory';
import type { InstanceConfig } from '../contract/workspace';
import { hashContent } from '../shared/atomic-file';
import { readInsideCheckout, removeInsideCheckout, writeInsideCheckout, type WritePlace } from '../shared/checkout-file';
import { LanesError, isLanesError } from '../shared/errors';
import { git, gitBytesOrNull, gitOrNull } from '../shared/git';
import { resolveInside, toRepoPath } from '../shared/path-guard';
import type { CoordinationPaths } from '../workspace/home';
import { areaOf, areaPaths, changesIn, literal } from './coordination-changes';

/**
 * "Move it home": a write that went around the guard (a shell `echo > requests/x.md` in a
 * worktree) lands in the worktree's own copy of a coordination path, which no screen and no other
 * instance reads. Lanes finds those copies with git status in each instance worktree, and moves
 * one to the same path in the home, then puts the worktree's copy back as committed.
 */

/** A worktree Lanes runs instances in, and which ones. */
export interface InstanceWorktree {
  readonly checkout: string;
  readonly instances: string[];
}

/**
 * The worktrees of the instances in lanes.yml (`worktree:` is relative to the home), each real
 * path once; instances in the home itself have no copy of their own.
 */
export function instanceWorktrees(home: string, instances: readonly InstanceConfig[]): InstanceWorktree[] {
  const byCheckout = new Map<string, string[]>();
  for (const instance of instances) {
    const value = instance.worktree?.trim();
    if (!value) continue;
    const resolved = path.resolve(home, value);
    let real: string;
    try {
      real = realpathSync(resolved);
    } catch {
      continue;
    }
    if (real === home) continue;
    byCheckout.set(real, [...(byCheckout.get(real) ?? []), instance.name]);
  }
  return [...byCheckout].map(([checkout, names]) => ({ checkout, instances: names }));
}

const AREA_NAMES: Record<CoordinationArea, string> = {
  config: 'lanes.yml',
  sharedState: 'the shared-state file',
  requests: 'the requests folder',
  memory: 'the memory folder',
};

/** Why a change to a worktree's copy cannot be moved home, or null when it can. */
function whyNotMovable(area: CoordinationArea, change: WorktreeCopy['change']): string | null {
  if (area === 'config') return 'lanes.yml in a worktree is its branch’s old copy; change the workspace’s settings in Lanes instead.';
  if (change === 'deleted') return 'Deleted in the worktree: there is nothing to move. The home’s copy is untouched.';
  return null;
}

/** Every change git sees in the instance worktrees' own copies of the coordination paths. */
export async function worktreeCopies(paths: CoordinationPaths, worktrees: readonly InstanceWorktree[]): Promise<{ copies: WorktreeCopy[]; problems: string[] }> {
  const areas = areaPaths(paths);
  const copies: WorktreeCopy[] = [];
  const problems: string[] = [];
  await Promise.all(
    worktrees.map(async ({ checkout, instances }) => {
      try {
        for (const change of await changesIn(checkout, areas)) {
          copies.push({
            checkout,
            instances,
            path: change.path,
            area: change.area,
            change: change.change,
            homePath: path.join(paths.home, ...change.path.split('/')),
            notMovable: whyNotMovable(change.area, change.change),
          });
        }
      } catch (error) {
        problems.push(`Lanes could not read git status in ${instances.join(', ')}’s worktree \`${checkout}\`: ${error instanceof Error ? error.message : String(error)}`);
      }
    }),
  );
  copies.sort((a, b) => a.checkout.localeCompare(b.checkout) || a.path.localeCompare(b.path));
  return { copies, problems };
}

export interface MovedHome {
  readonly area: CoordinationArea;
  /** Relative to the home, with `/`. */
  readonly path: string;
  readonly homePath: string;
  /** The home already had exactly this file, so nothing was written there. */
  readonly alreadyHome: boolean;
  /** How the worktree's copy was put back: as committed, or deleted (git did not track it). */
  readonly worktreeCopy: 'restored' | 'deleted';
}

/**
 * Moves a worktree's copy of a coordination file home. The home gets it atomically when it has
 * no file there, or has exactly the version the worktree's copy started from (its HEAD); any
 * other file there is refused, with both paths named, and nothing changes. The worktree's copy is
 * then restored, unless it changed again meanwhile.
 */
export async function moveHome(
  paths: CoordinationPaths,
  worktrees: readonly InstanceWorktree[],
  checkoutInput: string,
  pathInput: string,
  /** Told before Lanes puts the worktree's copy back, so the zone watcher does not log Lanes' own change. */
  expectOwnChange: (checkout: string, repoPath: string, content: Buffer | null) => void = () => undefined,
): Promise<MovedHome> {
  const worktree = worktreeNamed(worktrees, checkoutInput);
  const checkout = worktree.checkout;
  const owner = worktree.instances.join(', ');
  const absolute = resolveInside(checkout, pathInput, { allowAbsolute: true, rootLabel: `${owner}’s worktree` });
  const repoPath = toRepoPath(checkout, absolute);
  const area = areaOf(repoPath, areaPaths(paths));
  if (area === null) {
    throw new LanesError('invalid-argument', `\`${repoPath}\` is not a coordination file (requests, memory, shared state), so it stays in ${owner}’s worktree. Commit it on that branch if it belongs there.`);
  }
  const refusal = whyNotMovable(area, 'modified');
  if (refusal) throw new LanesError('invalid-argument', refusal);

  const worktreePlace: WritePlace = { root: checkout, rootLabel: `${owner}’s worktree`, what: `its copy of ${AREA_NAMES[area]}` };
  const homePlace: WritePlace = { root: paths.home, rootLabel: `the main checkout (\`${paths.home}\`)`, what: `\`${repoPath}\`` };
  // Symbolic links anywhere on the way are refused on both sides, as for every other write.
  const copy = await readInsideCheckout(worktreePlace, repoPath);
  if (copy.text === null) throw new LanesError('not-found', `\`${repoPath}\` is not in ${owner}’s worktree any more, so there is nothing to move home.`);
  const bytes = await fs.readFile(absolute);
  if (hashContent(bytes) !== copy.version.hash) throw changedMeanwhile(repoPath, owner);

  const homePath = path.join(paths.home, ...repoPath.split('/'));
  const home = await readInsideCheckout(homePlace, repoPath);
  const committedBlob = await blobAt(checkout, `HEAD:${repoPath}`);
  let alreadyHome = false;
  if (home.version.hash === copy.version.hash) {
    alreadyHome = true;
  } else if (home.text !== null && (committedBlob === null || committedBlob !== (await git(paths.home, ['hash-object', '--', homePath])).trim())) {
    throw new LanesError(
      'conflict',
      `The main checkout already has a different \`${repoPath}\` (\`${homePath}\`), changed since ${owner}’s branch took its copy, so Lanes did not move ${owner}’s version over it. ` +
        `Nothing was changed. Compare the two files, put what is needed into \`${homePath}\`, then discard the worktree’s copy.`,
      { homePath, worktreePath: absolute },
    );
  }
  if (!alreadyHome) {
    try {
      await writeInsideCheckout(homePlace, repoPath, bytes, { expected: home.version });
    } catch (error) {
      if (isLanesError(error) && error.code === 'conflict') {
        throw new LanesError('conflict', `\`${homePath}\` changed while Lanes was moving ${owner}’s copy there. Nothing was overwritten; look at both and try again.`, { homePath });
      }
      throw error;
    }
  }

  // The worktree's copy is put back only when it is still what was moved: a newer write stays.
  const now = await readInsideCheckout(worktreePlace, repoPath);
  if (now.version.hash !== copy.version.hash) throw changedMeanwhile(repoPath, owner, homePath);
  if (committedBlob !== null) {
    expectOwnChange(checkout, repoPath, await gitBytesOrNull(checkout, ['cat-file', 'blob', `HEAD:${repoPath}`]));
    await git(checkout, ['restore', '--source=HEAD', '--staged', '--worktree', '--', literal(repoPath)]);
    return { area, path: repoPath, homePath, alreadyHome, worktreeCopy: 'restored' };
  }
  await gitOrNull(checkout, ['rm', '--quiet', '--cached', '--ignore-unmatch', '--', literal(repoPath)]);
  expectOwnChange(checkout, repoPath, null);
  await removeInsideCheckout(worktreePlace, repoPath);
  return { area, path: repoPath, homePath, alreadyHome, worktreeCopy: 'deleted' };
}

function worktreeNamed(worktrees: readonly InstanceWorktree[], checkoutInput: string): InstanceWorktree {
  let real: string | null = null;
  try {
    real = realpathSync(checkoutInput);
  } catch {
    real = null;
  }
  const found = worktrees.find((worktree) => worktree.checkout === real);
  if (!found) {
    throw new LanesError('not-found', `\`${checkoutInput}\` is not the worktree of any instance in lanes.yml, so Lanes moves nothing from it. Pick a row of the violation log or the Coordination changes panel.`);
  }
  return found;
}

/** The blob id git has for `<rev>:<path>`, or null when that commit does not hold the file. */
async function blobAt(checkout: string, spec: string): Promise<string | null> {
  const output = await gitOrNull(checkout, ['rev-parse', '--verify', '--quiet', spec]);
  return output === null || output.trim() === '' ? null : output.trim();
}

function changedMeanwhile(repoPath: string, owner: string, homePath?: string): LanesError {
  const done = homePath ? ` The version Lanes read is now in \`${homePath}\`;` : ' Nothing was moved;';
  return new LanesError('conflict', `\`${repoPath}\` in ${owner}’s worktree changed while Lanes was moving it.${done} the newer one stays in the worktree. Try again.`, { path: repoPath });
}
