import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ConfigChange, WorkspaceSnapshot } from '../contract/workspace';
import type { ZonesState } from '../contract/zones';
import { git, makeGitRepo, makeTempDir, writeFiles } from '../../test/support/repo';
import { waitFor } from '../../test/support/wait';
import { Lanes } from '../app/lanes';
import { LanesCore } from './core';
import type { OpenWorkspace, RoomContext, WorkspaceSession } from './room';

/** The real git this test's stand-in passes through to. */
function gitPath(): string {
  return execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
}

function makeCore() {
  return new Lanes({ userDataDir: makeTempDir(), platform: { mode: 'web' }, version: '1.2.3' });
}

describe('LanesCore with the rooms it is given', () => {
  it('runs only the rooms and the session the app hands it, and stops them in reverse order', async () => {
    const log: string[] = [];
    let current: OpenWorkspace | null = null;
    const core = new LanesCore(
      { userDataDir: makeTempDir(), platform: { mode: 'web' }, version: 'test' },
      {
        rooms: ['first', 'second'].map((name) => () => ({
          handlers: name === 'first' ? { 'app.info': () => ({ mode: 'web' as const, version: name, platform: 'linux', runtime: { node: '20', electron: null, chrome: null }, capabilities: { pickFolder: false, nativeNotifications: false } }) } : {},
          workspaceOpened: async (workspace: OpenWorkspace) => void log.push(`${name} opened ${workspace.name}`),
          workspaceClosed: async (workspace: OpenWorkspace) => void log.push(`${name} closed ${workspace.name}`),
          dispose: async () => void log.push(`${name} disposed`),
        })),
        createSession: (hooks): WorkspaceSession => ({
          get current() {
            return current;
          },
          require: () => current!,
          requireConfig: () => {
            throw new Error('no lanes.yml in this test');
          },
          open: async (input) => {
            current = { root: input, name: 'stand-in' };
            await hooks.roomsOpened(current);
            return null as never;
          },
          close: async () => {
            if (current) await hooks.roomsClosed(current);
            current = null;
          },
          snapshot: async () => null as never,
          refresh: async () => undefined,
        }),
      },
    );
    expect(await core.call('app.info', {})).toMatchObject({ ok: true, value: { version: 'first' } });
    // No room handles the workspace calls here: the core has none of its own.
    expect(await core.call('workspace.recent', {})).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    await core.session.open('/somewhere');
    await core.dispose();
    expect(log).toEqual(['first opened stand-in', 'second opened stand-in', 'second closed stand-in', 'first closed stand-in', 'second disposed', 'first disposed']);
  });
  it("lets a room run another room's call through its context, validated, with failures thrown as LanesErrors", async () => {
    let context: RoomContext | null = null;
    new LanesCore(
      { userDataDir: makeTempDir(), platform: { mode: 'web' }, version: 'test' },
      {
        rooms: [
          () => ({ handlers: { 'app.info': () => ({ mode: 'web' as const, version: 'served', platform: 'linux', runtime: { node: '20', electron: null, chrome: null }, capabilities: { pickFolder: false, nativeNotifications: false } }) } }),
          (given) => {
            context = given;
            return { handlers: {} };
          },
        ],
        createSession: (): WorkspaceSession => null as never,
      },
    );
    expect(await context!.call('app.info', {})).toMatchObject({ version: 'served' });
    await expect(context!.call('workspace.recent', {})).rejects.toMatchObject({ name: 'LanesError', code: 'unavailable' });
    await expect(context!.call('app.openExternal', { url: 42 } as never)).rejects.toMatchObject({ code: 'invalid-argument' });
  });
});

