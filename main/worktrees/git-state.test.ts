import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { git, writeFiles } from '../../test/support/repo';
import { commitAll, openWorkbench, type Workbench } from './test-support';

let bench: Workbench | null = null;
afterEach(async () => {
  await bench?.core.dispose();
  bench = null;
});

/** A workspace with one instance "Frontend" on `lanes/frontend`, its worktree at `<parent>/web-frontend`. */
async function withInstance(files: Record<string, string> = {}): Promise<Workbench & { folder: string }> {
  bench = await openWorkbench({ 'README.md': '# web\n', 'app.txt': 'one\ntwo\nthree\n', 'lanes.yml': '# team\ninstances: []\n', ...files });
  await bench.call('worktrees.createInstance', { name: 'Frontend', role: 'frontend', agent: { preset: 'claude' }, worktree: { mode: 'default' } });
  return { ...bench, folder: path.join(bench.parent, 'web-frontend') };
}

const head = (cwd: string, ref = 'HEAD') => git(cwd, 'rev-parse', ref).trim();

describe('worktrees.status and worktrees.diff', () => {
  it('shows branch, ahead/behind its base, changed files and disk use', async () => {
    const { root, folder, call } = await withInstance();
    writeFileSync(path.join(folder, 'app.txt'), 'one\n2\nthree\n');
    commitAll(folder, 'change two');
    writeFiles(folder, { 'new.txt': 'new\n', 'README.md': '# web!\n' });
    git(folder, 'rm', '-q', 'lanes.yml');
    writeFiles(root, { 'main.txt': 'main\n' });
    commitAll(root, 'main moves on');

    const status = await call('worktrees.status', { instance: 'frontend' });
    expect(status).toMatchObject({ instance: 'Frontend', branch: 'lanes/frontend', base: 'main', ahead: 1, behind: 1, exists: true, hasWorktree: true, problem: null });
    expect(status.changes).toEqual(
      expect.arrayContaining([
        { path: 'README.md', oldPath: null, kind: 'modified', staged: false },
        { path: 'lanes.yml', oldPath: null, kind: 'deleted', staged: true },
        { path: 'new.txt', oldPath: null, kind: 'untracked', staged: false },
      ]),
    );
    expect(status.changes).toHaveLength(3);
    expect(status.diskBytes).toBeGreaterThan(20);
  });

  it('diffs committed and uncommitted work against the fork point, not the moved base', async () => {
    const { root, folder, call } = await withInstance();
    writeFileSync(path.join(folder, 'app.txt'), 'one\n2\nthree\n');
    commitAll(folder, 'change two');
    writeFiles(folder, { 'README.md': '# web!\n', 'untracked.txt': 'u\n' });
    writeFiles(root, { 'main-only.txt': 'main\n' });
    commitAll(root, 'main moves on');

    const diff = await call('worktrees.diff', { instance: 'Frontend' });
    expect(diff.base).toBe('main');
    expect(diff.files.map((file) => file.path).sort()).toEqual(['README.md', 'app.txt']);
    const app = diff.files.find((file) => file.path === 'app.txt')!;
    expect(app).toMatchObject({ status: 'modified', additions: 1, deletions: 1, binary: false, truncated: false });
    expect(app.hunks[0]!.lines).toEqual([
      { kind: 'context', text: 'one', oldLine: 1, newLine: 1 },
      { kind: 'delete', text: 'two', oldLine: 2, newLine: null },
      { kind: 'add', text: '2', oldLine: null, newLine: 2 },
      { kind: 'context', text: 'three', oldLine: 3, newLine: 3 },
    ]);
    expect(diff.untracked).toEqual(['untracked.txt']);
  });

  it('says when the worktree folder is gone, and the list offers to prune it', async () => {
    const { root, folder, call, fail } = await withInstance();
    rmSync(folder, { recursive: true, force: true });
    const status = await call('worktrees.status', { instance: 'Frontend' });
    expect(status).toMatchObject({ exists: false });
    expect(status.problem).toMatch(/is gone/);
    expect((await fail('worktrees.diff', { instance: 'Frontend' })).message).toMatch(/is gone/);

    const list = await call('worktrees.list', {});
    expect(list.find((entry) => entry.path === folder)).toMatchObject({ instance: 'Frontend', exists: false, prunable: true });
    expect(list.find((entry) => entry.isMain)).toMatchObject({ path: root, exists: true });

    expect(await call('worktrees.prune', {})).toEqual({ pruned: [folder] });
    expect((await call('worktrees.list', {})).map((entry) => entry.path)).toEqual([root]);
  });

  it('lists worktrees with their instance and disk use', async () => {
    const { folder, call } = await withInstance();
    const entry = (await call('worktrees.list', {})).find((candidate) => candidate.path === folder);
    expect(entry).toMatchObject({ instance: 'Frontend', branch: 'lanes/frontend', exists: true, prunable: false, isMain: false });
    expect(entry?.diskBytes).toBeGreaterThan(0);
  });

  it('finds the instance of a worktree by its branch when lanes.yml names only the branch', async () => {
    bench = await openWorkbench({ 'README.md': '# web\n', 'lanes.yml': 'instances:\n  - name: api\n    role: backend\n    agent: claude\n    branch: lanes/api\n' });
    const folder = path.join(bench.parent, 'by-hand');
    git(bench.root, 'worktree', 'add', '-q', '-b', 'lanes/api', folder);
    const entry = (await bench.call('worktrees.list', {})).find((candidate) => candidate.path === folder);
    expect(entry).toMatchObject({ instance: 'api', branch: 'lanes/api' });
  });

  it('names an unknown instance', async () => {
    const { fail } = await withInstance();
    expect(await fail('worktrees.status', { instance: 'Nobody' })).toMatchObject({ code: 'not-found', message: 'There is no instance called "Nobody" in lanes.yml.' });
  });
});

