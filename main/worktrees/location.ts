import os from 'node:os';
import path from 'node:path';
import type { InstanceConfig, WorkspaceConfig } from '../workspace/config';

/**
 * Where instances' worktrees live and what their branches are called. lanes.yml keeps a
 * worktree's location relative to the repository root (`../web-frontend`), so the file works
 * on every clone beside which the worktrees are made.
 */

/** A name made safe for a folder and a branch: letters (any script), digits, `.`, `_`, `-`. */
export function instanceSlug(name: string): string {
  const slug = name
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}._-]+/gu, '-')
    .replace(/\.{2,}/g, '.')
    .replace(/^[-.]+|[-.]+$/g, '')
    .replace(/\.lock$/, '-lock');
  return slug === '' ? 'instance' : slug;
}

export function defaultBranchName(name: string): string {
  return `lanes/${instanceSlug(name)}`;
}

/** The folder new worktrees go in: `paths.worktrees` from lanes.yml, else the repository's parent. */
export function worktreesFolder(root: string, config: WorkspaceConfig): string {
  const configured = config.paths.worktrees?.trim();
  if (!configured) return path.dirname(root);
  const expanded = configured === '~' || configured.startsWith('~/') ? path.join(os.homedir(), configured.slice(1)) : configured;
  return path.resolve(root, expanded);
}

/** `<folder>/<repo>-<instance>`, e.g. `/src/web-frontend` for the instance "Frontend" of `/src/web`. */
export function defaultWorktreePath(root: string, config: WorkspaceConfig, name: string): string {
  return path.join(worktreesFolder(root, config), `${path.basename(root)}-${instanceSlug(name)}`);
}

/** The absolute folder of an instance's worktree, or null when it runs in the main checkout. */
export function instanceWorktreePath(root: string, instance: Pick<InstanceConfig, 'worktree'>): string | null {
  const value = instance.worktree?.trim();
  if (!value) return null;
  const resolved = path.resolve(root, value);
  return resolved === path.resolve(root) ? null : resolved;
}

/** How lanes.yml records a worktree folder: relative to the root with `/`, absolute only across drives. */
export function worktreeConfigValue(root: string, absolute: string): string {
  const relative = path.relative(root, absolute);
  if (relative === '' || path.isAbsolute(relative)) return absolute;
  return relative.split(path.sep).join('/');
}
