import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ConfigChange, CoordinationEntry, WorkspaceSnapshot } from '../contract/workspace';
import { LanesError, errnoCode, isLanesError } from '../shared/errors';
import { git, gitOrNull } from '../shared/git';
import { listWorktrees } from '../shared/git-worktrees';
import { resolveInside } from '../shared/path-guard';
import { locateScopeTable } from '../shared/scope-table-locator';
import { MEMORY_INDEX_LIMIT, checkIndexHealth } from '../memory/index-health';
import { CONFIG_FILE, defaultConfig, type WorkspaceConfig } from './config';
import { configChange, type ConfigState } from './config-service';
import { coordinationProblems, type CoordinationProblem } from './coordination-check';
import { workspaceHome } from './home';

/**
 * Finds the repository a folder belongs to and returns its top level, or an error that says
 * what is wrong with the folder in the user's words.
 */
export async function locateRepository(input: string): Promise<string> {
  const trimmed = input.trim();
  if (trimmed === '') throw new LanesError('invalid-argument', 'Give the path of a folder.');
  const expanded = trimmed === '~' || trimmed.startsWith('~/') ? path.join(os.homedir(), trimmed.slice(1)) : trimmed;
  const absolute = path.resolve(expanded);
  let stat;
  try {
    stat = await fs.stat(absolute);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') throw new LanesError('not-found', `\`${absolute}\` does not exist.`);
    if (errnoCode(error) === 'EACCES') throw new LanesError('not-found', `Lanes may not read \`${absolute}\` (permission denied).`);
    throw error;
  }
  if (!stat.isDirectory()) throw new LanesError('not-a-directory', `\`${absolute}\` is a file, not a folder. Choose the folder of a git repository.`);

  // The usual case in one git process: a checkout, not bare, and its top folder.
  const usual = (await gitOrNull(absolute, ['rev-parse', '--is-bare-repository', '--show-toplevel']))?.trim().split('\n');
  if (usual?.[0] === 'false' && usual[1]) return fs.realpath(usual[1]);
  const bare = await gitOrNull(absolute, ['rev-parse', '--is-bare-repository']);
  if (bare === null) {
    throw new LanesError(
      'not-a-repository',
      `\`${absolute}\` is not a git repository. Choose the folder of a repository, or run \`git init\` there first.`,
    );
  }
  if (bare.trim() === 'true') {
    throw new LanesError('not-a-repository', `\`${absolute}\` is a bare repository, which has no files to work on. Open one of its worktrees instead.`);
  }
  const top = await git(absolute, ['rev-parse', '--show-toplevel']);
  return fs.realpath(top.trim());
}

export async function readBranch(root: string): Promise<WorkspaceSnapshot['branch']> {
  const [symbolic, head] = await Promise.all([gitOrNull(root, ['symbolic-ref', '--short', '-q', 'HEAD']), gitOrNull(root, ['rev-parse', '--short', 'HEAD'])]);
  return {
    name: symbolic?.trim() || null,
    head: head?.trim() || null,
    detached: symbolic === null,
    unborn: head === null,
  };
}

/** Everything the workspace screen shows, read fresh from git and the files, with lanes.yml as the config service holds it. */
export async function inspectWorkspace(root: string, configState: ConfigState): Promise<WorkspaceSnapshot> {
  const state = configChange(root, configState);
  const config = state.config ?? defaultConfig();
  const problems = coordinationProblems(root, { paths: config.paths, instances: config.instances });
  // Without its main checkout git cannot list a worktree's siblings; the home entry says why and what to do.
  const homeGone = problems.some((problem) => problem.key === 'home');
  const [branch, worktrees] = await Promise.all([readBranch(root), listWorktrees(root).catch((error: unknown) => (homeGone ? [] : Promise.reject(error)))]);
  // The coordination files are read where every agent writes them: the home, also when Lanes opened a worktree.
  const home = workspaceHome(root);
  const entries = await Promise.all([sharedStateEntry(home, config), requestsEntry(home, config), memoryEntry(home, config)]);
  const coordination = [homeEntry(home, problems), configEntry(state), ...entries.map((entry) => withProblems(entry, problems))];
  return {
    root,
    name: path.basename(root),
    branch,
    worktrees,
    config: {
      path: CONFIG_FILE,
      status: state.status,
      problem: state.problem && { message: state.problem.message, line: state.problem.line, column: state.problem.column },
      paths: { sharedState: config.paths.sharedState, requests: config.paths.requests, memory: config.paths.memory },
      instances: config.instances.map((instance) => ({
        name: instance.name,
        role: instance.role,
        agent: instance.agent,
        branch: instance.branch ?? null,
        worktree: instance.worktree ?? null,
        zones: instance.zones,
      })),
    },
    coordination,
  };
}

function homeEntry(home: string, problems: readonly CoordinationProblem[]): CoordinationEntry {
  const base = { key: 'home', label: 'Home (main checkout)', path: home, kind: 'folder' } as const;
  const gone = problems.find((problem) => problem.key === 'home');
  if (gone) return { ...base, health: 'problem', detail: gone.message };
  return { ...base, health: 'ok', detail: 'Every instance reads and writes the coordination files here, from whichever worktree it runs in.' };
}

/**
 * The entry as the coordination check sees it, each problem saying what to do: a problem of the
 * path itself (a link leading out, a file in the way) replaces the summary, and a zone that takes
 * the folder is added to it.
 */
