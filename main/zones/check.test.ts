import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GIT_ENV, git, makeGitRepo, writeFiles } from '../../test/support/repo';
import { installPreCommitHook, PREVIOUS_HOOK_SUFFIX } from './install';
import { bundleZoneScripts, removeZoneScripts, runScript } from './test-support';

let scripts: string;
beforeAll(async () => {
  scripts = await bundleZoneScripts();
});
afterAll(removeZoneScripts);

const WORKTREE_CONFIG = `instances:
  - name: VSCode
    branch: lanes/vscode
    worktree: ../wt-vscode
    zones: [lib/, supabase/functions/]
  - name: Windows
    branch: lanes/windows
    zones: [docs/, supabase/migrations/]
`;

function commit(cwd: string, message: string): ReturnType<typeof spawnSync> {
  return spawnSync('git', ['commit', '-q', '-m', message], { cwd, env: { ...process.env, ...GIT_ENV }, encoding: 'utf8' });
}

describe('lanes check --base', () => {
  it('passes a branch that stays in its zone and fails one that leaves it, in text and JSON', () => {
    const root = makeGitRepo({ 'lanes.yml': WORKTREE_CONFIG, 'lib/a.dart': 'a\n', 'docs/a.md': 'a\n' });
    git(root, 'checkout', '-q', '-b', 'lanes/windows');
    writeFiles(root, { 'docs/b.md': 'b\n', 'docs/cross-instance-prs/20260413_x.md': '# x\n' });
    git(root, 'add', '-A');
    git(root, 'commit', '-q', '-m', 'docs');
    const check = path.join(scripts, 'check.cjs');
    const good = runScript(check, ['--base', 'main'], { cwd: root });
    expect(good.stdout).toContain('2 changed path(s), all inside the zones of Windows');
    expect(good.status).toBe(0);

    writeFiles(root, { 'lib/a.dart': 'changed\n', 'README.md': 'x\n' });
    git(root, 'add', '-A');
    git(root, 'commit', '-q', '-m', 'oops');
    const bad = runScript(check, ['--base', 'main'], { cwd: root });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('lib/a.dart  (owned by VSCode)');
    expect(bad.stderr).toContain('README.md  (owned by no instance)');

    const json = runScript(check, ['--base', 'main', '--json'], { cwd: root });
    expect(json.status).toBe(1);
    const parsed = JSON.parse(json.stdout);
    expect(parsed).toMatchObject({ ok: false, instances: ['Windows'], branch: 'lanes/windows' });
    expect(parsed.offending).toEqual([
      { path: 'README.md', owners: [] },
      { path: 'lib/a.dart', owners: ['VSCode'] },
    ]);
  });

  it('uses --instance when given, and explains a base that does not exist', () => {
    const root = makeGitRepo({ 'lanes.yml': WORKTREE_CONFIG, 'lib/a.dart': 'a\n' });
    git(root, 'checkout', '-q', '-b', 'feature');
    writeFiles(root, { 'lib/b.dart': 'b\n' });
    git(root, 'add', '-A');
    git(root, 'commit', '-q', '-m', 'b');
    const check = path.join(scripts, 'check.cjs');
    expect(runScript(check, ['--base', 'main', '--instance', 'VSCode'], { cwd: root }).status).toBe(0);
    expect(runScript(check, ['--base', 'main', '--instance', 'Windows'], { cwd: root }).status).toBe(1);
    const none = runScript(check, ['--base', 'main'], { cwd: root });
    expect(none.status).toBe(0);
    expect(none.stdout).toContain('no instance in lanes.yml works on branch "feature"');
    const missing = runScript(check, ['--base', 'origin/nope'], { cwd: root });
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('`origin/nope` is not a commit here');
    expect(runScript(check, [], { cwd: root }).status).toBe(2);
  });

  it('reads non-ASCII paths as they are', () => {
    const root = makeGitRepo({ 'lanes.yml': 'instances:\n  - name: W\n    branch: w\n    zones: ["docs/Windows版#67/"]\n' });
    git(root, 'checkout', '-q', '-b', 'w');
    writeFiles(root, { 'docs/Windows版#67/note.md': 'x\n', 'その他.md': 'y\n' });
    git(root, 'add', '-A');
    git(root, 'commit', '-q', '-m', 'x');
    const json = JSON.parse(runScript(path.join(scripts, 'check.cjs'), ['--base', 'main', '--json'], { cwd: root }).stdout);
    expect(json.offending).toEqual([{ path: 'その他.md', owners: [] }]);
  });
});

