import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { git, makeGitRepo, makeTempDir, writeFiles } from '../../test/support/repo';
import { instanceConfigSchema } from '../workspace/config';
import { claudeFolderOf, claudeFolders, moveClaudeEntries } from './claude-memory';
import { MemoryFolder } from './memory-folder';
import { claudeMemoryFolder, claudeProjectName, claudeProjectsFolder } from './sources';

/** A home with API in a worktree and Main in the home, and a Claude config folder of its own. */
function workspace() {
  const home = makeGitRepo({ 'memory/MEMORY.md': '# Memory\n\n- [Old](feedback_success_old.md)\n', 'memory/feedback_success_old.md': '# Old\n' });
  const worktree = path.join(makeTempDir(), 'api');
  git(home, 'worktree', 'add', '-q', '-b', 'lanes/api', worktree);
  const env = { CLAUDE_CONFIG_DIR: makeTempDir('lanes-claude-') };
  const instances = [instanceConfigSchema.parse({ name: 'API', worktree: path.relative(home, worktree) }), instanceConfigSchema.parse({ name: 'Main' })];
  return { home, worktree, env, instances, memory: new MemoryFolder('repo', path.join(home, 'memory'), home) };
}

function claudeFolderWith(folder: string, files: Record<string, string>) {
  mkdirSync(folder, { recursive: true });
  writeFiles(folder, files);
}

