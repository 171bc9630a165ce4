import { execFileSync } from 'node:child_process';
import { existsSync, promises as fs, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { git, makeGitRepo, makeTempDir, writeFiles } from '../../test/support/repo';
import type { EventName } from '../contract';
import type { CoordinationState, MemoryChanged, MemoryListing, SharedState, WrapUpState } from '../contract/memory';
import { Lanes } from '../app/lanes';
import type { RoomContext } from '../core/room';
import { fakeAgent } from '../instances/test-support';
import { trustAllCommands } from '../../test/support/trust';
import { ConfigService } from '../workspace/config-service';
import { openFolderWatches } from '../shared/folder-engine';
import { READ_REUSE_MS } from './coordination-panel';
import { createMemoryRoom } from './room';

const ROWS = '| Instance | Owned Files |\r\n|---|---|\r\n| VSCode | lib/ |\r\n';
const TABLE = `## Instance Scope Table\r\n${ROWS}\r\n`;
const SHARED = `## Current Snapshot (as of Windows版#67)\r\n- pages: 219\r\n\r\n${TABLE}## Notes\r\n- keep it short\r\n`;

const REPO_FILES = {
  'lanes.yml': 'instances:\n  - name: VSCode\n    role: frontend\n  - name: Windows\n    role: backend\n',
  'COMPRESSED_PROMPT_V3.md': SHARED,
  'memory/MEMORY.md': '# Memory\n- [me](user_instance_vscode.md)\n- [gone](project_20260101_gone.md)\n',
  'memory/user_instance_vscode.md': '# VSCode instance\nI own lib/.\n',
  'memory/feedback_success_migrations.md': '# Migrations first\nRun the SQL migration before the UI.\n',
};

interface Harness {
  core: Lanes;
  root: string;
  events: { name: EventName; payload: unknown }[];
  call<T>(name: string, args: unknown): Promise<T>;
  fail(name: string, args: unknown): Promise<{ code: string; message: string; details?: Record<string, unknown> }>;
  waitFor<T>(name: EventName, test: (payload: T) => boolean, timeoutMs?: number): Promise<T>;
}

const cores: Lanes[] = [];
afterEach(async () => {
  for (const core of cores.splice(0)) await core.dispose();
});

async function openCore(files: Record<string, string> = REPO_FILES): Promise<Harness> {
  const root = makeGitRepo(files);
  const core = new Lanes({ userDataDir: makeTempDir('lanes-userdata-'), platform: { mode: 'web' }, version: 'test' });
  cores.push(core);
  const events: Harness['events'] = [];
  const waiters = new Set<() => void>();
  core.onEvent((name, payload) => {
    events.push({ name, payload });
    for (const wake of waiters) wake();
  });
  const call = async <T>(name: string, args: unknown): Promise<T> => {
    const result = await core.call(name, args);
    if (!result.ok) throw new Error(`${name} failed: ${result.error.code}: ${result.error.message}`);
    return result.value as T;
  };
  const fail = async (name: string, args: unknown) => {
    const result = await core.call(name, args);
    if (result.ok) throw new Error(`${name} should have failed`);
    return result.error;
  };
  const waitFor = <T>(name: EventName, test: (payload: T) => boolean, timeoutMs = 5000) =>
    new Promise<T>((resolve, reject) => {
      const check = () => {
        const found = events.find((event) => event.name === name && test(event.payload as T));
        if (found) {
          waiters.delete(check);
          clearTimeout(timer);
          resolve(found.payload as T);
        }
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`no ${name} event within ${timeoutMs} ms`));
      }, timeoutMs);
      waiters.add(check);
      check();
    });
  await call('workspace.open', { path: root });
  await trustAllCommands(core);
  return { core, root, events, call, fail, waitFor };
}

