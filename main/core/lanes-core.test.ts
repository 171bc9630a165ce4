import { describe, expect, it } from 'vitest';
import { git, makeGitRepo, makeTempDir, writeFiles } from '../../test/support/repo';
import { LanesCore } from './lanes-core';

function makeCore() {
  return new LanesCore({ userDataDir: makeTempDir(), platform: { mode: 'web' }, version: '1.2.3' });
}

describe('LanesCore', () => {
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

  it('serializes opens so the last one asked for wins', async () => {
    const core = makeCore();
    const [a, b] = [makeGitRepo(), makeGitRepo()];
    await Promise.all([core.call('workspace.open', { path: a }), core.call('workspace.open', { path: b })]);
    expect(await core.call('workspace.current', {})).toMatchObject({ ok: true, value: { root: b } });
    await core.dispose();
  });
});

describe('LanesCore watching the open workspace', () => {
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

    await core.call('workspace.close', {});
    const count = snapshots.length;
    git(repo, 'checkout', '-q', 'main');
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(snapshots).toHaveLength(count);
    await core.dispose();
  });
});