describe('Lanes', () => {
  it('validates every call against the contract before any handler runs', async () => {
    const core = makeCore();
    expect(await core.call('nope.nothing', {})).toEqual({ ok: false, error: { code: 'invalid-argument', message: 'Unknown call "nope.nothing".' } });
    expect(await core.call('workspace.open', { path: '' })).toMatchObject({ ok: false, error: { code: 'invalid-argument', message: expect.stringContaining('Give the path of a folder.') } });
    expect(await core.call('workspace.open', { path: '/x', extra: true })).toMatchObject({ ok: false, error: { code: 'invalid-argument' } });
    expect(await core.call('app.info', undefined)).toMatchObject({ ok: true, value: { mode: 'web', version: '1.2.3', capabilities: { pickFolder: false } } });
    await core.dispose();
  });

  it('says when no workspace is open and when a capability belongs to the desktop app', async () => {
    const core = makeCore();
    expect(await core.call('workspace.refresh', {})).toMatchObject({ ok: false, error: { code: 'no-workspace' } });
    expect(await core.call('workspace.pickFolder', {})).toMatchObject({ ok: false, error: { code: 'unavailable', message: expect.stringContaining('type the path') } });
    expect(await core.call('workspace.current', {})).toEqual({ ok: true, value: null });
    await core.dispose();
  });

  it('opens, remembers and closes workspaces, announcing each change', async () => {
    const core = makeCore();
    const events: [string, unknown][] = [];
    core.onEvent((name, payload) => events.push([name, payload]));
    const first = makeGitRepo();
    const second = makeGitRepo();
    expect(await core.call('workspace.open', { path: first })).toMatchObject({ ok: true, value: { root: first } });
    expect(await core.call('workspace.open', { path: second })).toMatchObject({ ok: true });
    expect(await core.call('workspace.recent', {})).toMatchObject({ ok: true, value: [{ path: second }, { path: first }] });
    expect(await core.call('workspace.close', {})).toEqual({ ok: true, value: null });
    expect(events.map(([name]) => name).filter((name) => name.startsWith('workspace.'))).toEqual(['workspace.changed', 'workspace.recentChanged', 'workspace.changed', 'workspace.recentChanged', 'workspace.changed']);
    expect(events.filter(([name]) => name === 'workspace.changed').at(-1)![1]).toBeNull();
    await core.dispose();
    expect(await core.call('app.info', {})).toMatchObject({ ok: false, error: { code: 'unavailable' } });
  });

  it('leaves nothing open when opening fails halfway (git cannot list the worktrees): the error says why, and the next open works', async () => {
    const core = makeCore();
    const events: [string, unknown][] = [];
    core.onEvent((name, payload) => events.push([name, payload]));
    const previous = makeGitRepo();
    const repo = makeGitRepo({ 'lanes.yml': 'instances:\n  - name: api\n    agent: bash\n' });
    expect(await core.call('workspace.open', { path: previous })).toMatchObject({ ok: true });
    // A git on PATH that fails one subcommand, as a broken install or a hook-wrapped git might.
    const bin = makeTempDir('lanes-git-');
    writeFileSync(path.join(bin, 'git'), `#!/bin/sh\nif [ "$1" = worktree ]; then echo "fatal: worktree list broke" >&2; exit 128; fi\nexec ${JSON.stringify(gitPath())} "$@"\n`, { mode: 0o755 });
    const pathBefore = process.env.PATH;
    process.env.PATH = `${bin}${path.delimiter}${pathBefore}`;
    try {
      const failed = await core.call('workspace.open', { path: repo });
      expect(failed).toMatchObject({ ok: false, error: { message: expect.stringContaining('worktree list broke') } });
    } finally {
      process.env.PATH = pathBefore;
    }
    // Neither the old workspace nor the half-opened one: the screens were told, and the trust prompt has nothing to ask about.
    expect(await core.call('workspace.current', {})).toEqual({ ok: true, value: null });
    expect(events.filter(([name]) => name === 'workspace.changed').at(-1)![1]).toBeNull();
    expect(await core.call('trust.state', {})).toEqual({ ok: true, value: null });
    expect(await core.call('workspace.open', { path: repo })).toMatchObject({ ok: true, value: { root: repo } });
    await core.dispose();
  });

  it('serializes opens so the last one asked for wins', async () => {
    const core = makeCore();
    const [a, b] = [makeGitRepo(), makeGitRepo()];
    await Promise.all([core.call('workspace.open', { path: a }), core.call('workspace.open', { path: b })]);
    expect(await core.call('workspace.current', {})).toMatchObject({ ok: true, value: { root: b } });
    await core.dispose();
  });
});