describe('memory room through the core', () => {
  let claudeHome: string;
  const previousClaudeDir = process.env.CLAUDE_CONFIG_DIR;
  beforeEach(() => {
    claudeHome = makeTempDir('lanes-claude-');
    process.env.CLAUDE_CONFIG_DIR = claudeHome;
  });
  afterEach(() => {
    if (previousClaudeDir === undefined) delete process.env.CLAUDE_CONFIG_DIR;
    else process.env.CLAUDE_CONFIG_DIR = previousClaudeDir;
  });

  it('lists, searches and reports index health of the repository memory', async () => {
    const { call } = await openCore();
    const listing = await call<MemoryListing>('memory.list', { source: 'repo' });
    expect(listing.source).toEqual({ id: 'repo', label: 'Repository memory', path: 'memory', exists: true });
    expect(listing.files.map((file) => file.name).sort()).toEqual(['MEMORY.md', 'feedback_success_migrations.md', 'user_instance_vscode.md']);
    expect(listing.health).toMatchObject({ lines: 3, dangling: [{ line: 3, target: 'project_20260101_gone.md' }], unlisted: ['feedback_success_migrations.md'] });

    const result = await call<{ hits: { name: string; lines: { ranges: number[][] }[] }[] }>('memory.search', { query: 'migration' });
    expect(result.hits.map((hit) => hit.name)).toEqual(['feedback_success_migrations.md']);
    expect(result.hits[0]!.lines[0]!.ranges.length).toBeGreaterThan(0);
  });

  it('offers Claude Code’s memory folder of this repository when it exists', async () => {
    const { call, root } = await openCore();
    const sources = await call<{ id: string; exists: boolean; path: string }[]>('memory.sources', {});
    const claudeFolder = path.join(claudeHome, 'projects', root.replace(/[^a-zA-Z0-9]/g, '-'), 'memory');
    expect(sources).toEqual([
      expect.objectContaining({ id: 'repo', exists: true }),
      expect.objectContaining({ id: 'claude', exists: false, path: claudeFolder }),
    ]);
    writeFiles(claudeFolder, { 'MEMORY.md': '- [x](feedback_x.md)\n', 'feedback_x.md': 'from Claude Code\n' });
    expect((await call<{ exists: boolean }[]>('memory.sources', {}))[1]!.exists).toBe(true);
    const listing = await call<MemoryListing>('memory.list', { source: 'claude' });
    expect(listing.files.map((file) => file.name).sort()).toEqual(['MEMORY.md', 'feedback_x.md']);
  });

  it('updates live when files change on disk, and when the folder is deleted and made again', async () => {
    const { call, root, waitFor } = await openCore();
    await call('memory.list', { source: 'repo' });
    writeFileSync(path.join(root, 'memory', 'feedback_correction_quotes.md'), "Never paste '\"'\"' into SQL.\n");
    const event = await waitFor<MemoryChanged>('memory.changed', (payload) => payload.changed.includes('feedback_correction_quotes.md'));
    // The folder was listed already: only the changed file travels, with the index health.
    expect(event).toMatchObject({ kind: 'delta', source: { id: 'repo', path: 'memory', exists: true }, removed: [], health: { unlisted: expect.arrayContaining(['feedback_correction_quotes.md']) } });
    expect(event.kind === 'delta' && event.upserted).toEqual([expect.objectContaining({ name: 'feedback_correction_quotes.md', kind: 'correction', title: null })]);

    await fs.rm(path.join(root, 'memory'), { recursive: true });
    // The folder went away: the whole (empty) listing goes out.
    await waitFor<MemoryChanged>('memory.changed', (payload) => payload.kind === 'listing' && !payload.listing.source.exists && payload.listing.files.length === 0);
    writeFiles(root, { 'memory/user_back.md': 'back\n' });
    const back = await waitFor<MemoryChanged>('memory.changed', (payload) => payload.changed.includes('user_back.md'));
    expect(back.kind === 'listing' && back.listing.files.map((file) => file.name)).toEqual(['user_back.md']);
    writeFileSync(path.join(root, 'memory', 'user_back.md'), 'back again\n');
    const again = await waitFor<MemoryChanged>('memory.changed', (payload) => payload.kind === 'delta' && payload.upserted.some((file) => file.name === 'user_back.md' && file.size === 11));
    expect(again).toMatchObject({ kind: 'delta', removed: [], changed: ['user_back.md'] });

    await fs.rm(path.join(root, 'memory', 'user_back.md'));
    const gone = await waitFor<MemoryChanged>('memory.changed', (payload) => payload.kind === 'delta' && payload.removed.includes('user_back.md'));
    expect(gone).toMatchObject({ kind: 'delta', upserted: [], removed: ['user_back.md'], source: { exists: true } });
  });

  it('notices a memory folder that is created after the workspace opened', async () => {
    const { call, root, waitFor } = await openCore({ 'lanes.yml': 'paths:\n  memory: docs/agent-memory\n' });
    const listing = await call<MemoryListing>('memory.list', { source: 'repo' });
    expect(listing.source).toMatchObject({ path: 'docs/agent-memory', exists: false });
    expect(listing.files).toEqual([]);
    writeFiles(root, { 'docs/agent-memory/user_late.md': '# Late\n' });
    const event = await waitFor<MemoryChanged>('memory.changed', (payload) => payload.changed.includes('user_late.md'));
    // The folder appeared: the whole listing goes out.
    expect(event.kind === 'listing' && event.listing.files.map((file) => file.name)).toEqual(['user_late.md']);
    expect(event.kind === 'listing' && event.listing.source.exists).toBe(true);
    expect(event.kind === 'listing' && event.listing.health.unlisted).toEqual(['user_late.md']);
  });

  it('removes a broken index entry and announces the listing', async () => {
    const { call, fail, root, waitFor } = await openCore();
    await call('memory.list', { source: 'repo' });
    expect((await fail('memory.removeIndexLine', { line: 2, target: 'project_20260101_gone.md' })).code).toBe('conflict');
    const listing = await call<MemoryListing>('memory.removeIndexLine', { line: 3, target: 'project_20260101_gone.md' });
    expect(listing.health.dangling).toEqual([]);
    expect(await fs.readFile(path.join(root, 'memory', 'MEMORY.md'), 'utf8')).toBe('# Memory\n- [me](user_instance_vscode.md)\n');
    await waitFor<MemoryChanged>('memory.changed', (payload) => payload.kind === 'delta' && payload.changed.includes('MEMORY.md') && payload.health.dangling.length === 0);
  });

  it('saves through the core and refuses a stale version with both texts', async () => {
    const { call, fail, root } = await openCore();
    const opened = await call<{ version: string; text: string }>('memory.read', { name: 'user_instance_vscode.md' });
    await call('memory.save', { name: 'user_instance_vscode.md', text: `${opened.text}I also own test/.\n`, expectedVersion: opened.version });
    expect(await fs.readFile(path.join(root, 'memory', 'user_instance_vscode.md'), 'utf8')).toContain('I also own test/.');
    const error = await fail('memory.save', { name: 'user_instance_vscode.md', text: 'stale', expectedVersion: opened.version });
    expect(error.code).toBe('conflict');
    expect(error.details?.theirs).toContain('I also own test/.');
    expect((await fail('memory.read', { name: '../lanes.yml' })).code).toBe('outside-workspace');
  });

  it('reads the memory folder and the shared state of the main checkout when Lanes is opened in a linked worktree', async () => {
    const root = makeGitRepo(REPO_FILES);
    const worktree = `${root}-linked`;
    git(root, 'worktree', 'add', '-q', '-b', 'linked', worktree);
    try {
      writeFiles(root, { 'memory/feedback_success_home_only.md': '# Only in the home\n', 'COMPRESSED_PROMPT_V3.md': SHARED.replace('219', '250') });
      const core = new Lanes({ userDataDir: makeTempDir('lanes-userdata-'), platform: { mode: 'web' }, version: 'test' });
      cores.push(core);
      const call = async (name: string, args: unknown) => {
        const result = await core.call(name, args);
        if (!result.ok) throw new Error(result.error.message);
        return result.value as never;
      };
      await call('workspace.open', { path: worktree });
      const listing: MemoryListing = await call('memory.list', { source: 'repo' });
      expect(listing.files.map((file) => file.name)).toContain('feedback_success_home_only.md');
      const shared: SharedState = await call('memory.sharedState', {});
      expect(shared.editable).toContain('- pages: 250');
    } finally {
      rmSync(worktree, { recursive: true, force: true });
    }
  });

  it('explains a memory path in lanes.yml that leaves the repository', async () => {
    const { fail } = await openCore({ 'lanes.yml': 'paths:\n  memory: ../elsewhere\n' });
    const error = await fail('memory.list', { source: 'repo' });
    expect(error.code).toBe('outside-workspace');
    expect(error.message).toMatch(/Change `paths.memory` in lanes.yml/);
  });

  it('edits the shared state around its Instance Scope Table, keeping the table byte for byte', async () => {
    const { call, fail, root } = await openCore();
    const file = path.join(root, 'COMPRESSED_PROMPT_V3.md');
    const view = await call<SharedState>('memory.sharedState', {});
    expect(view.scopeTable).toBe(ROWS);
    expect(view.editable).not.toContain('| VSCode |');
    expect(view.editable).toContain(view.placeholder);
    expect(view.lastCommit).toMatchObject({ author: 'Lanes Test', subject: 'initial' });
    expect(view.uncommitted).toBe(false);

    const saved = await call<SharedState>('memory.saveSharedState', { editable: view.editable.replace('219', '220'), expectedVersion: view.version });
    expect(await fs.readFile(file, 'utf8')).toBe(SHARED.replace('219', '220'));
    expect(saved.uncommitted).toBe(true);

    // The zones rewrite the table meanwhile: the save still goes through, with their table.
    const zonesTable = TABLE.replace('lib/', 'lib/, test/');
    writeFileSync(file, SHARED.replace('219', '220').replace(TABLE, zonesTable));
    await call('memory.saveSharedState', { editable: saved.editable.replace('keep it short', 'keep it shorter'), expectedVersion: saved.version });
    expect(await fs.readFile(file, 'utf8')).toBe(SHARED.replace('219', '220').replace(TABLE, zonesTable).replace('keep it short', 'keep it shorter'));

    // Someone changes the rest: refused, and both versions come back.
    const before = await call<SharedState>('memory.sharedState', {});
    writeFileSync(file, (await fs.readFile(file, 'utf8')).replace('pages: 220', 'pages: 221'));
    const error = await fail('memory.saveSharedState', { editable: before.editable, expectedVersion: before.version });
    expect(error.code).toBe('conflict');
    expect(error.details?.theirs).toContain('pages: 221');
    expect(await fs.readFile(file, 'utf8')).toContain('pages: 221');

    const dropped = await fail('memory.saveSharedState', { editable: '# no table here\n', expectedVersion: (await call<SharedState>('memory.sharedState', {})).version });
    expect(dropped.message).toMatch(/placeholder line/);
  });

  it('reports changes to the shared-state file on disk', async () => {
    const { call, root, waitFor } = await openCore();
    await call('memory.sharedState', {});
    writeFileSync(path.join(root, 'COMPRESSED_PROMPT_V3.md'), SHARED.replace('219', '300'));
    const view = await waitFor<SharedState>('memory.sharedStateChanged', (payload) => payload.editable.includes('pages: 300'));
    expect(view.scopeTable).toBe(ROWS);
  });

  it('shows the last commit of the shared-state file and its author', async () => {
    const { call, root } = await openCore();
    writeFileSync(path.join(root, 'COMPRESSED_PROMPT_V3.md'), SHARED.replace('219', '250'));
    git(root, 'commit', '-q', '-am', 'Snapshot after PS#55', '--author', 'PowerShell 版 <ps@example.invalid>');
    const view = await call<SharedState>('memory.sharedState', {});
    expect(view.lastCommit).toMatchObject({ author: 'PowerShell 版', subject: 'Snapshot after PS#55' });
    expect(view.uncommitted).toBe(false);
  });

  it('stops its watchers when the workspace closes', async () => {
    const watchers = () => openFolderWatches();
    const settle = () => new Promise((resolve) => setTimeout(resolve, 50));
    await settle();
    const baseline = watchers();
    const { call, core } = await openCore();
    await call('memory.list', { source: 'repo' });
    await call('memory.sharedState', {});
    expect(watchers()).toBeGreaterThan(baseline);
    await core.dispose();
    await settle();
    expect(watchers()).toBe(baseline);
  });
});

