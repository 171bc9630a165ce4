import { describe, expect, it } from 'vitest';
import { makeGitRepo, makeTempDir } from '../../test/support/repo';
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
    expect(events.map(([name]) => name)).toEqual(['workspace.changed', 'workspace.recentChanged', 'workspace.changed', 'workspace.recentChanged', 'workspace.changed']);
    expect(events.at(-1)![1]).toBeNull();
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
