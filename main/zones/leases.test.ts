import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { Lanes } from '../app/lanes';
import type { Leases } from '../contract/zones';
import { git, makeTempDir, writeFiles } from '../../test/support/repo';
import { waitFor } from '../../test/support/wait';
import { LEASE_HISTORY_FILE_NAME } from '../workspace/home';
import { openWorkbench, type Workbench } from '../worktrees/test-support';
import { checkChanges } from './check';
import { decideGuard } from './guard';
import { parseLeaseHistory } from './leases';
import { bundleZoneScripts, removeZoneScripts, runScript } from './test-support';

const CONFIG = `instances:
  - name: VSCode
    zones: [lib/]
  - name: Windows
    zones: [docs/]
  - name: PowerShell
    zones: [.github/workflows/]
common:
  - package.json
  - shared/
`;

const FILES = { 'lanes.yml': CONFIG, 'lib/main.dart': '//\n', 'docs/a.md': '# a\n', 'package.json': '{}\n', 'shared/types.ts': '//\n', 'README.md': '# r\n' };

let bench: Workbench | null = null;
afterEach(async () => {
  await bench?.core.dispose();
  bench = null;
});

let scripts: string;
beforeAll(async () => {
  scripts = await bundleZoneScripts();
});
afterAll(removeZoneScripts);

/** A new repository opened in a real Lanes, with its lease history file. */
async function open(files: Record<string, string> = FILES) {
  bench = await openWorkbench(files);
  return { ...bench, history: path.join(bench.root, LEASE_HISTORY_FILE_NAME) };
}

const write = (file: string, cwd: string) => JSON.stringify({ cwd, hook_event_name: 'PreToolUse', tool_name: 'Write', tool_input: { file_path: file, content: 'x' } });