describe('wrap-up', () => {
  it('types the instruction into the running agents’ terminals, then shows the memory files changed since', async () => {
    const agent = fakeAgent('--repl');
    const { call, fail, root, events } = await openCore({
      ...REPO_FILES,
      'lanes.yml': `instances:\n  - name: VSCode\n    agent: ${JSON.stringify(agent)}\n    takesInstructions: true\n  - name: Windows\n    agent: ${JSON.stringify(agent)}\n    takesInstructions: true\n`,
    });
    const output = () => events.filter((event) => event.name === 'instances.output' && (event.payload as { instance: string }).instance === 'VSCode').map((event) => (event.payload as { data: string }).data).join('');
    expect((await fail('memory.wrapUp', { instance: null })).message).toMatch(/No instance is running/);
    await call('instances.start', { name: 'VSCode' });
    await waitUntil(() => output().includes('> '), 'the fake agent prompt');
    expect((await fail('memory.wrapUp', { instance: 'Windows' })).message).toMatch(/Windows is not running/);
    expect((await fail('memory.wrapUp', { instance: 'Nobody' })).code).toBe('not-found');

    const state = await call<WrapUpState>('memory.wrapUp', { instance: null });
    expect(state).toMatchObject({ available: true, instances: [{ name: 'VSCode', running: true }, { name: 'Windows', running: false }], last: { sentTo: ['VSCode'], toPaste: [], changed: [] } });
    const echoed = await waitUntil(() => /echo: (Session wrap-up for VSCode:.*)/.exec(output())?.[1], 'the wrap-up echoed by the agent');
    expect(echoed).toContain(` ${path.join(root, 'memory', 'feedback_success_<topic>.md')} `);
    expect(echoed).toContain(` ${path.join(root, 'memory', 'MEMORY.md')} `);
    expect(echoed).toContain(` ${path.join(root, 'COMPRESSED_PROMPT_V3.md')}, leaving its Instance Scope Table as it is`);

    writeFiles(root, { 'memory/feedback_success_wrapup.md': 'worked\n' });
    await fs.rm(path.join(root, 'memory', 'feedback_success_migrations.md'));
    const expected = [
      { source: 'repo', name: 'feedback_success_migrations.md', change: 'deleted' },
      { source: 'repo', name: 'feedback_success_wrapup.md', change: 'added' },
    ];
    await waitUntil(() => events.some((event) => event.name === 'memory.wrapUpChanged' && JSON.stringify((event.payload as WrapUpState).last?.changed) === JSON.stringify(expected)), 'the changes after the wrap-up');
    expect((await call<WrapUpState>('memory.wrapUpState', {})).last!.changed).toEqual(expected);
    await call('instances.stop', { name: 'VSCode' });
  });

  it('does not type into a shell: it answers the instruction to paste, and why', async () => {
    const { call } = await openCore({ ...REPO_FILES, 'lanes.yml': 'instances:\n  - name: VSCode\n  - name: Shell\n    agent: bash\n  - name: Tool\n    agent: node tool.js\n' });
    const before = await call<WrapUpState>('memory.wrapUpState', {});
    expect(before.instances).toEqual([
      { name: 'VSCode', running: false, takesInstructions: true, notTypedBecause: null },
      { name: 'Shell', running: false, takesInstructions: false, notTypedBecause: 'Shell runs `bash`, which would run this text as a command; paste it where it belongs.' },
      { name: 'Tool', running: false, takesInstructions: false, notTypedBecause: expect.stringContaining('set `takesInstructions: true` for Tool in lanes.yml') },
    ]);
    const state = await call<WrapUpState>('memory.wrapUp', { instance: 'Shell' });
    expect(state.last).toMatchObject({ sentTo: [], toPaste: [{ instance: 'Shell', reason: expect.stringContaining('which would run this text as a command') }] });
    expect(state.last!.toPaste[0]!.text).toMatch(/^Session wrap-up for Shell: record what worked as \//);
  });

  it('refuses a lanes.yml memory path holding control characters, and types nothing', async () => {
    const agent = fakeAgent('--repl');
    const { call, fail, events } = await openCore({
      ...REPO_FILES,
      'lanes.yml': `paths:\n  memory: "memory\\e[201~\\rINJECTED\\r"\ninstances:\n  - name: VSCode\n    agent: ${JSON.stringify(agent)}\n    takesInstructions: true\n`,
    });
    const output = () => events.filter((event) => event.name === 'instances.output').map((event) => (event.payload as { data: string }).data).join('');
    const echoed = () => output().split(/\r?\n/).map((line) => line.replace(/^(> )+/, '')).filter((line) => line.startsWith('echo: '));
    await call('instances.start', { name: 'VSCode' });
    await waitUntil(() => output().includes('> '), 'the fake agent prompt');
    const refused = await fail('memory.wrapUp', { instance: null });
    expect(refused.message).toContain('`paths.memory` in lanes.yml');
    expect(refused.message).toContain('holds a control character (ESC, \\x1b)');
    await call('instances.write', { name: 'VSCode', data: 'marker\r' });
    await waitUntil(() => echoed().includes('echo: marker'), 'the marker');
    expect(echoed()).toEqual(['echo: marker']);
    await call('instances.stop', { name: 'VSCode' });
  });

  it('says clearly that it is unavailable without the instances service', async () => {
    const root = makeGitRepo(REPO_FILES);
    const service = await ConfigService.open(root);
    const context = {
      services: {},
      emit: () => undefined,
      currentWorkspace: () => ({ root, name: 'repo' }),
      requireWorkspace: () => ({ root, name: 'repo' }),
      workspaceConfig: () => service,
    } as unknown as RoomContext;
    const room = createMemoryRoom(context);
    await room.workspaceOpened!({ root, name: 'repo' });
    try {
      const handlers = room.handlers as Record<string, (args: unknown) => Promise<unknown>>;
      expect(await handlers['memory.wrapUpState']!({})).toMatchObject({ available: false, instances: [{ name: 'VSCode', running: false }, { name: 'Windows', running: false }], last: null });
      await expect(handlers['memory.wrapUp']!({ instance: null })).rejects.toMatchObject({ code: 'unavailable', message: expect.stringMatching(/cannot type into the instances’ terminals/) });
    } finally {
      await room.workspaceClosed!({ root, name: 'repo' });
      service.dispose();
    }
  });
});

describe('coordination changes panel', () => {
  const pathBefore = process.env.PATH;
  afterEach(() => {
    process.env.PATH = pathBefore;
  });

  it('announces the list as coordination files change, commits them, and refuses during a merge', async () => {
    const { call, fail, root, waitFor } = await openCore();
    const first = await call<CoordinationState>('memory.coordinationChanges', {});
    expect(first).toMatchObject({ home: root, changes: [], summary: null, blockedBy: null, commitOnWrapUp: false, lastCommit: null });

    writeFiles(root, { 'docs/cross-instance-prs/001-to-windows.md': '# Please\n', 'memory/feedback_success_panel.md': 'worked\n', 'src/unrelated.ts': 'x\n' });
    const listed = await waitFor<CoordinationState>('memory.coordinationChanged', (state) => state.changes.length === 2);
    expect(listed.changes.map((change) => change.path)).toEqual(['docs/cross-instance-prs/001-to-windows.md', 'memory/feedback_success_panel.md']);
    expect(listed.summary).toBe('Lanes: coordination — 1 request, 1 memory entry');

    const committed = await call<CoordinationState>('memory.commitCoordination', {});
    expect(committed).toMatchObject({ changes: [], lastCommit: { summary: 'Lanes: coordination — 1 request, 1 memory entry', automatic: false } });
    expect(git(root, 'log', '-1', '--format=%s').trim()).toBe('Lanes: coordination — 1 request, 1 memory entry');
    expect(git(root, 'status', '--porcelain', '--untracked-files=all').trim()).toBe('?? src/unrelated.ts');

    writeFiles(root, { 'memory/user_merge.md': 'x\n' });
    git(root, 'checkout', '-q', '-b', 'other');
    writeFiles(root, { 'src/conflict.ts': 'theirs\n' });
    git(root, 'add', 'src/conflict.ts');
    git(root, 'commit', '-q', '--no-verify', '-m', 'theirs');
    git(root, 'checkout', '-q', 'main');
    writeFiles(root, { 'src/conflict.ts': 'ours\n' });
    git(root, 'add', 'src/conflict.ts');
    git(root, 'commit', '-q', '--no-verify', '-m', 'ours');
    expect(() => git(root, 'merge', '-q', 'other')).toThrow();
    const blocked = await waitFor<CoordinationState>('memory.coordinationChanged', (state) => state.blockedBy !== null);
    expect(blocked.blockedBy).toMatch(/merge in progress/);
    expect((await fail('memory.commitCoordination', {})).message).toMatch(/merge in progress/);
  });

  it('answers screens that open together with one read of git status, and reads afresh after READ_REUSE_MS', async () => {
    // A git that counts the panel's status reads: each costs the core a process start and a look at every changed file.
    const bin = path.join(makeTempDir(), 'bin');
    await fs.mkdir(bin);
    const counted = path.join(bin, 'statuses');
    const realGit = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
    writeFileSync(
      path.join(bin, 'git'),
      ['#!/bin/sh', `case " $* " in *" status "*"--untracked-files=all"*"memory"*) echo >> ${JSON.stringify(counted)} ;; esac`, `exec ${JSON.stringify(realGit)} "$@"`, ''].join('\n'),
      { mode: 0o755 },
    );
    process.env.PATH = `${bin}${path.delimiter}${pathBefore ?? ''}`;
    const { call, root } = await openCore({ ...REPO_FILES, 'memory/feedback_success_a.md': 'a\n' });
    writeFiles(root, { 'memory/feedback_success_b.md': 'b\n' });
    const statuses = () => (existsSync(counted) ? (readFileSync(counted, 'utf8').match(/\n/g) ?? []).length : 0);

    const started = Date.now();
    const [workspaceScreen, memoryScreen] = await Promise.all([
      call<CoordinationState>('memory.coordinationChanges', {}),
      call<CoordinationState>('memory.coordinationChanges', {}),
    ]);
    expect(memoryScreen).toEqual(workspaceScreen);
    expect(workspaceScreen.changes.map((change) => change.path)).toEqual(['memory/feedback_success_b.md']);
    expect(statuses()).toBe(1);
    // Asked again at once, nothing changed: the same read answers.
    if (Date.now() - started < READ_REUSE_MS) {
      await call<CoordinationState>('memory.coordinationChanges', {});
      expect(statuses()).toBe(1);
    }

    await new Promise((resolve) => setTimeout(resolve, READ_REUSE_MS + 100));
    expect((await call<CoordinationState>('memory.coordinationChanges', {})).changes).toHaveLength(1);
    expect(statuses()).toBe(2);
  });

  it('never announces a list read before a commit after the commit’s own: a slow read that started first is dropped', async () => {
    // A git whose next status of the coordination paths answers 2 s late, with what it read at once:
    // the read a watcher starts just before the user commits ends after the commit (CI under load).
    const tmp = makeTempDir();
    const bin = path.join(tmp, 'bin');
    await fs.mkdir(bin);
    const slowFlag = path.join(tmp, 'slow');
    const started = path.join(tmp, 'started');
    const ended = path.join(tmp, 'ended');
    const held = path.join(tmp, 'held');
    const realGit = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
    writeFileSync(
      path.join(bin, 'git'),
      [
        '#!/bin/sh',
        `case " $* " in *" status "*"--untracked-files=all"*"memory"*) if [ -f ${JSON.stringify(slowFlag)} ]; then`,
        `  rm -f ${JSON.stringify(slowFlag)}; ${JSON.stringify(realGit)} "$@" > ${JSON.stringify(held)} || exit $?; touch ${JSON.stringify(started)}`,
        `  sleep 2; cat ${JSON.stringify(held)}; touch ${JSON.stringify(ended)}; exit 0`,
        'fi ;; esac',
        `exec ${JSON.stringify(realGit)} "$@"`,
        '',
      ].join('\n'),
      { mode: 0o755 },
    );
    process.env.PATH = `${bin}${path.delimiter}${pathBefore ?? ''}`;
    const { call, root, waitFor, events } = await openCore();
    await call<CoordinationState>('memory.coordinationChanges', {});
    writeFiles(root, { 'memory/feedback_success_one.md': 'one\n' });
    await waitFor<CoordinationState>('memory.coordinationChanged', (state) => state.changes.length === 1);

    writeFileSync(slowFlag, '');
    writeFiles(root, { 'memory/feedback_success_two.md': 'two\n' });
    await waitUntil(() => existsSync(started), 'the slow read to start');
    const committed = await call<CoordinationState>('memory.commitCoordination', {});
    expect(committed.changes).toEqual([]);
    await waitUntil(() => existsSync(ended), 'the slow read to end', 5000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const announced = events.filter((event) => event.name === 'memory.coordinationChanged').map((event) => event.payload as CoordinationState);
    expect(announced.at(-1)!.changes).toEqual([]);
  });

  it('keeps “commit at each wrap-up” in lanes.yml and commits what the agents write after a wrap-up', async () => {
    const agent = fakeAgent('--repl');
    const { call, root, waitFor, events } = await openCore({
      ...REPO_FILES,
      'lanes.yml': `instances:\n  - name: VSCode\n    agent: ${JSON.stringify(agent)}\n    takesInstructions: true\n`,
    });
    const enabled = await call<CoordinationState>('memory.setCommitOnWrapUp', { enabled: true });
    expect(enabled.commitOnWrapUp).toBe(true);
    expect(await fs.readFile(path.join(root, 'lanes.yml'), 'utf8')).toContain('coordination:\n  commitOnWrapUp: true\n');
    git(root, 'commit', '-q', '--no-verify', '-am', 'option on');

    const output = () => events.filter((event) => event.name === 'instances.output').map((event) => (event.payload as { data: string }).data).join('');
    await call('instances.start', { name: 'VSCode' });
    await waitUntil(() => output().includes('> '), 'the fake agent prompt');
    await call('memory.wrapUp', { instance: null });
    writeFiles(root, { 'memory/feedback_success_auto.md': 'worked\n' });
    const done = await waitFor<CoordinationState>('memory.coordinationChanged', (state) => state.lastCommit?.automatic === true, 20_000);
    expect(done.lastCommit!.summary).toBe('Lanes: coordination — 1 memory entry');
    expect(git(root, 'status', '--porcelain', '--', 'memory').trim()).toBe('');
    await call('instances.stop', { name: 'VSCode' });
  }, 30_000);
});

describe('move it home', () => {
  it('announces a shell write in an instance worktree’s memory copy, moves it home with an index line, and refuses a path that leaves the worktree', async () => {
    const worktree = path.join(makeTempDir(), 'api');
    const { call, fail, root, waitFor } = await openCore({ ...REPO_FILES, 'lanes.yml': `instances:\n  - name: API\n    worktree: ${JSON.stringify(worktree)}\n` });
    git(root, 'worktree', 'add', '-q', '-b', 'lanes/api', worktree);
    expect((await call<CoordinationState>('memory.coordinationChanges', {})).worktreeCopies).toEqual([]);
    // Nothing in the home changes: the panel hears of it from its watch on the worktree's copies.
    writeFiles(worktree, { 'memory/feedback_success_shell.md': '# Shell write\nWritten with echo.\n' });
    const before = await waitFor<CoordinationState>('memory.coordinationChanged', (state) => state.worktreeCopies.length === 1);
    expect(before.worktreeCopies).toMatchObject([{ instances: ['API'], path: 'memory/feedback_success_shell.md', area: 'memory', change: 'added', notMovable: null }]);
    expect(before.areaPaths).toEqual({ config: 'lanes.yml', sharedState: 'COMPRESSED_PROMPT_V3.md', memory: 'memory', requests: 'docs/cross-instance-prs' });

    expect((await fail('memory.moveHome', { checkout: worktree, path: '../../etc/passwd' })).code).toBe('outside-workspace');
    const moved = await call<{ homePath: string; state: CoordinationState }>('memory.moveHome', { checkout: worktree, path: 'memory/feedback_success_shell.md' });
    expect(moved.homePath).toBe(path.join(root, 'memory', 'feedback_success_shell.md'));
    expect(moved.state.worktreeCopies).toEqual([]);
    expect(moved.state.changes.map((change) => change.path)).toEqual(['memory/feedback_success_shell.md', 'memory/MEMORY.md']);
    expect(await fs.readFile(path.join(root, 'memory', 'MEMORY.md'), 'utf8')).toBe(`${REPO_FILES['memory/MEMORY.md']}- [Shell write](feedback_success_shell.md)\n`);
    await waitFor<MemoryChanged>('memory.changed', (payload) => (payload.kind === 'delta' ? payload.upserted : payload.listing.files).some((file) => file.name === 'feedback_success_shell.md'));
  });
});

async function waitUntil<T>(probe: () => T, what: string, timeoutMs = 10_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
