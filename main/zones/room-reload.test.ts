import { existsSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Lanes } from '../app/lanes';
import type { Violation } from '../contract/zones';
import { git, makeGitRepo, makeTempDir } from '../../test/support/repo';

let core: Lanes | null = null;
const worktrees: [string, string][] = [];
afterEach(async () => {
  await core?.dispose();
  core = null;
  for (const [repo, worktree] of worktrees.splice(0)) git(repo, 'worktree', 'remove', '--force', worktree);
});

describe('the zones room after an instance is added', () => {
  it('guards and watches the new instance\'s worktree without reopening the workspace', async () => {
    const repo = makeGitRepo({ 'lanes.yml': 'instances:\n  - name: Main\n    zones: [docs/]\n', 'lib/a.ts': 'x', 'docs/a.md': 'x' });
    core = new Lanes({ userDataDir: makeTempDir(), platform: { mode: 'web' }, version: 'test' });
    const violations: Violation[] = [];
    core.onEvent((name, payload) => {
      if (name === 'zones.violationsAdded') violations.push(...(payload as { added: Violation[] }).added);
    });
    expect((await core.call('workspace.open', { path: repo })).ok).toBe(true);
    await core.call('zones.enforcement', {});

    const worktree = path.join(path.dirname(repo), `${path.basename(repo)}-front`);
    git(repo, 'worktree', 'add', '-q', '-b', 'lanes/front', worktree);
    worktrees.push([repo, worktree]);
    writeFileSync(path.join(repo, 'lanes.yml'), 'instances:\n  - name: Main\n    zones: [docs/]\n  - name: Front\n    worktree: ../' + path.basename(worktree) + '\n    zones: [lib/]\n');

    await expect.poll(() => existsSync(path.join(worktree, '.claude', 'settings.local.json')), { timeout: 10_000 }).toBe(true);
    await expect
      .poll(
        async () => {
          writeFileSync(path.join(worktree, 'docs', 'a.md'), `changed ${Date.now()}`);
          await new Promise((resolve) => setTimeout(resolve, 300));
          return violations.some((violation) => violation.instance === 'Front' && violation.path === 'docs/a.md');
        },
        { timeout: 10_000 },
      )
      .toBe(true);
  });

  it('watches a worktree that lanes.yml adds only once its guard is in place, so the guard\'s own writes there come before the watch', async () => {
    const repo = makeGitRepo({ 'lanes.yml': 'instances:\n  - name: Main\n    zones: [docs/]\n', 'lib/a.ts': 'x', 'docs/a.md': 'x' });
    core = new Lanes({ userDataDir: makeTempDir(), platform: { mode: 'web' }, version: 'test' });
    expect((await core.call('workspace.open', { path: repo })).ok).toBe(true);
    await core.call('zones.enforcement', {});
    const worktree = path.join(path.dirname(repo), `${path.basename(repo)}-side`);
    git(repo, 'worktree', 'add', '-q', '-b', 'lanes/side', worktree);
    worktrees.push([repo, worktree]);
    // Whether the guard was there at the moment the new checkout was first said to be watched.
    const guardedWhenWatched: boolean[] = [];
    core.onEvent((name, payload) => {
      if (name !== 'zones.enforcementChanged' || guardedWhenWatched.length > 0) return;
      const watchers = (payload as { watchers: { checkout: string; state: string }[] }).watchers;
      if (watchers.some((status) => status.checkout === realpathSync(worktree) && status.state === 'watching')) {
        guardedWhenWatched.push(existsSync(path.join(worktree, '.claude', 'settings.local.json')));
      }
    });
    writeFileSync(path.join(repo, 'lanes.yml'), `instances:\n  - name: Main\n    zones: [docs/]\n  - name: Side\n    worktree: ../${path.basename(worktree)}\n    zones: [lib/]\n`);
    await expect.poll(() => guardedWhenWatched.length, { timeout: 10_000 }).toBe(1);
    expect(guardedWhenWatched).toEqual([true]);
  });

  it('installs the guard again in a checkout whose instance left lanes.yml and came back', async () => {
    const repo = makeGitRepo({ 'lanes.yml': 'instances: []\n', 'lib/a.ts': 'x', 'docs/a.md': 'x' });
    const worktree = path.join(path.dirname(repo), `${path.basename(repo)}-back`);
    git(repo, 'worktree', 'add', '-q', '-b', 'lanes/back', worktree);
    worktrees.push([repo, worktree]);
    const withFront = `instances:\n  - name: Front\n    worktree: ../${path.basename(worktree)}\n    zones: [lib/]\n`;
    writeFileSync(path.join(repo, 'lanes.yml'), withFront);
    core = new Lanes({ userDataDir: makeTempDir(), platform: { mode: 'web' }, version: 'test' });
    expect((await core.call('workspace.open', { path: repo })).ok).toBe(true);
    await core.call('zones.enforcement', {});
    const settings = path.join(worktree, '.claude', 'settings.local.json');
    expect(existsSync(settings)).toBe(true);

    // The instance leaves, its settings go with it (as a user might tidy up), and it comes back.
    writeFileSync(path.join(repo, 'lanes.yml'), 'instances: []\n');
    await expect.poll(async () => ((await core!.call('zones.enforcement', {})) as { value: { watchers: unknown[] } }).value.watchers.length, { timeout: 10_000 }).toBe(0);
    rmSync(settings);
    writeFileSync(path.join(repo, 'lanes.yml'), withFront);
    await expect.poll(() => existsSync(settings), { timeout: 10_000 }).toBe(true);
  });
});