describe('worktrees.merge', () => {
  it('fast-forwards the base checked out in the main checkout', async () => {
    const { root, folder, call } = await withInstance();
    writeFiles(folder, { 'feature.txt': 'feature\n' });
    commitAll(folder, 'feature');
    const result = await call('worktrees.merge', { instance: 'Frontend', mode: 'auto' });
    expect(result).toMatchObject({ outcome: 'fast-forward', base: 'main', branch: 'lanes/frontend', conflicts: [], uncommitted: 0 });
    expect(head(root)).toBe(head(folder));
    expect(readFileSync(path.join(root, 'feature.txt'), 'utf8')).toBe('feature\n');
    expect((await call('worktrees.merge', { instance: 'Frontend', mode: 'auto' })).outcome).toBe('up-to-date');
  });

  it('makes a merge commit when the base moved on, or when asked', async () => {
    const { root, folder, call, fail } = await withInstance();
    writeFiles(folder, { 'feature.txt': 'feature\n' });
    commitAll(folder, 'feature');
    writeFiles(root, { 'main.txt': 'main\n' });
    commitAll(root, 'main moves on');
    const refused = await fail('worktrees.merge', { instance: 'Frontend', mode: 'fast-forward' });
    expect(refused).toMatchObject({ code: 'conflict' });
    expect(refused.message).toMatch(/cannot be fast-forwarded into "main": "main" has 1 commit/);

    const result = await call('worktrees.merge', { instance: 'Frontend', mode: 'auto' });
    expect(result.outcome).toBe('merge-commit');
    expect(git(root, 'log', '-1', '--format=%P %s').trim()).toMatch(/^\w+ \w+ Merge branch 'lanes\/frontend' into main \(Lanes instance Frontend\)$/);
    expect(existsSync(path.join(root, 'feature.txt'))).toBe(true);
  });

  it('reports conflicts with their files and aborts, leaving the main checkout as it was', async () => {
    const { root, folder, call } = await withInstance();
    writeFiles(folder, { 'app.txt': 'one\nFRONT\nthree\n' });
    commitAll(folder, 'front edits two');
    writeFiles(root, { 'app.txt': 'one\nMAIN\nthree\n', 'scratch.txt': 'untracked, must survive\n' });
    commitAll(root, 'main edits two');
    git(root, 'rm', '-q', '--cached', 'scratch.txt');
    git(root, 'commit', '-q', '-m', 'untrack scratch');
    const before = head(root);

    const result = await call('worktrees.merge', { instance: 'Frontend', mode: 'auto' });
    expect(result).toMatchObject({ outcome: 'conflict', conflicts: ['app.txt'], baseHead: before });
    expect(result.message).toMatch(/conflicts with "main" in 1 file\. The merge was aborted/);
    expect(head(root)).toBe(before);
    expect(git(root, 'status', '--porcelain')).toBe('?? scratch.txt\n');
    expect(readFileSync(path.join(root, 'app.txt'), 'utf8')).toBe('one\nMAIN\nthree\n');
    expect(existsSync(path.join(root, '.git', 'MERGE_HEAD'))).toBe(false);
  });

  it('keeps unrelated uncommitted edits of the main checkout when a conflicting merge is aborted', async () => {
    const { root, folder, call } = await withInstance();
    writeFiles(folder, { 'app.txt': 'one\nFRONT\nthree\n' });
    commitAll(folder, 'front');
    writeFiles(root, { 'app.txt': 'one\nMAIN\nthree\n' });
    commitAll(root, 'main');
    writeFiles(root, { 'README.md': '# still typing\n' });
    expect((await call('worktrees.merge', { instance: 'Frontend', mode: 'auto' })).outcome).toBe('conflict');
    expect(git(root, 'status', '--porcelain')).toBe(' M README.md\n');
    expect(readFileSync(path.join(root, 'README.md'), 'utf8')).toBe('# still typing\n');
  });

  it('reports git\'s own words when a merge stops for another reason than a conflict, and leaves the checkout clean', async () => {
    const { root, folder, fail } = await withInstance();
    writeFiles(folder, { 'feature.txt': 'feature\n' });
    commitAll(folder, 'feature');
    writeFiles(root, { 'main.txt': 'main\n' });
    commitAll(root, 'main');
    writeFiles(root, { '.git/hooks/pre-merge-commit': '#!/bin/sh\necho "merges are frozen today" >&2\nexit 1\n' });
    chmodSync(path.join(root, '.git/hooks/pre-merge-commit'), 0o755);
    const before = head(root);
    const error = await fail('worktrees.merge', { instance: 'Frontend', mode: 'auto' });
    expect(error.code).toBe('git-failed');
    expect(error.message).toContain('merges are frozen today');
    expect(head(root)).toBe(before);
    expect(git(root, 'status', '--porcelain')).toBe('');
    expect(existsSync(path.join(root, 'feature.txt'))).toBe(false);
  });

  it('refuses to merge into a checkout with uncommitted changes to files the merge changes', async () => {
    const { root, folder, fail } = await withInstance();
    writeFiles(folder, { 'README.md': '# from the instance\n' });
    commitAll(folder, 'readme');
    writeFiles(root, { 'README.md': '# edited, not committed\n' });
    const before = head(root);
    const error = await fail('worktrees.merge', { instance: 'Frontend', mode: 'auto' });
    expect(error.code).toBe('conflict');
    expect(error.message).toMatch(/has uncommitted changes to files the merge changes \(README\.md\)\. Commit or stash them there first; nothing was merged/);
    expect(head(root)).toBe(before);
    expect(readFileSync(path.join(root, 'README.md'), 'utf8')).toBe('# edited, not committed\n');
  });

  it('merges while unrelated files in the main checkout are being edited, keeping those edits', async () => {
    const { root, folder, call } = await withInstance();
    writeFiles(folder, { 'app.txt': 'one\nFRONT\nthree\n' });
    commitAll(folder, 'front');
    writeFiles(root, { 'main.txt': 'main\n' });
    commitAll(root, 'main');
    writeFiles(root, { 'README.md': '# still typing\n' });
    expect((await call('worktrees.merge', { instance: 'Frontend', mode: 'auto' })).outcome).toBe('merge-commit');
    expect(readFileSync(path.join(root, 'README.md'), 'utf8')).toBe('# still typing\n');
    expect(readFileSync(path.join(root, 'app.txt'), 'utf8')).toBe('one\nFRONT\nthree\n');
  });

  it('moves a base that is not checked out anywhere without touching any files', async () => {
    const { root, folder, call } = await withInstance();
    git(root, 'checkout', '-q', '-b', 'elsewhere');
    writeFiles(folder, { 'feature.txt': 'feature\n' });
    commitAll(folder, 'feature');
    expect((await call('worktrees.merge', { instance: 'Frontend', mode: 'auto' })).outcome).toBe('fast-forward');
    expect(head(root, 'main')).toBe(head(folder));

    writeFiles(folder, { 'second.txt': '2\n' });
    commitAll(folder, 'second');
    const merged = await call('worktrees.merge', { instance: 'Frontend', mode: 'merge-commit' });
    expect(merged.outcome).toBe('merge-commit');
    expect(git(root, 'rev-list', '--parents', '-1', 'main').trim().split(' ')).toHaveLength(3);
    expect(git(root, 'show', 'main:second.txt')).toBe('2\n');
    expect(existsSync(path.join(root, 'second.txt'))).toBe(false);
  });

  it('reports a conflict on a base that is not checked out and changes nothing', async () => {
    const { root, folder, call } = await withInstance();
    writeFiles(folder, { 'app.txt': 'one\nFRONT\nthree\n' });
    commitAll(folder, 'front');
    writeFiles(root, { 'app.txt': 'one\nMAIN\nthree\n' });
    commitAll(root, 'main');
    git(root, 'checkout', '-q', '-b', 'elsewhere');
    const before = head(root, 'main');
    const result = await call('worktrees.merge', { instance: 'Frontend', mode: 'auto' });
    expect(result).toMatchObject({ outcome: 'conflict', conflicts: ['app.txt'] });
    expect(head(root, 'main')).toBe(before);
  });
});

