import { lstatSync, readFileSync, readlinkSync } from 'node:fs';
import path from 'node:path';
import { normalizeRepoPath } from './matcher';
import { ZoneSet } from './zone-set';
import { ignoresCase, isInside, relativeInside, type CaseRule } from '../shared/path-guard';
import { coordinationPaths, homeOf, type CoordinationPaths } from '../workspace/home';
import { readLiveLeases, type Lease } from './leases';
import { instanceCheckout, ownCopyOfCoordinationFile, readZonesConfig, type ZonesConfig } from './zones-config';

/** The tools whose writes the guard checks (Claude Code's file-editing tools). */
export const GUARDED_TOOLS = ['Edit', 'Write', 'MultiEdit', 'NotebookEdit'] as const;
export const GUARDED_TOOLS_MATCHER = GUARDED_TOOLS.join('|');

export interface GuardOptions {
  /**
   * A checkout of the workspace's repository. The guard reads lanes.yml and allows the shared
   * coordination files in its home (the main checkout), whichever checkout this names.
   */
  readonly workspace: string;
  /**
   * The instance making the edit. When several instances share one checkout and the agent's
   * environment does not say which it is (LANES_INSTANCE), all of them: a write any of them may
   * make is let through.
   */
  readonly instances: readonly string[];
  /** The instance's worktree; defaults to the one lanes.yml gives it. */
  readonly worktree?: string;
  /** Whether names are compared without case; defaults to what the worktree's file system does. */
  readonly ignoreCase?: boolean;
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

  let home: string;
  let config: ZonesConfig;
  let shared: CoordinationPaths;
  try {
    home = homeOf(options.workspace);
    config = await readZonesConfig(home);
    shared = landOf(coordinationPaths(home, config.paths));
  } catch (error) {
    const message = (error instanceof Error ? error.message : String(error)).replace(/\.$/, '');
    return block(`${BLOCKED}: ${message}. Ask the user to fix lanes.yml in Lanes.`);
  }
  const unknown = options.instances.filter((name) => !config.instances.some((candidate) => candidate.name === name));
  if (options.instances.length === 0 || unknown.length > 0) {
    return block(`${BLOCKED}: lanes.yml has no instance named "${unknown[0] ?? ''}", so Lanes cannot tell which files you own. Ask the user to add it in Lanes or to restart this instance from Lanes.`);
  }
  const instance = config.instances.find((candidate) => candidate.name === options.instances[0])!;

  let worktree: string;
  let absolute: string;
  try {
    worktree = landingPath(options.worktree ?? instanceCheckout(home, instance));
    const cwd = typeof hook.cwd === 'string' && hook.cwd !== '' ? hook.cwd : worktree;
    absolute = landingPath(path.isAbsolute(target) ? target : `${cwd}${path.sep}${target}`);
  } catch (error) {
    return block(`${BLOCKED}: \`${target}\` ${error instanceof Error ? error.message : String(error)}.`);
  }

  const rule: CaseRule = { ignoreCase: options.ignoreCase ?? ignoresCase(worktree) };
  const zones = new ZoneSet(config.instances, config.common, rule, readLiveLeases(home));
  // The home's shared coordination files, which every instance writes from wherever it runs, unless another instance leased them.
  const inHome = relativeInside(shared.home, absolute, rule);
  const homeLease = inHome ? zones.leaseOn(normalizeRepoPath(inHome)) : null;
  if (homeLease && !options.instances.includes(homeLease.instance)) return block(leaseRefusal(homeLease, options.instances, normalizeRepoPath(inHome!)));
  if (isInside(shared.requests, absolute, rule) || isInside(shared.memory, absolute, rule)) return { allow: true };
  if (relativeInside(shared.sharedState, absolute, rule) === '') return scopeTableDecision(hook.tool_name, toolInput, shared.sharedState);

