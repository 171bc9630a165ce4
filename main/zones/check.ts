import { execFileSync } from 'node:child_process';
import { realpathSync } from 'node:fs';
import path from 'node:path';
import { ignoresCase } from '../shared/path-guard';
import { workspaceHome } from '../workspace/home';
import { readLiveLeases } from './leases';
import { ZoneSet } from './zone-set';
import { instanceCheckout, readZonesConfig, type ZonesConfig } from './zones-config';

/** Which changes to check: a branch against its base (CI), or what is staged (pre-commit). */
export type CheckScope = { readonly kind: 'base'; readonly base: string } | { readonly kind: 'staged' };

export interface CheckOptions {
  /** Any folder inside the checkout being checked. */
  readonly cwd: string;
  readonly scope: CheckScope;
  /** lanes.yml's folder; defaults to the checkout's own top level (what CI has). */
  readonly workspace?: string;
  /** Whose zone to check against; found from the checkout or the branch when omitted. */
  readonly instance?: string;
}

export interface CheckResult {
  readonly ok: boolean;
  /** The instances whose zones (with the common paths) the changes must stay in. */
  readonly instances: readonly string[];
  readonly branch: string | null;
  readonly changed: readonly string[];
  /** `leasedTo`: the instance holding a live lease on the path, which alone may commit it (absent without a lease). */
  readonly offending: ReadonlyArray<{ readonly path: string; readonly owners: readonly string[]; readonly leasedTo?: string }>;
  /** Why nothing was checked, when no instance owns this checkout. */
  readonly note: string | null;
}

export class CheckError extends Error {}

/** Checks that every changed path stays in the instance's zones or the common paths. */
export async function checkChanges(options: CheckOptions): Promise<CheckResult> {
  const toplevel = gitText(options.cwd, ['rev-parse', '--show-toplevel']).trim();
  const workspace = options.workspace ?? toplevel;
  let config: ZonesConfig;
  try {
    config = await readZonesConfig(workspace);
  } catch (error) {
    throw new CheckError(error instanceof Error ? error.message : String(error));
  }
  const branchOutput = gitOrNull(toplevel, ['symbolic-ref', '--quiet', '--short', 'HEAD']);
  const branch = branchOutput?.trim() || process.env.GITHUB_HEAD_REF || null;
  const instances = options.instance ? [options.instance] : instancesOfCheckout(config, workspace, toplevel, branch);
  for (const name of instances) {
    if (!config.instances.some((instance) => instance.name === name)) {
      throw new CheckError(`lanes.yml has no instance named "${name}"`);
    }
  }
  const changed = changedPaths(toplevel, options.scope);
  if (instances.length === 0) {
    return {
      ok: true,
      instances,
      branch,
      changed,
      offending: [],
      note: `no instance in lanes.yml works on ${branch ? `branch "${branch}"` : 'this checkout'}, so there is no zone to check against`,
    };
  }
  // Live leases apply to what is about to be committed; a branch checked against its base (CI) has no lease history to read.
  const leases = options.scope.kind === 'staged' ? readLiveLeases(workspaceHome(workspace)) : [];
  const zones = new ZoneSet(config.instances, config.common, { ignoreCase: ignoresCase(toplevel) }, leases);
  const offending = changed
    .filter((file) => !instances.some((name) => zones.mayWrite(name, file)))
    .map((file) => {
      const lease = zones.leaseOn(file);
      return { path: file, owners: zones.ownersOf(file), ...(lease ? { leasedTo: lease.instance } : {}) };
    });
  return { ok: offending.length === 0, instances, branch, changed, offending, note: null };
}

/**
 * The instances working in a checkout: the one whose `worktree` is this folder, else the one
 * whose `branch` is checked out, else (in the main checkout) those without a worktree of their own.
 */
export function instancesOfCheckout(config: ZonesConfig, workspace: string, toplevel: string, branch: string | null): string[] {
  const here = real(toplevel);
  const byWorktree = config.instances.filter((instance) => instance.worktree && real(instanceCheckout(workspace, instance)) === here);
  if (byWorktree.length > 0) return byWorktree.map((instance) => instance.name);
  const byBranch = branch ? config.instances.filter((instance) => instance.branch === branch) : [];
  if (byBranch.length > 0) return byBranch.map((instance) => instance.name);
  if (here === real(workspace)) return config.instances.filter((instance) => !instance.worktree && !instance.branch).map((instance) => instance.name);
  return [];
}

function changedPaths(cwd: string, scope: CheckScope): string[] {
  if (scope.kind === 'staged') {
    return splitZ(gitText(cwd, ['diff', '--cached', '--name-only', '--no-renames', '-z', '--diff-filter=ACDMRTUXB']));
  }
  if (gitOrNull(cwd, ['rev-parse', '--verify', '--quiet', `${scope.base}^{commit}`]) === null) {
    throw new CheckError(`the base \`${scope.base}\` is not a commit here; fetch it first (in CI: actions/checkout with fetch-depth: 0)`);
  }
  return splitZ(gitText(cwd, ['diff', '--name-only', '--no-renames', '-z', `${scope.base}...HEAD`]));
}

function splitZ(output: string): string[] {
  return output.split('\0').filter((entry) => entry !== '');
}

function gitText(cwd: string, args: readonly string[]): string {
  try {
    return execFileSync('git', ['-c', 'core.quotepath=off', ...args], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 512 * 1024 * 1024 });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim().replace(/^(fatal|error): /gm, '');
    throw new CheckError(`git ${args[0]} failed: ${stderr || (error instanceof Error ? error.message : String(error))}`);
  }
}

function gitOrNull(cwd: string, args: readonly string[]): string | null {
  try {
    return gitText(cwd, args);
  } catch {
    return null;
  }
}

function real(folder: string): string {
  try {
    return realpathSync(folder);
  } catch {
    return path.resolve(folder);
  }
}