function withProblems(entry: CoordinationEntry, problems: readonly CoordinationProblem[]): CoordinationEntry {
  const own = problems.filter((problem) => problem.key === entry.key);
  if (own.length === 0) return entry;
  const place = own.filter((problem) => problem.instance === null).map((problem) => problem.message);
  const zones = own.filter((problem) => problem.instance !== null).map((problem) => problem.message);
  const summary = place.length > 0 ? place : [entry.detail.replace(/(?<![.!?])$/, '.')];
  // The summary's own fix goes with it; a path problem is fixed in lanes.yml.
  const fixes = [...(place.length > 0 ? [] : (entry.fixes ?? [])), ...(zones.length > 0 ? ['zones' as const] : [])];
  return { ...entry, health: 'problem', detail: [...summary, ...zones].join(' '), fixes };
}

function configEntry(state: ConfigChange): CoordinationEntry {
  const base = { key: 'config', label: 'Workspace config', path: CONFIG_FILE, kind: 'file' } as const;
  if (state.status === 'missing') {
    return { ...base, health: 'missing', detail: 'Not created yet; Lanes uses the default paths until an instance is added.' };
  }
  if (state.status === 'invalid') return { ...base, health: 'problem', detail: state.problem?.message ?? 'The file is not valid.' };
  const count = state.config?.instances.length ?? 0;
  return { ...base, health: 'ok', detail: count === 1 ? '1 instance' : `${count} instances` };
}

type Located = { ok: true; absolute: string } | { ok: false; entry: CoordinationEntry };

function locate(root: string, base: Omit<CoordinationEntry, 'health' | 'detail'>): Located {
  try {
    return { ok: true, absolute: resolveInside(root, base.path) };
  } catch (error) {
    if (isLanesError(error)) return { ok: false, entry: { ...base, health: 'problem', detail: `${error.message} Change it in lanes.yml.` } };
    throw error;
  }
}

async function sharedStateEntry(root: string, config: WorkspaceConfig): Promise<CoordinationEntry> {
  const base = { key: 'sharedState', label: 'Shared state', path: config.paths.sharedState, kind: 'file' } as const;
  const located = locate(root, base);
  if (!located.ok) return located.entry;
  const text = await readTextIfFile(located.absolute);
  if (text === null) return { ...base, health: 'missing', detail: 'Not found. Instances have no shared snapshot to read at session start.' };
  const hasTable = locateScopeTable(text) !== null;
  const lines = text.split(/\r?\n/).length;
  return {
    ...base,
    health: 'ok',
    detail: `${lines} lines; ${hasTable ? 'has an Instance Scope Table' : 'no Instance Scope Table yet'}`,
  };
}

async function requestsEntry(root: string, config: WorkspaceConfig): Promise<CoordinationEntry> {
  const base = { key: 'requests', label: 'Cross-instance requests', path: config.paths.requests, kind: 'folder' } as const;
  const located = locate(root, base);
  if (!located.ok) return located.entry;
  const pending = await countMarkdown(located.absolute);
  if (pending === null) return { ...base, health: 'missing', detail: 'Not found. It is created with the first request.' };
  const done = (await countMarkdown(path.join(located.absolute, 'done'))) ?? 0;
  return { ...base, health: 'ok', detail: `${pending} pending, ${done} done` };
}

async function memoryEntry(root: string, config: WorkspaceConfig): Promise<CoordinationEntry> {
  const base = { key: 'memory', label: 'Memory', path: config.paths.memory, kind: 'folder' } as const;
  const located = locate(root, base);
  if (!located.ok) return located.entry;
  const names = await markdownNames(located.absolute);
  if (names === null) return { ...base, health: 'missing', detail: 'Not found. Agents have nowhere to keep what they learn.' };
  const index = await readTextIfFile(path.join(located.absolute, 'MEMORY.md'));
  if (index === null) return { ...base, health: 'problem', detail: `${names.length} files but no MEMORY.md index.`, fixes: ['memory'] };
  const health = checkIndexHealth(index, names);
  if (health.overLimit) {
    return { ...base, health: 'problem', detail: `MEMORY.md has ${health.lines} lines, over the limit of ${MEMORY_INDEX_LIMIT}.`, fixes: ['memory'] };
  }
  const parts = [names.length === 1 ? '1 file' : `${names.length} files`, `MEMORY.md has ${health.lines} of ${MEMORY_INDEX_LIMIT} lines`];
  const [first] = health.dangling;
  if (first) {
    const broken = health.dangling.length === 1 ? '1 broken entry' : `${health.dangling.length} broken entries`;
    parts.push(`${broken} (line ${first.line}: ${first.target}${health.dangling.length > 1 ? ', …' : ''})`);
  }
  if (health.unlisted.length > 0) parts.push(health.unlisted.length === 1 ? '1 file not in the index' : `${health.unlisted.length} files not in the index`);
  return { ...base, health: first ? 'problem' : 'ok', detail: parts.join('; '), ...(first ? { fixes: ['memory' as const] } : {}) };
}

async function readTextIfFile(absolute: string): Promise<string | null> {
  try {
    return await fs.readFile(absolute, 'utf8');
  } catch (error) {
    if (['ENOENT', 'EISDIR', 'ENOTDIR'].includes(errnoCode(error) ?? '')) return null;
    throw error;
  }
}

async function markdownNames(folder: string): Promise<string[] | null> {
  try {
    const entries = await fs.readdir(folder, { withFileTypes: true });
    return entries.filter((entry) => entry.isFile() && entry.name.toLowerCase().endsWith('.md')).map((entry) => entry.name);
  } catch (error) {
    if (['ENOENT', 'ENOTDIR'].includes(errnoCode(error) ?? '')) return null;
    throw error;
  }
}

async function countMarkdown(folder: string): Promise<number | null> {
  return (await markdownNames(folder))?.length ?? null;
}