  const relative = relativeInside(worktree, absolute, rule);
  if (relative === null || relative === '') {
    return block(
      `${BLOCKED}: \`${target}\` is outside your worktree (\`${worktree}\`). Instance ${options.instances.join(' or ')} only writes inside it, ` +
        `and the shared coordination files in the main checkout: ${shared.requests}${path.sep}, ${shared.memory}${path.sep} and ${shared.sharedState}.`,
    );
  }
  const repoPath = normalizeRepoPath(relative);
  if (relativeInside(shared.home, worktree, rule) !== '') {
    const copy = ownCopyOfCoordinationFile(repoPath, config, rule);
    const homePath = path.join(shared.home, ...repoPath.split('/'));
    if (copy === 'config') {
      return block(
        `${BLOCKED}: \`${repoPath}\` in your worktree is this branch's own copy, which Lanes does not read. The workspace's settings are \`${homePath}\`, ` +
          'which the user changes in Lanes; ask the user for the change.',
      );
    }
    if (copy) {
      return block(
        `${BLOCKED}: \`${repoPath}\` in your worktree is this branch's own copy of ${copy}, which no other instance and no Lanes screen reads. ` +
          `Write \`${homePath}\` instead: the copy in the workspace's main checkout is the one everybody shares.`,
      );
    }
  }

  if (options.instances.some((name) => zones.mayWrite(name, repoPath))) return { allow: true };
  const lease = zones.leaseOn(repoPath);
  if (lease) return block(leaseRefusal(lease, options.instances, repoPath));
  return block(refusal(config, zones, options.instances, repoPath, shared));
}

function leaseRefusal(lease: Lease, selves: readonly string[], repoPath: string): string {
  return (
    `${BLOCKED}: \`${repoPath}\` is leased to instance ${lease.instance} until ${lease.until} (lease on \`${lease.path}\`), so only ${lease.instance} may write it, not you (${selves.join(' or ')}). ` +
    `Wait for the lease to end, or write a request to ${lease.instance} asking for the change.`
  );
}

function refusal(config: ZonesConfig, zones: ZoneSet, selves: readonly string[], repoPath: string, shared: CoordinationPaths): string {
  const self = selves.join(' or ');
  const own = config.instances.filter((candidate) => selves.includes(candidate.name)).flatMap((candidate) => candidate.zones);
  const yours = own.length > 0 ? own.join(', ') : 'nothing yet';
  const common = config.common.join(', ');
  const owners = zones.ownersOf(repoPath);
  const requests = `${shared.requests}${path.sep}`;
  const stamp = new Date().toISOString().slice(0, 10).replace(/-/g, '');
  if (owners.length === 0) {
    return `${BLOCKED}: \`${repoPath}\` belongs to no instance, and you (${self}) own ${yours} plus the common paths (${common}). Do not write it; ask the user to assign it to an instance on Lanes' Zones screen.`;
  }
  const who = owners.join(' and ');
  return `${BLOCKED}: \`${repoPath}\` belongs to instance ${who}, not to you (${self}). You own ${yours} plus the common paths (${common}). Instead of editing it, write a request file for ${owners[0]} in ${requests} (for example ${requests}${stamp}_<topic>.md titled "<what is needed> (${selves[0]} → ${owners[0]})") describing the change, and carry on with your own files.`;
}

/**
 * The shared-state file is everyone's, except its Instance Scope Table, which Lanes keeps in step
 * with the zones. The edit is applied to the file as it is now and the table compared before and
 * after; an edit Lanes cannot replay is refused when it mentions a table row.
 */