describe('Claude Code memory per instance', () => {
  it('names the folder of a long path as Claude Code does: cut to 200 characters, then a hash; a folder Claude Code made with that start is found', () => {
    const env = { CLAUDE_CONFIG_DIR: makeTempDir('lanes-claude-') };
    const short = '/home/me/src/app';
    expect(claudeProjectName(short, env)).toBe('-home-me-src-app');
    const long = `/home/me/${'very-deep-folder/'.repeat(14)}app_ü`;
    const sanitized = long.replace(/[^a-zA-Z0-9]/g, '-');
    expect(sanitized.length).toBeGreaterThan(200);
    // The Node build's hash of the path: 31·h + c over UTF-16 code units, 32-bit, base 36 of its absolute value.
    let hash = 0;
    for (let index = 0; index < long.length; index += 1) hash = ((hash << 5) - hash + long.charCodeAt(index)) | 0;
    const computed = `${sanitized.slice(0, 200)}-${Math.abs(hash).toString(36)}`;
    expect(claudeProjectName(long, env)).toBe(computed);
    expect(claudeMemoryFolder(long, env)).toBe(path.join(claudeProjectsFolder(env), computed, 'memory'));
    // A native build hashes otherwise: the one folder Claude Code made with that start is the one.
    const native = `${sanitized.slice(0, 200)}-on930v`;
    mkdirSync(path.join(claudeProjectsFolder(env), native), { recursive: true });
    expect(claudeProjectName(long, env)).toBe(native);
    // Two folders with that start (another long path shares it): the computed name, not a guess.
    mkdirSync(path.join(claudeProjectsFolder(env), `${sanitized.slice(0, 200)}-zzzzzz`), { recursive: true });
    expect(claudeProjectName(long, env)).toBe(computed);
  });

  it('keys each instance’s folder by its checkout’s path, says which share the repository’s, and lists the entries of those that exist', async () => {
    const { home, worktree, env, instances } = workspace();
    const apiFolder = claudeMemoryFolder(worktree, env);
    expect(path.basename(path.dirname(apiFolder))).toBe(worktree.replace(/[^a-zA-Z0-9]/g, '-'));
    claudeFolderWith(apiFolder, { 'MEMORY.md': '- [Tests](testing.md) — how to run\n', 'testing.md': '# Run the tests\n\nnpm test\n' });
    const folders = await claudeFolders(home, instances, env);
    expect(folders.repository).toMatchObject({ instance: null, folder: claudeMemoryFolder(home, env), exists: false, sharesRepositoryFolder: true });
    expect(folders.instances).toEqual([
      { instance: 'API', folder: apiFolder, exists: true, sharesRepositoryFolder: false, hasIndex: true, entries: [{ name: 'testing.md', title: 'Run the tests', size: 26 }] },
      { instance: 'Main', folder: claudeMemoryFolder(home, env), exists: false, sharesRepositoryFolder: true, hasIndex: false, entries: [] },
    ]);
    expect(claudeFolderOf(home, instances, 'API', env)).toBe(apiFolder);
    expect(() => claudeFolderOf(home, instances, 'Nobody', env)).toThrow(/no instance named/);
  });

  it('moves the entries into the home’s memory folder, indexes them there, and takes them and their lines out of Claude’s folder', async () => {
    const { home, worktree, env, memory } = workspace();
    const source = claudeMemoryFolder(worktree, env);
    claudeFolderWith(source, {
      'MEMORY.md': '# Memory index\n\n- [Tests](testing.md) — how to run\n- [Keep](keep.txt)\n- [Old one](feedback_success_old.md)\n',
      'testing.md': '# Run the tests\n',
      'feedback_success_old.md': '# Old, but from API\n',
    });
    const moved = await moveClaudeEntries(source, memory, 'API');
    expect(moved).toEqual([
      { from: 'feedback_success_old.md', to: 'feedback_success_old_API.md' },
      { from: 'testing.md', to: 'testing.md' },
    ]);
    expect(readFileSync(path.join(home, 'memory/testing.md'), 'utf8')).toBe('# Run the tests\n');
    expect(readFileSync(path.join(home, 'memory/feedback_success_old.md'), 'utf8')).toBe('# Old\n');
    expect(readFileSync(path.join(home, 'memory/feedback_success_old_API.md'), 'utf8')).toBe('# Old, but from API\n');
    expect(readFileSync(path.join(home, 'memory/MEMORY.md'), 'utf8')).toBe(
      '# Memory\n\n- [Old](feedback_success_old.md)\n- [Old, but from API](feedback_success_old_API.md)\n- [Run the tests](testing.md)\n',
    );
    expect(memory.health()).toMatchObject({ dangling: [], unlisted: [] });
    expect(existsSync(path.join(source, 'testing.md'))).toBe(false);
    expect(readFileSync(path.join(source, 'MEMORY.md'), 'utf8')).toBe('# Memory index\n\n- [Keep](keep.txt)\n');
  });

  it('refuses when the home has different files under both names, moving nothing', async () => {
    const { home, env, memory } = workspace();
    writeFiles(home, { 'memory/testing.md': 'home’s\n', 'memory/testing_claude.md': 'home’s too\n' });
    const source = claudeMemoryFolder(home, env);
    claudeFolderWith(source, { 'testing.md': 'Claude’s\n', 'other.md': 'other\n' });
    await expect(moveClaudeEntries(source, memory, 'claude')).rejects.toMatchObject({ code: 'conflict', message: expect.stringContaining('moved nothing') });
    expect(existsSync(path.join(home, 'memory/other.md'))).toBe(false);
    expect(readFileSync(path.join(source, 'testing.md'), 'utf8')).toBe('Claude’s\n');
  });

  it('refuses a Claude folder that is the home’s memory folder itself, and one with nothing to move', async () => {
    const { home, env, memory } = workspace();
    const source = claudeMemoryFolder(home, env);
    mkdirSync(path.dirname(source), { recursive: true });
    symlinkSync(path.join(home, 'memory'), source);
    await expect(moveClaudeEntries(source, memory, 'claude')).rejects.toMatchObject({ code: 'invalid-argument' });
    expect(readFileSync(path.join(home, 'memory/feedback_success_old.md'), 'utf8')).toBe('# Old\n');
    const empty = path.join(makeTempDir(), 'memory');
    mkdirSync(empty);
    writeFileSync(path.join(empty, 'MEMORY.md'), '# Memory\n');
    await expect(moveClaudeEntries(empty, memory, 'claude')).rejects.toMatchObject({ code: 'not-found' });
    await expect(moveClaudeEntries(path.join(empty, 'missing'), memory, 'claude')).rejects.toMatchObject({ code: 'not-found' });
  });
});