describe('Lanes watching the open workspace', () => {
  it('pushes a new snapshot when the branch, worktrees or coordination files change on disk', async () => {
    const core = makeCore();
    const repo = makeGitRepo({ 'docs/cross-instance-prs/20260101_a.md': '# A\n' });
    await core.call('workspace.open', { path: repo });
    const snapshots: { branch: { name: string | null }; coordination: { key: string; detail: string }[] }[] = [];
    core.onEvent((name, payload) => {
      if (name === 'workspace.changed' && payload) snapshots.push(payload as (typeof snapshots)[number]);
    });

    git(repo, 'checkout', '-q', '-b', 'feature/x');
    await expect.poll(() => snapshots.at(-1)?.branch.name, { timeout: 5000 }).toBe('feature/x');

    writeFiles(repo, { 'docs/cross-instance-prs/20260102_b.md': '# B\n' });
    await expect
      .poll(() => snapshots.at(-1)?.coordination.find((entry) => entry.key === 'requests')?.detail, { timeout: 5000 })
      .toBe('2 pending, 0 done');

    // A positive control: a second core on the same repository sees both changes below. By the
    // time it reports the second, the first change has long been seen by any watcher still alive.
    const control = makeCore();
    await control.call('workspace.open', { path: repo });
    const controlBranches: (string | null)[] = [];
    control.onEvent((name, payload) => {
      if (name === 'workspace.changed' && payload) controlBranches.push((payload as WorkspaceSnapshot).branch.name);
    });

    await core.call('workspace.close', {});
    const count = snapshots.length;
    git(repo, 'checkout', '-q', 'main');
    await waitFor(() => controlBranches.at(-1) === 'main', 'the control to see the checkout of main');
    git(repo, 'checkout', '-q', 'feature/x');
    await waitFor(() => controlBranches.at(-1) === 'feature/x', 'the control to see the checkout of feature/x');
    expect(snapshots).toHaveLength(count);
    await Promise.all([core.dispose(), control.dispose()]);
  });
});

describe('Lanes and lanes.yml', () => {
  it('announces a zone save once: one config.changed, one zones.changed, and no snapshot pushed twice', async () => {
    const core = makeCore();
    const repo = makeGitRepo({
      'lanes.yml': 'instances:\n  - name: Main\n    zones: [docs/]\n',
      'COMPRESSED_PROMPT_V3.md': '# State\n\n## Instance Scope Table\n\n| Instance | Owned Files |\n|---|---|\n| Main | docs/ |\n',
      'docs/a.md': 'x',
      'lib/a.ts': 'x',
    });
    await core.call('workspace.open', { path: repo });
    await core.call('zones.enforcement', {});
    const loaded = await core.call('zones.load', {});
    if (!loaded.ok) throw new Error(loaded.error.message);
    const lanesYml = core.session.requireConfig();
    const checksBefore = lanesYml.stats.watchChecks;
    const events: [string, unknown][] = [];
    core.onEvent((name, payload) => events.push([name, payload]));
    const named = (name: string) => events.filter(([event]) => event === name).map(([, payload]) => payload);

    const saved = await core.call('zones.save', { instances: [{ name: 'Main', zones: ['docs/', 'lib/'] }], versions: (loaded.value as ZonesState).versions });
    expect(saved.ok).toBe(true);
    // The echoes: the config service's watcher looked at its own write, and the workspace
    // screen got the new zones once.
    await waitFor(() => lanesYml.stats.watchChecks > checksBefore, 'the watcher to look at the saved lanes.yml');
    await waitFor(
      () => named('workspace.changed').some((snapshot) => JSON.stringify((snapshot as WorkspaceSnapshot).config.instances[0]?.zones) === '["docs/","lib/"]'),
      'the workspace snapshot with the new zones',
    );

    expect(named('config.changed')).toHaveLength(1);
    expect(named('zones.changed')).toHaveLength(1);

    // A positive control: an edit by hand is announced, so the watchers were alive all along.
    writeFileSync(path.join(repo, 'lanes.yml'), 'instances:\n  - name: Main\n    zones: [docs/, lib/, test/]\n');
    await waitFor(
      () => named('workspace.changed').some((snapshot) => (snapshot as WorkspaceSnapshot).config.instances[0]?.zones.includes('test/')),
      'the workspace snapshot with the zones edited by hand',
    );
    // The zones room reloads on its own time, after the config service announced the change.
    await waitFor(() => named('zones.changed').length >= 2, 'the zones edited by hand');
    expect(named('zones.changed')).toHaveLength(2);

    const configChanges = named('config.changed') as ConfigChange[];
    expect(configChanges.map((change) => change.config?.instances[0]?.zones)).toEqual([
      ['docs/', 'lib/'],
      ['docs/', 'lib/', 'test/'],
    ]);
    const snapshots = named('workspace.changed').map((snapshot) => JSON.stringify(snapshot));
    expect(snapshots.filter((snapshot, index) => snapshot === snapshots[index - 1])).toEqual([]);
    await core.dispose();
  });

  it('keeps a workspace open whose lanes.yml is too large, and reports the problem', async () => {
    const core = makeCore();
    const repo = makeGitRepo({ 'lanes.yml': `instances: [${'{name: a},'.repeat(8000)}]\n` });
    const opened = await core.call('workspace.open', { path: repo });
    expect(opened).toMatchObject({ ok: true, value: { config: { status: 'invalid', problem: { message: expect.stringContaining('20,000 values') } } } });
    expect(await core.call('zones.load', {})).toMatchObject({ ok: false, error: { code: 'too-large' } });
    await core.dispose();
  });
});
