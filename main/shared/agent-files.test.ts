import { existsSync, readFileSync, readdirSync, renameSync, symlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { git, makeGitRepo, makeTempDir } from '../../test/support/repo';
import { LANES_HOOK_MARKER, excludeFromGit, setClaudeHooks, setClaudeMemoryDirectory } from './agent-files';

describe('setClaudeHooks', () => {
  it('adds Lanes hooks, keeps the user\'s settings and hooks, and replaces only its own on a second run', async () => {
    const repo = makeGitRepo();
    mkdirSync(path.join(repo, '.claude'));
    const userHook = { matcher: 'Bash', hooks: [{ type: 'command', command: 'echo user' }] };
    writeFileSync(path.join(repo, '.claude/settings.local.json'), JSON.stringify({ model: 'x', hooks: { PreToolUse: [userHook] } }));

    await setClaudeHooks(repo, 'PreToolUse', [{ matcher: 'Edit|Write', command: 'lanes guard' }]);
    await setClaudeHooks(repo, 'PreToolUse', [{ matcher: 'Edit|Write|MultiEdit', command: 'lanes guard --v2' }]);

    const settings = JSON.parse(readFileSync(path.join(repo, '.claude/settings.local.json'), 'utf8'));
    expect(settings.model).toBe('x');
    expect(settings.hooks.PreToolUse).toEqual([
      userHook,
      { matcher: 'Edit|Write|MultiEdit', hooks: [{ type: 'command', command: `${LANES_HOOK_MARKER} lanes guard --v2` }] },
    ]);
    expect(git(repo, 'status', '--porcelain')).toBe('');
    // The temporary file of the next atomic write is hidden from git too, not only the result.
    writeFileSync(path.join(repo, '.claude/.settings.local.json.lanes-0123456789ab.tmp'), '{}');
    expect(git(repo, 'status', '--porcelain')).toBe('');
  });

  it('refuses to touch a malformed settings file', async () => {
    const repo = makeGitRepo();
    mkdirSync(path.join(repo, '.claude'));
    writeFileSync(path.join(repo, '.claude/settings.local.json'), '{ not json');
    await expect(setClaudeHooks(repo, 'Stop', [{ command: 'lanes notify stop' }])).rejects.toThrow('is not valid JSON');
    expect(readFileSync(path.join(repo, '.claude/settings.local.json'), 'utf8')).toBe('{ not json');
  });
});

describe('setClaudeMemoryDirectory', () => {
  it('points autoMemoryDirectory at the folder in the local settings, next to the hooks and the user\'s settings, git-ignored', async () => {
    const repo = makeGitRepo();
    mkdirSync(path.join(repo, '.claude'));
    writeFileSync(path.join(repo, '.claude/settings.local.json'), JSON.stringify({ model: 'x', autoMemoryDirectory: '~/elsewhere' }));
    await setClaudeHooks(repo, 'Stop', [{ command: 'lanes notify Stop' }]);
    await setClaudeMemoryDirectory(repo, '/home/me/web/memory');
    const settings = JSON.parse(readFileSync(path.join(repo, '.claude/settings.local.json'), 'utf8'));
    expect(settings).toMatchObject({ model: 'x', autoMemoryDirectory: '/home/me/web/memory' });
    expect(settings.hooks.Stop).toHaveLength(1);
    expect(git(repo, 'status', '--porcelain')).toBe('');
  });

  it('refuses a relative folder (Claude Code takes only absolute ones) and a malformed settings file, writing nothing', async () => {
    const repo = makeGitRepo();
    await expect(setClaudeMemoryDirectory(repo, 'memory')).rejects.toMatchObject({ code: 'invalid-argument' });
    expect(existsSync(path.join(repo, '.claude/settings.local.json'))).toBe(false);
    mkdirSync(path.join(repo, '.claude'));
    writeFileSync(path.join(repo, '.claude/settings.local.json'), '{ not json');
    await expect(setClaudeMemoryDirectory(repo, '/home/me/web/memory')).rejects.toMatchObject({ code: 'malformed-file' });
    expect(readFileSync(path.join(repo, '.claude/settings.local.json'), 'utf8')).toBe('{ not json');
  });
});

describe('hook settings and excludes behind symbolic links', () => {
  it('writes nothing outside the worktree through a committed `.claude` link, and says why', async () => {
    const outside = makeTempDir('lanes-outside-');
    const repo = makeGitRepo();
    symlinkSync(outside, path.join(repo, '.claude'));
    git(repo, 'add', '.claude');
    git(repo, 'commit', '-q', '-m', 'a link');
    await expect(setClaudeHooks(repo, 'PreToolUse', [{ matcher: 'Edit', command: 'lanes guard' }])).rejects.toMatchObject({
      code: 'outside-workspace',
      message: expect.stringContaining('`.claude` is a symbolic link leading out of the worktree; Lanes did not write'),
    });
    expect(readdirSync(outside)).toEqual([]);
  });

  it('refuses a committed `.claude/settings.local.json` link instead of reading or replacing what it points at', async () => {
    const outside = makeTempDir('lanes-outside-');
    writeFileSync(path.join(outside, 'settings.json'), '{"theirs":true}');
    const repo = makeGitRepo();
    mkdirSync(path.join(repo, '.claude'));
    symlinkSync(path.join(outside, 'settings.json'), path.join(repo, '.claude/settings.local.json'));
    await expect(setClaudeHooks(repo, 'Stop', [{ command: 'lanes notify stop' }])).rejects.toMatchObject({ code: 'outside-workspace' });
    expect(readFileSync(path.join(outside, 'settings.json'), 'utf8')).toBe('{"theirs":true}');
  });

  it('refuses an `info` folder of the git folder that is a link, leaving its target alone', async () => {
    const outside = makeTempDir('lanes-outside-');
    const repo = makeGitRepo();
    renameSync(path.join(repo, '.git/info'), path.join(outside, 'info'));
    symlinkSync(path.join(outside, 'info'), path.join(repo, '.git/info'));
    await expect(excludeFromGit(repo, ['/CONTEXT.lanes.md'])).rejects.toMatchObject({
      code: 'outside-workspace',
      message: expect.stringContaining('`info` is a symbolic link leading out of the git folder'),
    });
    expect(existsSync(path.join(outside, 'info/exclude')) ? readFileSync(path.join(outside, 'info/exclude'), 'utf8') : '').not.toContain('/CONTEXT.lanes.md');
  });
});

describe('excludeFromGit', () => {
  it('hides generated files in linked worktrees too, once', async () => {
    const repo = makeGitRepo();
    const worktree = path.join(repo, '..', `${path.basename(repo)}-wt`);
    git(repo, 'worktree', 'add', '-q', '-b', 'lane', worktree);
    try {
      writeFileSync(path.join(worktree, 'CONTEXT.lanes.md'), 'x');
      await excludeFromGit(worktree, ['/CONTEXT.lanes.md']);
      await excludeFromGit(worktree, ['/CONTEXT.lanes.md']);
      expect(git(worktree, 'status', '--porcelain')).toBe('');
      const exclude = readFileSync(path.join(repo, '.git/info/exclude'), 'utf8');
      expect(exclude.split('\n').filter((line) => line === '/CONTEXT.lanes.md')).toHaveLength(1);
    } finally {
      git(repo, 'worktree', 'remove', '--force', worktree);
    }
  });
});

describe('concurrent preparation of one worktree', () => {
  it('applies every exclude and hook asked for at the same time, losing none', async () => {
    const repo = makeGitRepo();
    await Promise.all([
      excludeFromGit(repo, ['/a.lanes']),
      excludeFromGit(repo, ['/b.lanes']),
      setClaudeHooks(repo, 'Stop', [{ command: 'lanes notify stop' }]),
      setClaudeHooks(repo, 'PreToolUse', [{ matcher: 'Edit', command: 'lanes guard' }]),
      excludeFromGit(repo, ['/c.lanes']),
    ]);
    const exclude = readFileSync(path.join(repo, '.git/info/exclude'), 'utf8').split('\n');
    expect(exclude).toEqual(expect.arrayContaining(['/a.lanes', '/b.lanes', '/c.lanes', '/.claude/settings.local.json']));
    const settings = JSON.parse(readFileSync(path.join(repo, '.claude/settings.local.json'), 'utf8'));
    expect(Object.keys(settings.hooks).sort()).toEqual(['PreToolUse', 'Stop']);
  });
});
