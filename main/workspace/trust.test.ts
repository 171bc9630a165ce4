import { existsSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { git, makeTempDir } from '../../test/support/repo';
import type { TrustState } from '../contract/workspace';
import { fakeAgent, lanesYml, makeWorkspace, openCore, waitFor } from '../instances/test-support';
import { isTrusted, repositoryCommands, TRUST_FILE, withTrusted } from './trust';

const cores: Array<{ dispose(): Promise<void> }> = [];
async function openUntrusted(root: string, userDataDir?: string) {
  const opened = await openCore(root, userDataDir, { trusted: false });
  cores.push(opened.core);
  return opened;
}
afterEach(async () => {
  for (const core of cores.splice(0)) await core.dispose();
});

type Call = (name: string, args?: unknown) => Promise<any>;

async function failure(call: Call, name: string, args: unknown): Promise<{ code: string; message: string }> {
  try {
    await call(name, args);
  } catch (error) {
    return error as { code: string; message: string };
  }
  throw new Error(`${name} did not fail`);
}

const untrustedOf = (state: TrustState) => state.commands.filter((command) => !command.trusted).map(({ kind, command, instance }) => ({ kind, command, instance }));

const statusOf = async (call: Call, name: string) => ((await call('instances.list')).instances as any[]).find((instance) => instance.name === name);

describe('workspace trust', () => {
  it('trusts the agent the user picks in New instance: it is theirs, not the repository’s', async () => {
    const root = makeWorkspace([{ name: 'other', agent: 'bash' }]);
    const { call } = await openUntrusted(root);
    const agent = fakeAgent('--write=chosen.txt:yes', '--wait');
    await call('worktrees.createInstance', { name: 'chosen', role: 'qa', agent: { command: agent }, worktree: { mode: 'default' } });
    const state: TrustState = await call('trust.state');
    expect(state.commands).toContainEqual({ kind: 'agent', command: agent, instance: 'chosen', trusted: true, declined: false });
    await call('instances.start', { name: 'chosen' });
    const worktree = (await call('instances.list')).instances.find((instance: { name: string }) => instance.name === 'chosen').cwd;
    await waitFor(() => existsSync(path.join(worktree, 'chosen.txt')), 'the chosen agent to run');
  });

  it('refuses to start an untrusted agent and spawns nothing; once trusted, it starts', async () => {
    const root = makeWorkspace([{ name: 'api', agent: fakeAgent('--write=ran.txt:yes', '--wait') }]);
    const { call, events } = await openUntrusted(root);

    const state: TrustState = await call('trust.state');
    expect(state.ask).toBe(true);
    expect(state.commands).toEqual([{ kind: 'agent', command: fakeAgent('--write=ran.txt:yes', '--wait'), instance: 'api', trusted: false, declined: false }]);
    expect(events.some((event) => event.name === 'trust.changed' && event.payload?.ask === true)).toBe(true);

    for (const [name, args] of [['instances.start', { name: 'api' }], ['instances.restart', { name: 'api' }]] as const) {
      const refused = await failure(call, name, args);
      expect(refused.code).toBe('untrusted');
      expect(refused.message).toContain(`Lanes has not run \`${fakeAgent('--write=ran.txt:yes', '--wait')}\``);
      expect(refused.message).toContain('trust it first');
    }
    const all = await failure(call, 'instances.startAll', {});
    expect(all.message).toContain('you have not trusted it');
    expect((await statusOf(call, 'api')).pid).toBeNull();
    expect(existsSync(path.join(root, 'ran.txt'))).toBe(false);

    const trusted: TrustState = await call('trust.grant', { commands: untrustedOf(state) });
    expect(trusted.commands[0]!.trusted).toBe(true);
    expect(trusted.ask).toBe(false);
    await call('instances.start', { name: 'api' });
    await waitFor(() => existsSync(path.join(root, 'ran.txt')), 'the trusted agent to run');
  });

  it('remembers trust for the repository across a new core with the same user data, and asks no more', async () => {
    const root = makeWorkspace([{ name: 'api', agent: fakeAgent('--wait') }]);
    const first = await openUntrusted(root);
    await first.call('trust.grant', { commands: untrustedOf(await first.call('trust.state')) });
    await first.core.dispose();

    const second = await openUntrusted(root, first.userDataDir);
    const state: TrustState = await second.call('trust.state');
    expect(state.ask).toBe(false);
    expect(state.commands.every((command) => command.trusted)).toBe(true);
    await second.call('instances.start', { name: 'api' });
    expect((await statusOf(second.call, 'api')).pid).toEqual(expect.any(Number));
  });

  it('asks again about a changed command, and only about that one', async () => {
    const root = makeWorkspace([
      { name: 'api', agent: fakeAgent('--wait') },
      { name: 'web', agent: fakeAgent('--print=web', '--wait') },
    ]);
    const first = await openUntrusted(root);
    await first.call('trust.grant', { commands: untrustedOf(await first.call('trust.state')) });

    const changed = fakeAgent('--print=changed', '--wait');
    writeFileSync(path.join(root, 'lanes.yml'), lanesYml([{ name: 'api', agent: fakeAgent('--wait') }, { name: 'web', agent: changed }]));
    const seen = await waitFor(
      () => first.events.find((event) => event.name === 'trust.changed' && event.payload?.commands.some((command: any) => command.command === changed)),
      'trust to see the changed command',
    );
    expect(seen.payload.ask).toBe(false);
    expect((await failure(first.call, 'instances.start', { name: 'web' })).code).toBe('untrusted');
    await first.call('instances.start', { name: 'api' });
    await first.core.dispose();

    const second = await openUntrusted(root, first.userDataDir);
    const state: TrustState = await second.call('trust.state');
    expect(state.ask).toBe(true);
    expect(untrustedOf(state)).toEqual([{ kind: 'agent', command: changed, instance: 'web' }]);
  });

  it('keeps the trust file private (0600), replaces it whole, and keeps what another Lanes wrote there', async () => {
    const root = makeWorkspace([
      { name: 'api', agent: fakeAgent('--wait') },
      { name: 'web', agent: fakeAgent('--print=web', '--wait') },
    ]);
    const { call, userDataDir } = await openUntrusted(root);
    const [api, web] = untrustedOf(await call('trust.state'));
    await call('trust.grant', { commands: [api] });
    const file = path.join(userDataDir, TRUST_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);

    // Another Lanes (the desktop app beside `lanes serve`) trusted a command of another repository.
    const other = JSON.parse(readFileSync(file, 'utf8'));
    other.repositories['/elsewhere/repo'] = { trusted: [{ kind: 'setup', command: 'make', instance: null }], declined: [] };
    writeFileSync(file, JSON.stringify(other));
    const inodeBefore = statSync(file).ino;

    await call('trust.grant', { commands: [web] });
    expect(statSync(file).ino).not.toBe(inodeBefore);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const saved = JSON.parse(readFileSync(file, 'utf8'));
    expect(saved.repositories['/elsewhere/repo'].trusted).toEqual([{ kind: 'setup', command: 'make', instance: null }]);
    expect(saved.repositories[root].trusted).toHaveLength(2);
    expect(readdirSync(userDataDir).filter((name) => name.includes('.lanes-'))).toEqual([]);
  });

  it('does not trust a different repository with the same lanes.yml, but does trust its linked worktrees and a symlink to it', async () => {
    const root = makeWorkspace([{ name: 'api', agent: fakeAgent('--wait') }]);
    const first = await openUntrusted(root);
    await first.call('trust.grant', { commands: untrustedOf(await first.call('trust.state')) });
    await first.core.dispose();

    const clone = path.join(makeTempDir('lanes-clone-'), 'repo');
    git(path.dirname(clone), 'clone', '-q', root, clone);
    const cloned = await openUntrusted(clone, first.userDataDir);
    expect((await cloned.call('trust.state')).ask).toBe(true);
    expect((await failure(cloned.call, 'instances.start', { name: 'api' })).code).toBe('untrusted');
    await cloned.core.dispose();

    const worktree = path.join(makeTempDir('lanes-worktree-'), 'wt');
    git(root, 'worktree', 'add', '-q', '-b', 'other', worktree);
    const linkedWorktree = await openUntrusted(worktree, first.userDataDir);
    expect(await linkedWorktree.call('trust.state')).toMatchObject({ root, ask: false });
    await linkedWorktree.core.dispose();

    const link = path.join(makeTempDir('lanes-link-'), 'link');
    symlinkSync(root, link);
    const linked = await openUntrusted(link, first.userDataDir);
    expect((await linked.call('trust.state')).ask).toBe(false);
    await linked.call('instances.start', { name: 'api' });
  });

  it('remembers "Browse without running": no question on the next open, and still nothing runs', async () => {
    const root = makeWorkspace([{ name: 'api', agent: fakeAgent('--wait') }]);
    const first = await openUntrusted(root);
    const declined: TrustState = await first.call('trust.decline', { commands: untrustedOf(await first.call('trust.state')) });
    expect(declined.ask).toBe(false);
    expect(declined.commands[0]).toMatchObject({ trusted: false, declined: true });
    await first.core.dispose();

    const second = await openUntrusted(root, first.userDataDir);
    expect((await second.call('trust.state')).ask).toBe(false);
    expect((await failure(second.call, 'instances.start', { name: 'api' })).code).toBe('untrusted');
  });

  it('revokes trust: the command no longer runs', async () => {
    const root = makeWorkspace([{ name: 'api', agent: fakeAgent('--wait') }]);
    const { call } = await openUntrusted(root);
    await call('trust.grant', { commands: untrustedOf(await call('trust.state')) });
    const revoked: TrustState = await call('trust.revoke', {});
    expect(revoked.commands[0]).toMatchObject({ trusted: false, declined: true });
    expect((await failure(call, 'instances.start', { name: 'api' })).code).toBe('untrusted');
  });

  it('refuses to start when the trust file is unreadable, and does not write over it', async () => {
    const root = makeWorkspace([{ name: 'api', agent: fakeAgent('--wait') }]);
    const userDataDir = makeTempDir('lanes-user-');
    writeFileSync(path.join(userDataDir, TRUST_FILE), '{ not json');
    const { call } = await openUntrusted(root, userDataDir);
    const state: TrustState = await call('trust.state');
    expect(state.commands[0]!.trusted).toBe(false);
    const refused = await failure(call, 'instances.start', { name: 'api' });
    expect(refused.code).toBe('malformed-file');
    expect(refused.message).toContain(TRUST_FILE);
    expect((await failure(call, 'trust.grant', { commands: untrustedOf(state) })).code).toBe('malformed-file');
    expect(readFileSync(path.join(userDataDir, TRUST_FILE), 'utf8')).toBe('{ not json');
  });
});

describe('which commands trust covers', () => {
  it('lists each agent with its instance and the setup command', () => {
    expect(
      repositoryCommands({
        version: 1,
        paths: { sharedState: 'S.md', requests: 'r', memory: 'm' },
        setup: ' npm ci ',
        instances: [{ name: 'api', role: 'backend', agent: 'claude', zones: [] }],
      }),
    ).toEqual([
      { kind: 'agent', command: 'claude', instance: 'api' },
      { kind: 'setup', command: 'npm ci', instance: null },
    ]);
  });

  it('matches an agent by instance and exact text, and the setup command for every new worktree', () => {
    const entry = withTrusted({ trusted: [], declined: [] }, [
      { kind: 'agent', command: 'claude', instance: 'api' },
      { kind: 'setup', command: 'npm ci', instance: null },
    ]);
    expect(isTrusted(entry, { kind: 'agent', command: 'claude', instance: 'api' })).toBe(true);
    expect(isTrusted(entry, { kind: 'agent', command: 'claude', instance: 'web' })).toBe(false);
    expect(isTrusted(entry, { kind: 'agent', command: 'claude ', instance: 'api' })).toBe(false);
    expect(isTrusted(entry, { kind: 'setup', command: 'npm ci', instance: 'web' })).toBe(true);
    expect(isTrusted(entry, { kind: 'setup', command: 'npm ci && curl evil', instance: 'web' })).toBe(false);
  });
});