describe('worktrees.remove', () => {
  it('removes a clean, merged worktree and its lanes.yml entry, keeping the branch and comments', async () => {
    const { root, folder, call } = await withInstance();
    const result = await call('worktrees.remove', { instance: 'Frontend' });
    expect(result).toEqual({ instance: 'Frontend', keptInstance: false, removedWorktree: folder, deletedBranch: null, keptBranch: 'lanes/frontend' });
    expect(existsSync(folder)).toBe(false);
    expect(git(root, 'branch', '--list', 'lanes/frontend')).toContain('lanes/frontend');
    const yml = readFileSync(path.join(root, 'lanes.yml'), 'utf8');
    expect(yml).toContain('# team');
    expect(yml).not.toContain('Frontend');
    expect((await call('workspace.current', {}))?.worktrees).toHaveLength(1);
  });

  it('refuses while the worktree holds uncommitted work, until the name is typed', async () => {
    const { folder, call, fail } = await withInstance();
    writeFiles(folder, { 'draft.txt': 'unsaved thoughts\n', 'app.txt': 'edited\n' });
    const refused = await fail('worktrees.remove', { instance: 'Frontend' });
    expect(refused.code).toBe('conflict');
    expect(refused.message).toMatch(/"Frontend" has 2 uncommitted changes\. To remove it anyway, type the instance's name "Frontend"/);
    expect(refused.details).toMatchObject({ uncommitted: 2, unmerged: 0, needsConfirmation: true });
    expect((await fail('worktrees.remove', { instance: 'Frontend', confirm: 'yes' })).code).toBe('conflict');
    expect((await fail('worktrees.remove', { instance: 'Frontend', confirm: 'frontend' })).code).toBe('conflict');
    expect(readFileSync(path.join(folder, 'draft.txt'), 'utf8')).toBe('unsaved thoughts\n');

    await call('worktrees.remove', { instance: 'Frontend', confirm: 'Frontend' });
    expect(existsSync(folder)).toBe(false);
  });

  it('refuses while the branch has commits its base lacks; deletes the branch only when asked', async () => {
    const { root, folder, call, fail } = await withInstance();
    writeFiles(folder, { 'feature.txt': 'feature\n' });
    commitAll(folder, 'feature');
    const refused = await fail('worktrees.remove', { instance: 'Frontend', deleteBranch: true });
    expect(refused.message).toMatch(/1 commit not merged into "main"/);
    expect(refused.message).toMatch(/the changes and the commits will be lost/);
    expect(existsSync(folder)).toBe(true);

    const result = await call('worktrees.remove', { instance: 'Frontend', confirm: 'Frontend', deleteBranch: true });
    expect(result).toMatchObject({ deletedBranch: 'lanes/frontend', keptBranch: null });
    expect(git(root, 'branch', '--list', 'lanes/frontend')).toBe('');
  });

  it('removes an instance whose folder is already gone', async () => {
    const { root, folder, call } = await withInstance();
    rmSync(folder, { recursive: true, force: true });
    const result = await call('worktrees.remove', { instance: 'Frontend' });
    expect(result.removedWorktree).toBeNull();
    expect(git(root, 'worktree', 'list', '--porcelain')).not.toContain('web-frontend');
  });
});

describe('worktrees.remove with keepInstance, and worktrees.restoreWorktree', () => {
  it('removes only the worktree: the lanes.yml entry stays as it was, and the status says how to get it back', async () => {
    const { root, folder, call } = await withInstance();
    const before = readFileSync(path.join(root, 'lanes.yml'), 'utf8');
    const result = await call('worktrees.remove', { instance: 'Frontend', keepInstance: true });
    expect(result).toEqual({ instance: 'Frontend', keptInstance: true, removedWorktree: folder, deletedBranch: null, keptBranch: 'lanes/frontend' });
    expect(existsSync(folder)).toBe(false);
    expect(readFileSync(path.join(root, 'lanes.yml'), 'utf8')).toBe(before);
    expect(git(root, 'worktree', 'list', '--porcelain')).not.toContain('web-frontend');
    const status = await call('worktrees.status', { instance: 'Frontend' });
    expect(status).toMatchObject({ exists: false, hasWorktree: true, problem: `"Frontend" has no worktree: \`${folder}\` is gone. Restore its worktree, or remove the instance.` });
  });

  it('keeps the same safety: uncommitted work is not deleted until the name is typed', async () => {
    const { root, folder, call, fail } = await withInstance();
    writeFiles(folder, { 'draft.txt': 'unsaved\n' });
    const refused = await fail('worktrees.remove', { instance: 'Frontend', keepInstance: true });
    expect(refused.code).toBe('conflict');
    expect(refused.message).toMatch(/"Frontend" has 1 uncommitted change\. To remove its worktree anyway, type the instance's name "Frontend"/);
    expect(readFileSync(path.join(folder, 'draft.txt'), 'utf8')).toBe('unsaved\n');
    await call('worktrees.remove', { instance: 'Frontend', keepInstance: true, confirm: 'Frontend' });
    expect(existsSync(folder)).toBe(false);
    expect(readFileSync(path.join(root, 'lanes.yml'), 'utf8')).toContain('name: Frontend');
  });

  it('refuses to remove the worktree of an instance that has none', async () => {
    const { folder, call, fail } = await withInstance();
    await call('worktrees.createInstance', { name: 'Main', role: 'qa', agent: { preset: 'claude' }, worktree: { mode: 'none' } });
    expect((await fail('worktrees.remove', { instance: 'Main', keepInstance: true })).message).toBe('"Main" runs in the main checkout; it has no worktree to remove.');
    rmSync(folder, { recursive: true, force: true });
    expect((await fail('worktrees.remove', { instance: 'Frontend', keepInstance: true })).message).toContain('has no worktree folder now');
  });

  it('restores the worktree on the kept branch, with its commits, in the folder lanes.yml names', async () => {
    const { root, folder, call, fail } = await withInstance({ '.gitignore': '.env\n', '.worktreeinclude': '.env\n' });
    writeFiles(root, { '.env': 'TOKEN=1\n' });
    writeFiles(folder, { 'feature.txt': 'feature\n' });
    commitAll(folder, 'feature');
    const committed = head(folder);
    await call('worktrees.remove', { instance: 'Frontend', keepInstance: true, confirm: 'Frontend' });
    const restored = await call('worktrees.restoreWorktree', { instance: 'Frontend' });
    expect(restored).toEqual({ instance: 'Frontend', worktree: folder, branch: 'lanes/frontend', createdBranch: false });
    expect(head(folder)).toBe(committed);
    expect(readFileSync(path.join(folder, '.env'), 'utf8')).toBe('TOKEN=1\n');
    expect(await call('worktrees.status', { instance: 'Frontend' })).toMatchObject({ exists: true, branch: 'lanes/frontend', ahead: 1, problem: null });
    expect((await fail('worktrees.restoreWorktree', { instance: 'Frontend' })).code).toBe('already-exists');
  });

  it('restores the worktree on a new branch from the base when the branch was deleted', async () => {
    const { root, folder, call } = await withInstance();
    await call('worktrees.remove', { instance: 'Frontend', keepInstance: true, deleteBranch: true });
    expect(git(root, 'branch', '--list', 'lanes/frontend')).toBe('');
    const restored = await call('worktrees.restoreWorktree', { instance: 'Frontend' });
    expect(restored.createdBranch).toBe(true);
    expect(head(folder)).toBe(head(root, 'main'));
  });

  it('restores a worktree whose folder was deleted by hand while git still lists it', async () => {
    const { folder, call } = await withInstance();
    rmSync(folder, { recursive: true, force: true });
    await call('worktrees.restoreWorktree', { instance: 'Frontend' });
    expect(git(folder, 'symbolic-ref', '--short', 'HEAD').trim()).toBe('lanes/frontend');
  });
});
