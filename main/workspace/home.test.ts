import { mkdirSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { git, makeGitRepo, makeTempDir } from '../../test/support/repo';
import { DEFAULT_PATHS } from './config';
import { coordinationPaths, homeOf, workspaceHome } from './home';

const made: string[] = [];
afterEach(() => {
  for (const folder of made.splice(0)) rmSync(folder, { recursive: true, force: true });
});

describe('the home of the coordination files', () => {
  it('is the main checkout, found from the main checkout or any linked worktree', () => {
    const root = makeGitRepo();
    const worktree = `${root}-linked`;
    made.push(worktree);
    git(root, 'worktree', 'add', '-q', '-b', 'linked', worktree);
    expect(homeOf(root)).toBe(root);
    expect(homeOf(worktree)).toBe(root);
    expect(git(worktree, 'rev-parse', '--path-format=absolute', '--git-common-dir').trim()).toBe(path.join(root, '.git'));
  });

  it('is a submodule-style checkout itself, whose git folder lives elsewhere without `commondir`', () => {
    const root = makeGitRepo();
    const separate = `${root}-separate`;
    made.push(separate);
    const checkout = makeTempDir('lanes-separate-');
    git(checkout, 'init', '-q', `--separate-git-dir=${separate}`);
    expect(homeOf(checkout)).toBe(checkout);
    expect(workspaceHome(checkout)).toBe(checkout);
    expect(homeOf(root)).toBe(root);
  });

  it('says the home is gone, instead of making the worktree a home of its own, when the main checkout was moved', () => {
    const root = makeGitRepo();
    const worktree = `${root}-linked`;
    const moved = `${root}-moved`;
    made.push(worktree, moved);
    git(root, 'worktree', 'add', '-q', '-b', 'linked', worktree);
    renameSync(root, moved);
    expect(() => homeOf(worktree)).toThrow(expect.objectContaining({ code: 'not-found', message: expect.stringContaining('the main checkout was moved or deleted') }));
    expect(() => homeOf(worktree)).toThrow(/run `git worktree repair` there first/);
    // Once repaired, the moved checkout is the home again.
    git(moved, 'worktree', 'repair', worktree);
    expect(homeOf(worktree)).toBe(moved);
    expect(() => homeOf(`${root}-never-made`)).toThrow(expect.objectContaining({ code: 'not-found', message: expect.stringContaining('does not exist any more') }));
  });

  it('names every coordination path absolutely inside the home', () => {
    const root = makeGitRepo();
    expect(coordinationPaths(root, DEFAULT_PATHS)).toEqual({
      home: root,
      config: path.join(root, 'lanes.yml'),
      sharedState: path.join(root, 'COMPRESSED_PROMPT_V3.md'),
      requests: path.join(root, 'docs', 'cross-instance-prs'),
      requestsDone: path.join(root, 'docs', 'cross-instance-prs', 'done'),
      memory: path.join(root, 'memory'),
      memoryIndex: path.join(root, 'memory', 'MEMORY.md'),
    });
  });

  it('refuses a coordination path that leaves the home, naming the lanes.yml key to change', () => {
    const root = makeGitRepo();
    expect(() => coordinationPaths(root, { ...DEFAULT_PATHS, memory: '../elsewhere' })).toThrow(/Change `paths.memory` in lanes.yml/);
    expect(() => coordinationPaths(root, { ...DEFAULT_PATHS, requests: '/etc' })).toThrow(/absolute path.*Change `paths.requests` in lanes.yml/);
    const outside = makeTempDir('lanes-outside-');
    mkdirSync(path.join(root, 'docs'));
    symlinkSync(outside, path.join(root, 'docs', 'cross-instance-prs'));
    expect(() => coordinationPaths(root, DEFAULT_PATHS)).toThrow(/symbolic link that leads outside it.*Change `paths.requests` in lanes.yml/);
    symlinkSync(path.join(outside, 'not-yet.md'), path.join(root, 'COMPRESSED_PROMPT_V3.md'));
    expect(() => coordinationPaths(root, { ...DEFAULT_PATHS, requests: 'requests' })).toThrow(/broken symbolic link.*Change `paths.sharedState` in lanes.yml/);
  });
});