describe('the pre-commit hook', () => {
  it('refuses a commit in a worktree that stages paths outside its zone, listing them', async () => {
    const root = makeGitRepo({ 'lanes.yml': WORKTREE_CONFIG, 'lib/a.dart': 'a\n', 'docs/a.md': 'a\n' });
    const worktree = path.join(path.dirname(root), 'wt-vscode');
    git(root, 'worktree', 'add', '-q', '-b', 'lanes/vscode', worktree);
    try {
      const installed = await installPreCommitHook(root, scripts);
      expect(installed).toMatchObject({ status: 'installed', keptPrevious: false });
      writeFiles(worktree, { 'lib/b.dart': 'b\n' });
      git(worktree, 'add', '-A');
      expect(commit(worktree, 'in zone').status).toBe(0);

      writeFiles(worktree, { 'docs/a.md': 'changed\n', 'lib/c.dart': 'c\n' });
      git(worktree, 'add', '-A');
      const refused = commit(worktree, 'out of zone');
      expect(refused.status).not.toBe(0);
      expect(refused.stderr).toContain('This commit stages 1 path(s) outside the zones of VSCode');
      expect(refused.stderr).toContain('docs/a.md  (owned by Windows)');
      expect(git(worktree, 'log', '--oneline')).not.toContain('out of zone');
    } finally {
      git(root, 'worktree', 'remove', '--force', worktree);
    }
  });

  it('keeps an existing hook, runs it first, and does not wrap it twice', async () => {
    const root = makeGitRepo({ 'lanes.yml': WORKTREE_CONFIG.replace('    branch: lanes/windows\n', '') });
    const hook = path.join(root, '.git', 'hooks', 'pre-commit');
    const original = '#!/bin/sh\necho "user hook ran" >&2\n[ -e .block ] && exit 3\nexit 0\n';
    writeFileSync(hook, original);
    chmodSync(hook, 0o755);
    await installPreCommitHook(root, scripts);
    const again = await installPreCommitHook(root, scripts);
    expect(again).toMatchObject({ status: 'installed', keptPrevious: true });
    expect(readFileSync(hook + PREVIOUS_HOOK_SUFFIX, 'utf8')).toBe(original);
    expect(readFileSync(hook, 'utf8')).toContain('LANES_HOOK=1');

    writeFiles(root, { 'docs/x.md': 'x\n' });
    git(root, 'add', '-A');
    const ok = commit(root, 'docs');
    expect(ok.stderr).toContain('user hook ran');
    expect(ok.status).toBe(0);

    writeFiles(root, { '.block': '' , 'docs/y.md': 'y\n' });
    git(root, 'add', 'docs/y.md');
    const blockedByUser = commit(root, 'blocked');
    expect(blockedByUser.status).not.toBe(0);
    expect(blockedByUser.stderr).toContain('user hook ran');
    expect(git(root, 'log', '--oneline')).not.toContain('blocked');
  });

  it('leaves hooks managed by core.hooksPath alone and says what to add', async () => {
    const root = makeGitRepo({ 'lanes.yml': WORKTREE_CONFIG });
    git(root, 'config', 'core.hooksPath', '.husky');
    const result = await installPreCommitHook(root, scripts);
    expect(result.status).toBe('managed-elsewhere');
    expect(result.status === 'managed-elsewhere' && result.message).toContain('check.cjs');
    expect(existsSync(path.join(root, '.husky'))).toBe(false);
  });
});
