import { mkdirSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { git, makeGitRepo, makeTempDir, writeFiles } from '../../test/support/repo';
import { ConfigService } from './config-service';
import { inspectWorkspace as inspectWith, locateRepository } from './inspect';

/** The snapshot with lanes.yml read as an open workspace reads it. */
async function inspectWorkspace(root: string) {
  const lanesYml = await ConfigService.open(root);
  try {
    return await inspectWith(root, await lanesYml.state());
  } finally {
    lanesYml.dispose();
  }
}

describe('locateRepository', () => {
  it('finds the top level from a sub-folder', async () => {
    const repo = makeGitRepo({ 'src/app/main.ts': 'x' });
    expect(await locateRepository(path.join(repo, 'src/app'))).toBe(repo);
  });

  it('explains folders that cannot be opened', async () => {
    const plain = makeTempDir();
    writeFileSync(path.join(plain, 'file.txt'), 'x');
    await expect(locateRepository(plain)).rejects.toMatchObject({ code: 'not-a-repository', message: `\`${plain}\` is not a git repository. Choose the folder of a repository, or run \`git init\` there first.` });
    await expect(locateRepository(path.join(plain, 'nope'))).rejects.toMatchObject({ code: 'not-found', message: `\`${path.join(plain, 'nope')}\` does not exist.` });
    await expect(locateRepository(path.join(plain, 'file.txt'))).rejects.toMatchObject({ code: 'not-a-directory' });
    await expect(locateRepository('   ')).rejects.toMatchObject({ code: 'invalid-argument' });
    const bare = path.join(plain, 'bare.git');
    git(plain, 'init', '-q', '--bare', bare);
    await expect(locateRepository(bare)).rejects.toThrow('is a bare repository');
  });
});

describe('inspectWorkspace', () => {
  it('reports branch, worktrees, config and the health of every coordination file', async () => {
    const repo = makeGitRepo({
      'lanes.yml': 'paths:\n  memory: notes/memory\ninstances:\n  - name: VSCode\n    zones: [lib/]\n',
      'COMPRESSED_PROMPT_V3.md': '# State\n## Instance Scope Table\n| Instance | Owned Files |\n|---|---|\n',
      'docs/cross-instance-prs/20260413_a.md': '# A (Windows#67 → VSCode)\n',
      'docs/cross-instance-prs/20260414_b.md': '# B\n',
      'docs/cross-instance-prs/done/20260412_c.md': '# C\n',
      'notes/memory/MEMORY.md': `${'- entry\n'.repeat(240)}`,
    });
    const linked = path.join(path.dirname(repo), `${path.basename(repo)}-vscode`);
    git(repo, 'worktree', 'add', '-q', '-b', 'lanes/vscode', linked);
    try {
      const snapshot = await inspectWorkspace(repo);
      expect(snapshot.branch).toEqual({ name: 'main', head: expect.stringMatching(/^[0-9a-f]{7}$/), detached: false, unborn: false });
      expect(snapshot.worktrees.map((worktree) => [worktree.path, worktree.branch])).toEqual([
        [repo, 'main'],
        [linked, 'lanes/vscode'],
      ]);
      expect(snapshot.config.status).toBe('ok');
      expect(snapshot.config.instances).toEqual([{ name: 'VSCode', role: 'custom', agent: 'claude', branch: null, worktree: null, zones: ['lib/'] }]);
      const health = Object.fromEntries(snapshot.coordination.map((entry) => [entry.key, [entry.health, entry.detail]]));
      expect(health).toEqual({
        home: ['ok', 'Every instance reads and writes the coordination files here, from whichever worktree it runs in.'],
        config: ['ok', '1 instance'],
        sharedState: ['ok', '5 lines; has an Instance Scope Table'],
        requests: ['ok', '2 pending, 1 done'],
        memory: ['problem', 'MEMORY.md has 240 lines, over the limit of 200.'],
      });
    } finally {
      git(repo, 'worktree', 'remove', '--force', linked);
    }
  });

  it('finds the scope table where the zones find it: under "## Zones", and not in a code block', async () => {
    const table = '| Instance | Owned Files |\n|---|---|\n| VSCode | lib/ |\n';
    const sharedState = async (text: string) => {
      const repo = makeGitRepo({ 'COMPRESSED_PROMPT_V3.md': text });
      return (await inspectWorkspace(repo)).coordination.find((entry) => entry.key === 'sharedState')?.detail;
    };
    expect(await sharedState(`# State\n## Zones\n${table}`)).toBe('6 lines; has an Instance Scope Table');
    expect(await sharedState(`# State\n## Instance Scope Table\n\`\`\`\n${table}\`\`\`\n`)).toBe('8 lines; no Instance Scope Table yet');
  });

  it('shows the memory index as needing attention while an entry points to a missing file, naming it', async () => {
    const repo = makeGitRepo({
      'memory/MEMORY.md': '\uFEFF# Memory\r\n- [me](user_me.md)\r\n- [gone](project_20260101_gone.md)\r\n',
      'memory/user_me.md': '# Me\n',
      'memory/feedback_success_unlisted.md': '# Not in the index\n',
    });
    const memory = (await inspectWorkspace(repo)).coordination.find((entry) => entry.key === 'memory');
    expect(memory).toMatchObject({
      health: 'problem',
      detail: '3 files; MEMORY.md has 3 of 200 lines; 1 broken entry (line 3: project_20260101_gone.md); 1 file not in the index',
    });
    writeFiles(repo, { 'memory/project_20260101_gone.md': '# Back\n' });
    expect((await inspectWorkspace(repo)).coordination.find((entry) => entry.key === 'memory')).toMatchObject({
      health: 'ok',
      detail: '4 files; MEMORY.md has 3 of 200 lines; 1 file not in the index',
    });
  });

  it('reads the coordination files of the main checkout when opened in a linked worktree', async () => {
    const repo = makeGitRepo({ 'memory/MEMORY.md': '# Memory\n', 'lanes.yml': 'instances: []\n' });
    const linked = path.join(path.dirname(repo), `${path.basename(repo)}-linked`);
    git(repo, 'worktree', 'add', '-q', '-b', 'linked', linked);
    try {
      writeFiles(repo, { 'memory/user_home_only.md': '# Home\n' });
      const memory = (await inspectWorkspace(linked)).coordination.find((entry) => entry.key === 'memory');
      expect(memory?.detail).toMatch(/^2 files;/);
    } finally {
      git(repo, 'worktree', 'remove', '--force', linked);
    }
  });

  it('works on a fresh repository with no commits and no coordination files', async () => {
    const root = makeTempDir();
    git(root, 'init', '-q', '-b', 'trunk');
    const snapshot = await inspectWorkspace(root);
    expect(snapshot.branch).toEqual({ name: 'trunk', head: null, detached: false, unborn: true });
    expect(snapshot.config.status).toBe('missing');
    expect(snapshot.coordination.map((entry) => [entry.key, entry.health])).toEqual([
      ['home', 'ok'],
      ['config', 'missing'],
      ['sharedState', 'missing'],
      ['requests', 'missing'],
      ['memory', 'missing'],
    ]);
  });

  it('reports a detached HEAD', async () => {
    const repo = makeGitRepo();
    git(repo, 'checkout', '-q', '--detach');
    const snapshot = await inspectWorkspace(repo);
    expect(snapshot.branch.detached).toBe(true);
    expect(snapshot.branch.name).toBeNull();
  });

  it('shows a lanes.yml too large to read as a problem, and says so', async () => {
    const huge = makeGitRepo({ 'lanes.yml': `zones: [${'1,'.repeat(30_000)}]\n` });
    const snapshot = await inspectWorkspace(huge);
    expect(snapshot.config).toMatchObject({ status: 'invalid', problem: { message: expect.stringContaining('more than 20,000 values'), line: 1 } });
    expect(snapshot.coordination.find((entry) => entry.key === 'config')).toMatchObject({ health: 'problem' });
  });

  it('shows an invalid lanes.yml as a problem with its line, and a path that leaves the repository', async () => {
    const broken = makeGitRepo({ 'lanes.yml': 'instances: [\n' });
    const snapshot = await inspectWorkspace(broken);
    expect(snapshot.config.status).toBe('invalid');
    expect(snapshot.config.problem?.line).toBeGreaterThan(0);

    const escaping = makeGitRepo({ 'lanes.yml': 'paths:\n  memory: ../elsewhere\n' });
    const outside = await inspectWorkspace(escaping);
    expect(outside.coordination.find((entry) => entry.key === 'memory')).toMatchObject({
      health: 'problem',
      detail: expect.stringMatching(/`\.\.\/elsewhere` is not inside the repository.*Change `paths\.memory` in lanes\.yml\.$/),
    });
  });

  it('does not follow a memory folder symlinked outside the repository', async () => {
    const repo = makeGitRepo();
    const elsewhere = makeTempDir();
    writeFiles(elsewhere, { 'MEMORY.md': 'secret\n' });
    symlinkSync(elsewhere, path.join(repo, 'memory'));
    mkdirSync(path.join(repo, 'docs'));
    const snapshot = await inspectWorkspace(repo);
    expect(snapshot.coordination.find((entry) => entry.key === 'memory')).toMatchObject({ health: 'problem', detail: expect.stringContaining('symbolic link') });
  });

  it('shows the coordination check\u2019s problems with what to do: a link leading out, a zone that takes a shared folder', async () => {
    const repo = makeGitRepo({ 'lanes.yml': 'instances:\n  - name: Notes\n    zones: [memory/]\n', 'memory/MEMORY.md': '# Memory\n' });
    const outside = makeTempDir('lanes-outside-');
    mkdirSync(path.join(repo, 'docs'), { recursive: true });
    symlinkSync(outside, path.join(repo, 'docs', 'cross-instance-prs'));
    const health = Object.fromEntries((await inspectWorkspace(repo)).coordination.map((entry) => [entry.key, entry]));
    expect(health.requests).toMatchObject({
      health: 'problem',
      detail: expect.stringContaining(`goes through the symbolic link \`docs/cross-instance-prs\` → \`${outside}\`, which leads out of the repository`),
    });
    expect(health.memory).toMatchObject({
      health: 'problem',
      detail:
        '1 file; MEMORY.md has 1 of 200 lines. The memory folder `memory` (`paths.memory` in lanes.yml) is inside the zone `memory/` of "Notes". ' +
        'Every instance must be able to write it, so no zone may take it: narrow that zone, or move `paths.memory` out of it.',
    });
    expect(health.sharedState).toMatchObject({ health: 'missing' });
  });

  it('says the home is gone when the main checkout of the opened worktree was moved, and what to do', async () => {
    const repo = makeGitRepo({ 'lanes.yml': 'instances: []\n' });
    const linked = path.join(makeTempDir('lanes-linked-'), 'linked');
    git(repo, 'worktree', 'add', '-q', '-b', 'linked', linked);
    renameSync(repo, `${repo}-moved`);
    const home = (await inspectWorkspace(linked)).coordination.find((entry) => entry.key === 'home');
    expect(home).toMatchObject({ health: 'problem', detail: expect.stringContaining('the main checkout was moved or deleted') });
    expect(home!.detail).toContain('`git worktree repair`');
  });
});
