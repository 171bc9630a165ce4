import { lstatSync, readlinkSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { errnoCode, isLanesError } from '../shared/errors';
import { ignoresCase, isInside, resolveInside } from '../shared/path-guard';
import { compilePatterns, normalizeRepoPath } from '../zones/matcher';
import { homeOf, type ConfiguredPaths } from './home';

/**
 * The one check of the coordination paths lanes.yml names (`paths.sharedState`,
 * `paths.requests`, `paths.memory`) against the rules that make them one home every instance
 * shares. It reads the file system but writes nothing; every place that accepts a change to
 * those paths or to a zone asks it first (instance creation, zone save, the Workspace screen).
 *
 * - A path that leaves the repository (`..`, absolute, a symbolic link leading out) is refused:
 *   agents in every worktree are told that one absolute path, and Lanes writes only inside the
 *   repository.
 * - A folder that does not exist yet is fine: it is made on the first write (the first request,
 *   the first memory entry), as a fresh repository following the conventions has neither. Only
 *   something in the way is a problem: a file where the folder should be, or a folder where the
 *   shared-state file should be.
 * - A zone that takes the requests or memory folder is refused: every instance must be able to
 *   write there, and the guard would block all but the zone's owner.
 * - A home that is gone (the workspace folder, or the main checkout a linked worktree belongs
 *   to, moved or deleted) is refused: there is nowhere every instance could share.
 */

/** `home`: the main checkout itself, where all the coordination files live. */
export type CoordinationKey = keyof ConfiguredPaths | 'home';

export interface CoordinationProblem {
  readonly key: CoordinationKey;
  /** The instance whose zone takes the path; null for a problem of the path itself. */
  readonly instance: string | null;
  readonly message: string;
}

export interface CoordinationInput {
  readonly paths: ConfiguredPaths;
  /** The instances whose zones to check (all of lanes.yml, or the one being created or saved). */
  readonly instances: readonly { readonly name: string; readonly zones: readonly string[] }[];
  /** How zones compare names; defaults to what the home's file system does. */
  readonly ignoreCase?: boolean;
}

const KEYS: readonly (keyof ConfiguredPaths)[] = ['sharedState', 'requests', 'memory'];
const LABELS: Record<keyof ConfiguredPaths, string> = { sharedState: 'shared-state file', requests: 'requests folder', memory: 'memory folder' };
/** Files a zone must not take inside a shared folder: any request or memory entry, finished requests, the index. */
const SHARED_FOLDER_PROBES = ['request.md', 'done/request.md', 'MEMORY.md', 'project_probe.md'];

/** Every problem of the coordination paths of the workspace `checkout` belongs to (its main checkout or any worktree), and of the given instances' zones. */
export function coordinationProblems(checkout: string, input: CoordinationInput): CoordinationProblem[] {
  const home = locateHome(checkout);
  if ('problem' in home) return [{ key: 'home', instance: null, message: home.problem }];
  const realHome = home.home;
  const ignoreCase = input.ignoreCase ?? ignoresCase(realHome);
  const problems: CoordinationProblem[] = [];
  for (const key of KEYS) {
    const message = placeProblem(realHome, key, input.paths[key]);
    if (message) problems.push({ key, instance: null, message });
  }
  for (const key of ['requests', 'memory'] as const) {
    if (problems.some((problem) => problem.key === key)) continue;
    const folder = normalizeRepoPath(input.paths[key].trim());
    const probes = [folder, ...SHARED_FOLDER_PROBES.map((probe) => `${folder}/${probe}`)];
    for (const instance of input.instances) {
      const zone = instance.zones.find((pattern) => {
        const owns = compilePatterns([pattern], { ignoreCase });
        return probes.some((probe) => owns(probe));
      });
      if (zone === undefined) continue;
      problems.push({
        key,
        instance: instance.name,
        message:
          `The ${LABELS[key]} \`${folder}\` (\`paths.${key}\` in lanes.yml) is inside the zone \`${zone.trim()}\` of "${instance.name}". ` +
          `Every instance must be able to write it, so no zone may take it: narrow that zone, or move \`paths.${key}\` out of it.`,
      });
    }
  }
  return problems;
}

/** The real path of the home `checkout` belongs to, or why there is none. */
function locateHome(checkout: string): { home: string } | { problem: string } {
  try {
    return { home: homeOf(checkout) };
  } catch (error) {
    if (isLanesError(error)) return { problem: error.message };
    throw error;
  }
}

/** Why a coordination path cannot be used, or null when it can (missing included). */
function placeProblem(realHome: string, key: keyof ConfiguredPaths, configured: string): string | null {
  const change = `Change \`paths.${key}\` in lanes.yml.`;
  const link = linkLeadingOut(realHome, configured);
  if (link) {
    return (
      `\`paths.${key}\` (\`${configured}\`) goes through the symbolic link \`${link.at}\` → \`${link.target}\`, which leads out of the repository. ` +
      `Every instance is told one path inside the repository for its ${LABELS[key]}, and Lanes writes nowhere else: point \`paths.${key}\` at a real ${key === 'sharedState' ? 'file' : 'folder'} inside it.`
    );
  }
  let resolved: string;
  try {
    resolved = resolveInside(realHome, configured, { rootLabel: 'the repository' });
  } catch (error) {
    if (isLanesError(error)) return `\`paths.${key}\`: ${error.message} ${change}`;
    throw error;
  }
  const wantsFolder = key !== 'sharedState';
  try {
    const isFolder = statSync(resolved).isDirectory();
    if (wantsFolder && !isFolder) return `\`paths.${key}\` (\`${configured}\`) is a file, not a folder, so Lanes cannot keep the ${LABELS[key]} there. ${change}`;
    if (!wantsFolder && isFolder) return `\`paths.${key}\` (\`${configured}\`) is a folder, not a file, so Lanes cannot keep the ${LABELS[key]} there. ${change}`;
  } catch (error) {
    if (errnoCode(error) === 'ENOTDIR') {
      return `\`paths.${key}\` (\`${configured}\`) goes through a file as if it were a folder, so the ${LABELS[key]} can never be made there. ${change}`;
    }
    if (errnoCode(error) !== 'ENOENT') throw error;
  }
  return null;
}

/** The first symbolic link on the way to `configured` that leads out of the home (or nowhere), with its target. */
function linkLeadingOut(realHome: string, configured: string): { at: string; target: string } | null {
  const segments = configured.split(/[\\/]+/).filter((segment) => segment !== '' && segment !== '.');
  if (path.isAbsolute(configured) || segments.includes('..') || configured.includes('\0')) return null;
  let current = realHome;
  for (let index = 0; index < segments.length; index += 1) {
    current = path.join(current, segments[index]!);
    let isLink: boolean;
    try {
      isLink = lstatSync(current).isSymbolicLink();
    } catch {
      return null;
    }
    if (!isLink) continue;
    const at = segments.slice(0, index + 1).join('/');
    const target = readlinkSync(current);
    let real: string;
    try {
      real = realpathSync(current);
    } catch {
      return null; // a broken link: the path guard names it
    }
    if (!isInside(realHome, real)) return { at, target };
  }
  return null;
}