async function scopeTableDecision(tool: string, input: Record<string, unknown>, file: string): Promise<GuardDecision> {
  let current: string;
  try {
    current = readFileSync(file, 'utf8');
  } catch {
    current = '';
  }
  const refusedBecause = (why: string) =>
    block(`${BLOCKED}: ${why} The Instance Scope Table in \`${file}\` is kept by Lanes from the zones; change zones on Lanes' Zones screen (or ask the user). Edit the rest of the file, leaving the table exactly as it is.`);
  if (tool === 'NotebookEdit') return refusedBecause('the shared-state file is Markdown, not a notebook.');
  const next = editedText(tool, input, current);
  if (next === null) {
    const texts = [input.old_string, input.new_string, ...(Array.isArray(input.edits) ? input.edits.flatMap((edit: Record<string, unknown>) => [edit?.old_string, edit?.new_string]) : [])];
    const touchesRows = texts.some((text) => typeof text === 'string' && text.split(/\r?\n/).some((line) => /^\s*\|.*\|\s*$/.test(line)));
    return touchesRows ? refusedBecause('Lanes could not replay this edit on the shared-state file, and it holds table rows.') : { allow: true };
  }
  // Loaded here, not at the top: the Markdown parser is the guard's heaviest part, and only edits of this one file need it.
  const { splitScopeTable } = await import('../memory/shared-state');
  const tableOf = (text: string) => (splitScopeTable(text).table ?? '').replace(/\r\n/g, '\n');
  return tableOf(next) === tableOf(current) ? { allow: true } : refusedBecause('this edit changes the Instance Scope Table.');
}

/** The file after the tool's change, or null when Lanes cannot tell (text to replace not found, a notebook tool). */
function editedText(tool: string, input: Record<string, unknown>, current: string): string | null {
  const replace = (text: string, edit: Record<string, unknown>): string | null => {
    const { old_string: before, new_string: after, replace_all: all } = edit;
    if (typeof before !== 'string' || typeof after !== 'string' || before === '' || !text.includes(before)) return null;
    return all === true ? text.split(before).join(after) : text.replace(before, () => after);
  };
  if (tool === 'Write') return typeof input.content === 'string' ? input.content : null;
  if (tool === 'Edit') return replace(current, input);
  if (tool === 'MultiEdit' && Array.isArray(input.edits)) {
    let text: string | null = current;
    for (const edit of input.edits) text = text === null || typeof edit !== 'object' || edit === null ? null : replace(text, edit as Record<string, unknown>);
    return text;
  }
  return null;
}

function block(reason: string): GuardDecision {
  return { allow: false, reason };
}

const MAX_LINKS = 40;

/**
 * Where a write to `target` would land: every symlink on the way followed as the kernel follows
 * it, including a last one whose target does not exist yet (writing through it creates that
 * target, wherever it is), so no link can carry a write out of a zone or the repository.
 */
function landingPath(target: string): string {
  // Not path.resolve: it would take `link/..` as `.`, where the kernel goes to the link target's parent.
  const absolute = path.isAbsolute(target) ? target : `${process.cwd()}${path.sep}${target}`;
  const { root } = path.parse(absolute);
  let pending = splitSegments(absolute.slice(root.length));
  let current = root;
  let links = 0;
  while (pending.length > 0) {
    const segment = pending.shift()!;
    if (segment === '.') continue;
    if (segment === '..') {
      current = path.dirname(current);
      continue;
    }
    const next = path.join(current, segment);
    let stat;
    try {
      stat = lstatSync(next);
    } catch {
      return path.join(next, ...pending);
    }
    if (!stat.isSymbolicLink()) {
      current = next;
      continue;
    }
    links += 1;
    if (links > MAX_LINKS) throw new Error('goes through a loop of symbolic links');
    const link = readlinkSync(next);
    const linkRoot = path.isAbsolute(link) ? path.parse(link).root : '';
    if (linkRoot) current = linkRoot;
    pending = [...splitSegments(link.slice(linkRoot.length)), ...pending];
  }
  return current;
}

const SEPARATORS = process.platform === 'win32' ? /[\\/]+/ : /\/+/;

function splitSegments(value: string): string[] {
  return value.split(SEPARATORS).filter((segment) => segment !== '');
}

/** The home's coordination paths as writes land on them (a shared folder may itself be a link inside the home). */
function landOf(paths: CoordinationPaths): CoordinationPaths {
  return {
    home: landingPath(paths.home),
    config: landingPath(paths.config),
    sharedState: landingPath(paths.sharedState),
    requests: landingPath(paths.requests),
    requestsDone: landingPath(paths.requestsDone),
    memory: landingPath(paths.memory),
    memoryIndex: landingPath(paths.memoryIndex),
  };
}