describe('leases', () => {
  it('lets an instance take a common path, which then only it may write, and records it in the history file', async () => {
    const { root, call, history, events } = await open();
    const lease = await call('zones.takeLease', { instance: 'VSCode', path: 'package.json', minutes: 30 });
    expect(lease).toMatchObject({ instance: 'VSCode', path: 'package.json', grantedBy: null });
    expect(Date.parse(lease.until) - Date.parse(lease.since)).toBe(30 * 60_000);

    expect(await decideGuard(write(path.join(root, 'package.json'), root), { workspace: root, instances: ['VSCode'] })).toEqual({ allow: true });
    const blocked = await decideGuard(write(path.join(root, 'package.json'), root), { workspace: root, instances: ['Windows'] });
    expect(blocked.allow === false && blocked.reason).toContain('`package.json` is leased to instance VSCode until');
    // The other common paths stay everyone's.
    expect(await decideGuard(write(path.join(root, 'shared', 'types.ts'), root), { workspace: root, instances: ['Windows'] })).toEqual({ allow: true });

    expect(parseLeaseHistory(readFileSync(history, 'utf8'))).toEqual([{ at: lease.since, event: 'taken', id: lease.id, instance: 'VSCode', path: 'package.json', until: lease.until }]);
    // Readable in the main checkout, and never part of a commit.
    expect(git(root, 'status', '--porcelain', '--untracked-files=all')).not.toContain(LEASE_HISTORY_FILE_NAME);
    expect(events.some((event) => event.name === 'zones.leasesChanged' && (event.payload as Leases).live.length === 1)).toBe(true);

    const after = await call('zones.releaseLease', { id: lease.id, instance: 'VSCode' });
    expect(after.live).toEqual([]);
    expect(after.history.map((event) => event.event)).toEqual(['taken', 'released']);
    expect(await decideGuard(write(path.join(root, 'package.json'), root), { workspace: root, instances: ['Windows'] })).toEqual({ allow: true });
  });

  it('refuses with a clear error and writes nothing: an own path, an overlap, an unknown instance, a path leaving the repository, another owner’s path without a grant', async () => {
    const { call, fail, history } = await open();
    expect((await fail('zones.takeLease', { instance: 'VSCode', path: 'lib/main.dart', minutes: 5 })).message).toBe(
      "`lib/main.dart` is in VSCode's own zone already: VSCode may write it without a lease. Nothing was written.",
    );
    expect(await fail('zones.takeLease', { instance: 'Nobody', path: 'package.json', minutes: 5 })).toMatchObject({ code: 'not-found', message: 'There is no instance called "Nobody" in lanes.yml. Nothing was written.' });
    expect(await fail('zones.takeLease', { instance: 'VSCode', path: '../elsewhere/package.json', minutes: 5 })).toMatchObject({ code: 'outside-workspace' });
    expect(await fail('zones.takeLease', { instance: 'VSCode', path: '/etc/passwd', minutes: 5 })).toMatchObject({ code: 'outside-workspace' });
    expect((await fail('zones.takeLease', { instance: 'VSCode', path: 'docs/a.md', minutes: 5 })).message).toBe(
      '`docs/a.md` belongs to Windows: a lease on it must be granted by Windows or the user. Nothing was written.',
    );
    expect((await fail('zones.grantLease', { instance: 'VSCode', path: 'docs/a.md', minutes: 5, by: 'PowerShell' })).message).toMatch(/^PowerShell does not own `docs\/a.md`/);
    expect(existsSync(history)).toBe(false);

    const held = await call('zones.takeLease', { instance: 'PowerShell', path: 'shared', minutes: 5 });
    const before = readFileSync(history, 'utf8');
    const overlap = await fail('zones.takeLease', { instance: 'VSCode', path: 'shared/types.ts', minutes: 5 });
    expect(overlap.code).toBe('conflict');
    expect(overlap.message).toBe(`\`shared/types.ts\` overlaps the lease of PowerShell on \`shared\` until ${held.until}. Nothing was written; wait for it to end, or end it on the Zones screen.`);
    expect((await fail('zones.releaseLease', { id: held.id, instance: 'VSCode' })).message).toMatch(/held by PowerShell, not VSCode/);
    expect(readFileSync(history, 'utf8')).toBe(before);
  });

  it('lets the user or the owner grant a lease on an owned path: the holder writes it, the owner may not meanwhile, and the pre-commit check agrees', async () => {
    const { root, call } = await open();
    const lease = await call('zones.grantLease', { instance: 'VSCode', path: 'docs', minutes: 10, by: 'Windows' });
    expect(lease.grantedBy).toBe('Windows');
    expect(await decideGuard(write(path.join(root, 'docs', 'a.md'), root), { workspace: root, instances: ['VSCode'] })).toEqual({ allow: true });
    const owner = await decideGuard(write(path.join(root, 'docs', 'a.md'), root), { workspace: root, instances: ['Windows'] });
    expect(owner.allow).toBe(false);

    writeFiles(root, { 'docs/a.md': '# changed by Windows\n' });
    git(root, 'add', 'docs/a.md');
    const check = await checkChanges({ cwd: root, scope: { kind: 'staged' }, instance: 'Windows' });
    expect(check.offending).toEqual([{ path: 'docs/a.md', owners: ['Windows'], leasedTo: 'VSCode' }]);
    const run = runScript(path.join(scripts, 'check.cjs'), ['--staged', '--instance', 'Windows'], { cwd: root });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('docs/a.md  (leased to VSCode now, owned by Windows)');
    expect((await checkChanges({ cwd: root, scope: { kind: 'staged' }, instance: 'VSCode' })).ok).toBe(true);

    const ended = await call('zones.releaseLease', { id: lease.id });
    expect(ended.history.at(-1)).toMatchObject({ event: 'ended', by: 'user' });
    expect((await checkChanges({ cwd: root, scope: { kind: 'staged' }, instance: 'Windows' })).ok).toBe(true);
  });

  it('never lets a lease whose time is up block anyone, and writes its expiry to the history', async () => {
    const { root, call, history } = await open();
    const lease = await call('zones.takeLease', { instance: 'VSCode', path: 'package.json', minutes: 1 });
    // The lease as if its minute had passed: the guard and the pre-commit hook read the file, not Lanes.
    const past = new Date(Date.now() - 1000).toISOString();
    writeFileSync(history, readFileSync(history, 'utf8').replace(lease.until, past));
    expect(await decideGuard(write(path.join(root, 'package.json'), root), { workspace: root, instances: ['Windows'] })).toEqual({ allow: true });

    const now = await call('zones.leases', {});
    expect(now.live).toEqual([]);
    expect(now.history.map((event) => event.event)).toEqual(['taken', 'expired']);
    expect(parseLeaseHistory(readFileSync(history, 'utf8')).at(-1)).toMatchObject({ event: 'expired', id: lease.id, at: past });
  });

  it('keeps the history across a restart of Lanes, and lines it does not know never start a lease', async () => {
    const first = await open();
    const lease = await first.call('zones.takeLease', { instance: 'Windows', path: 'package.json', minutes: 60 });
    await bench!.core.dispose();
    bench = null;
    writeFileSync(first.history, `${readFileSync(first.history, 'utf8')}not json\n{"event":"taken","instance":"PowerShell"}\n`);

    const lanes = new Lanes({ userDataDir: makeTempDir('lanes-user-'), platform: { mode: 'web' }, version: 'test' });
    onTestFinished(() => lanes.dispose());
    await lanes.call('workspace.open', { path: first.root });
    const envelope = await lanes.call('zones.leases', {});
    expect(envelope.ok && (envelope.value as Leases).live).toEqual([lease]);
  });

  it('the guard process honours a lease taken through Lanes', async () => {
    const { root, call } = await open();
    await call('zones.takeLease', { instance: 'Windows', path: 'shared/types.ts', minutes: 5 });
    const args = ['--workspace', root, '--instance', 'VSCode'];
    const run = runScript(path.join(scripts, 'guard.cjs'), args, { input: write(path.join(root, 'shared', 'types.ts'), root) });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('is leased to instance Windows');
  });

  it('ends a lease on time with its timer, announcing the change', async () => {
    const { call, events, history } = await open();
    const lease = await call('zones.takeLease', { instance: 'VSCode', path: 'package.json', minutes: 1 });
    // Brought forward to end in a moment; reading the leases sets the timer for the new end.
    writeFileSync(history, readFileSync(history, 'utf8').replace(lease.until, new Date(Date.now() + 300).toISOString()));
    expect((await call('zones.leases', {})).live).toHaveLength(1);
    await waitFor(
      () => events.some((event) => event.name === 'zones.leasesChanged' && (event.payload as Leases).history.some((entry) => entry.event === 'expired' && entry.id === lease.id)),
      'the lease to expire',
    );
    expect(parseLeaseHistory(readFileSync(history, 'utf8')).map((entry) => entry.event)).toEqual(['taken', 'expired']);
  });

  it('the live watcher honours leases: the holder writes the leased path, another instance writing a leased common path is a violation', async () => {
    const config = `instances:\n  - name: VSCode\n    branch: lanes/vscode\n    worktree: ../wt-vscode\n    zones: [lib/]\n  - name: Windows\n    zones: [docs/]\ncommon:\n  - package.json\n`;
    const { root, call, events } = await open({ ...FILES, 'lanes.yml': config });
    const worktree = path.join(path.dirname(root), 'wt-vscode');
    git(root, 'worktree', 'add', '-q', '-b', 'lanes/vscode', worktree);
    // A change to lanes.yml makes the zones room guard and watch the checkouts as they are now.
    writeFiles(root, { 'lanes.yml': `# with VSCode's worktree\n${config}` });
    try {
      await waitFor(async () => (await call('zones.enforcement', {})).watchers.some((watcher) => watcher.checkout === worktree && watcher.state === 'watching'), 'the worktree to be watched');
      await call('zones.grantLease', { instance: 'VSCode', path: 'docs/a.md', minutes: 10 });
      await call('zones.takeLease', { instance: 'Windows', path: 'package.json', minutes: 10 });
      writeFiles(worktree, { 'docs/a.md': '# written by the holder\n', 'package.json': '{ "by": "VSCode" }\n' });
      const violations = () => events.filter((event) => event.name === 'zones.violationsAdded').flatMap((event) => (event.payload as { added: { path: string }[] }).added.map((added) => added.path));
      await waitFor(() => violations().includes('package.json'), 'the write to the leased common path to be reported');
      expect(violations()).toEqual(['package.json']);
    } finally {
      git(root, 'worktree', 'remove', '--force', worktree);
    }
  });
});
