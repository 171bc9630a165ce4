import { realpathSync } from 'node:fs';
import path from 'node:path';
import { normalizeRepoPath } from './matcher';
import { ZoneSet } from './zone-set';
import { instanceCheckout, readZonesConfig, type ZonesConfig } from './zones-config';

/** The tools whose writes the guard checks (Claude Code's file-editing tools). */
export const GUARDED_TOOLS = ['Edit', 'Write', 'MultiEdit', 'NotebookEdit'] as const;
export const GUARDED_TOOLS_MATCHER = GUARDED_TOOLS.join('|');

export interface GuardOptions {
  /** The repository's main checkout, where lanes.yml lives. */
  readonly workspace: string;
  /**
   * The instance making the edit. When several instances share one checkout and the agent's
   * environment does not say which it is (LANES_INSTANCE), all of them: a write any of them may
   * make is let through.
   */
  readonly instances: readonly string[];
  /** The instance's worktree; defaults to the one lanes.yml gives it. */
  readonly worktree?: string;
}

export type GuardDecision = { readonly allow: true } | { readonly allow: false; readonly reason: string };

const BLOCKED = 'Lanes blocked this edit';

/**
 * Decides one PreToolUse call from Claude Code. Anything it cannot understand (malformed JSON,
 * no lanes.yml, an unknown instance, a missing path) blocks the write: failing closed is the
 * point of a guard.
 */
export async function decideGuard(stdinText: string, options: GuardOptions): Promise<GuardDecision> {
  let input: unknown;
  try {
    input = JSON.parse(stdinText);
  } catch {
    return block(`${BLOCKED}: the hook's input is not valid JSON, so Lanes could not check which file it writes. Try the edit again; if it keeps failing, ask the user to check the Lanes hook in .claude/settings.local.json.`);
  }
  if (typeof input !== 'object' || input === null) return block(`${BLOCKED}: the hook's input is not a JSON object.`);
  const hook = input as { tool_name?: unknown; tool_input?: unknown; cwd?: unknown };
  if (typeof hook.tool_name !== 'string') return block(`${BLOCKED}: the hook's input has no \`tool_name\`.`);
  if (!(GUARDED_TOOLS as readonly string[]).includes(hook.tool_name)) return { allow: true };

  const toolInput = (typeof hook.tool_input === 'object' && hook.tool_input !== null ? hook.tool_input : {}) as Record<string, unknown>;
  const target = typeof toolInput.file_path === 'string' ? toolInput.file_path : toolInput.notebook_path;
  if (typeof target !== 'string' || target === '' || target.includes('\0')) {
    return block(`${BLOCKED}: the ${hook.tool_name} call names no file, so Lanes could not check it.`);
  }

  let config: ZonesConfig;
  try {
    config = await readZonesConfig(options.workspace);
  } catch (error) {
    return block(`${BLOCKED}: ${error instanceof Error ? error.message : String(error)}. Ask the user to fix lanes.yml in Lanes.`);
  }
  const unknown = options.instances.filter((name) => !config.instances.some((candidate) => candidate.name === name));
  if (options.instances.length === 0 || unknown.length > 0) {
    return block(`${BLOCKED}: lanes.yml has no instance named "${unknown[0] ?? ''}", so Lanes cannot tell which files you own. Ask the user to add it in Lanes or to restart this instance from Lanes.`);
  }
  const instance = config.instances.find((candidate) => candidate.name === options.instances[0])!;

  const worktree = realOrResolved(options.worktree ?? instanceCheckout(options.workspace, instance));
  const cwd = typeof hook.cwd === 'string' && hook.cwd !== '' ? hook.cwd : worktree;
  const absolute = realOrResolved(path.resolve(cwd, target));
  const relative = path.relative(worktree, absolute);
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) {
    return block(`${BLOCKED}: \`${target}\` is outside your worktree (\`${worktree}\`). Instance ${options.instances.join(' or ')} only writes inside it.`);
  }

  const repoPath = normalizeRepoPath(relative);
  const zones = new ZoneSet(config.instances, config.common);
  if (options.instances.some((name) => zones.mayWrite(name, repoPath))) return { allow: true };
  return block(refusal(config, zones, options.instances, repoPath));
}

function refusal(config: ZonesConfig, zones: ZoneSet, selves: readonly string[], repoPath: string): string {
  const self = selves.join(' or ');
  const own = config.instances.filter((candidate) => selves.includes(candidate.name)).flatMap((candidate) => candidate.zones);
  const yours = own.length > 0 ? own.join(', ') : 'nothing yet';
  const common = config.common.join(', ');
  const owners = zones.ownersOf(repoPath);
  const requests = config.paths.requests.replace(/\/+$/, '');
  const stamp = new Date().toISOString().slice(0, 10).replace(/-/g, '');
  if (owners.length === 0) {
    return `${BLOCKED}: \`${repoPath}\` belongs to no instance, and you (${self}) own ${yours} plus the common paths (${common}). Do not write it; ask the user to assign it to an instance on Lanes' Zones screen.`;
  }
  const who = owners.join(' and ');
  return `${BLOCKED}: \`${repoPath}\` belongs to instance ${who}, not to you (${self}). You own ${yours} plus the common paths (${common}). Instead of editing it, write a request file for ${owners[0]} in ${requests}/ (for example ${requests}/${stamp}_<topic>.md titled "<what is needed> (${selves[0]} → ${owners[0]})") describing the change, and carry on with your own files.`;
}

function block(reason: string): GuardDecision {
  return { allow: false, reason };
}

/** The real path of the deepest part that exists, so a symlink cannot smuggle a write out. */
function realOrResolved(target: string): string {
  const absolute = path.resolve(target);
  const missing: string[] = [];
  let current = absolute;
  for (;;) {
    try {
      return path.join(realpathSync(current), ...missing.reverse());
    } catch {
      const parent = path.dirname(current);
      if (parent === current) return absolute;
      missing.push(path.basename(current));
      current = parent;
    }
  }
}
