import { existsSync, mkdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { git, makeGitRepo, makeTempDir } from '../../test/support/repo';
import { DEFAULT_PATHS } from './config';
import { coordinationProblems } from './coordination-check';

const noInstances = { paths: DEFAULT_PATHS, instances: [] };

describe('coordinationProblems', () => {
  it('accepts coordination folders that do not exist yet, and makes nothing', () => {
    const root = makeGitRepo();
    expect(coordinationProblems(root, { paths: { sharedState: 'notes/STATE.md', requests: 'a/b/requests', memory: 'deep/memory' }, instances: [] })).toEqual([]);
    for (const missing of ['notes', 'a', 'deep']) expect(existsSync(path.join(root, missing))).toBe(false);
  });

  it('refuses a coordination path that is a symbolic link out of the repository, naming the key, the link and its target', () => {
    const root = makeGitRepo();
    const outside = makeTempDir('lanes-outside-');
    mkdirSync(path.join(root, 'docs'));
    symlinkSync(outside, path.join(root, 'docs', 'cross-instance-prs'));
    symlinkSync(outside, path.join(root, 'memory'));
    const problems = coordinationProblems(root, noInstances);
    expect(problems.map((problem) => problem.key)).toEqual(['requests', 'memory']);
    expect(problems[0]!.message).toBe(
      `\`paths.requests\` (\`docs/cross-instance-prs\`) goes through the symbolic link \`docs/cross-instance-prs\` → \`${outside}\`, which leads out of the repository. ` +
        'Every instance is told one path inside the repository for its requests folder, and Lanes writes nowhere else: point `paths.requests` at a real folder inside it.',
    );
    expect(problems[1]!.message).toContain(`the symbolic link \`memory\` → \`${outside}\``);
  });

  it('accepts a symbolic link that stays inside the repository', () => {
    const root = makeGitRepo();
    mkdirSync(path.join(root, 'shared', 'memory'), { recursive: true });
    symlinkSync(path.join(root, 'shared', 'memory'), path.join(root, 'memory'));
    expect(coordinationProblems(root, noInstances)).toEqual([]);
  });

  it('refuses `..`, absolute paths and files in the way, naming the key to change', () => {
    const root = makeGitRepo();
    writeFileSync(path.join(root, 'memory'), 'not a folder\n');
    mkdirSync(path.join(root, 'COMPRESSED_PROMPT_V3.md'));
    writeFileSync(path.join(root, 'docs'), 'a file\n');
    const messages = coordinationProblems(root, noInstances).map((problem) => problem.message);
    expect(messages).toEqual([
      '`paths.sharedState` (`COMPRESSED_PROMPT_V3.md`) is a folder, not a file, so Lanes cannot keep the shared-state file there. Change `paths.sharedState` in lanes.yml.',
      '`paths.requests` (`docs/cross-instance-prs`) goes through a file as if it were a folder, so the requests folder can never be made there. Change `paths.requests` in lanes.yml.',
      '`paths.memory` (`memory`) is a file, not a folder, so Lanes cannot keep the memory folder there. Change `paths.memory` in lanes.yml.',
    ]);
    const escaping = coordinationProblems(root, { paths: { sharedState: '../STATE.md', requests: '/etc', memory: 'm' }, instances: [] });
    expect(escaping.map((problem) => problem.message)).toEqual([
      expect.stringMatching(/^`paths.sharedState`: .*`\.\.` is not allowed.*Change `paths.sharedState` in lanes.yml\.$/),
      expect.stringMatching(/^`paths.requests`: .*absolute path.*Change `paths.requests` in lanes.yml\.$/),
    ]);
  });

  it.each([
    ['docs/', 'requests', 'docs/cross-instance-prs'],
    ['docs', 'requests', 'docs/cross-instance-prs'],
    ['docs/**/*.md', 'requests', 'docs/cross-instance-prs'],
    ['docs/cross-instance-prs/done/', 'requests', 'docs/cross-instance-prs'],
    ['memory/', 'memory', 'memory'],
    ['*', 'memory', 'memory'],
  ])('flags the zone %s of an instance that takes the %s folder', (zone, key, folder) => {
    const root = makeGitRepo();
    const problems = coordinationProblems(root, { paths: DEFAULT_PATHS, instances: [{ name: 'Docs', zones: ['src/', zone] }] });
    expect(problems).toContainEqual({
      key,
      instance: 'Docs',
      message:
        `The ${key} folder \`${folder}\` (\`paths.${key}\` in lanes.yml) is inside the zone \`${zone}\` of "Docs". ` +
        `Every instance must be able to write it, so no zone may take it: narrow that zone, or move \`paths.${key}\` out of it.`,
    });
  });

  it('leaves zones beside the coordination folders alone', () => {
    const root = makeGitRepo();
    const instances = [{ name: 'Docs', zones: ['docs/guide/', 'docs/*.md', 'memory-tools/', 'src/**'] }];
    expect(coordinationProblems(root, { paths: DEFAULT_PATHS, instances })).toEqual([]);
  });

  it('checks the main checkout when asked from a linked worktree', () => {
    const root = makeGitRepo();
    const worktree = path.join(makeTempDir('lanes-linked-'), 'linked');
    git(root, 'worktree', 'add', '-q', '-b', 'linked', worktree);
    writeFileSync(path.join(root, 'memory'), 'a file in the home only\n');
    expect(coordinationProblems(worktree, noInstances).map((problem) => problem.key)).toEqual(['memory']);
  });

  it('says the home is gone when the workspace folder or the main checkout of a linked worktree was moved or deleted', () => {
    const gone = path.join(makeTempDir('lanes-gone-'), 'repo');
    expect(coordinationProblems(gone, noInstances)).toEqual([
      { key: 'home', instance: null, message: expect.stringMatching(new RegExp(`^The workspace folder \`${gone}\` does not exist any more, so the coordination files .* have no home\\. Open the repository where its main checkout is now`)) },
    ]);

    const root = makeGitRepo();
    const worktree = path.join(makeTempDir('lanes-linked-'), 'linked');
    git(root, 'worktree', 'add', '-q', '-b', 'linked', worktree);
    renameSync(root, `${root}-moved`);
    const [problem, ...rest] = coordinationProblems(worktree, noInstances);
    expect(rest).toEqual([]);
    expect(problem).toMatchObject({ key: 'home', instance: null });
    expect(problem!.message).toContain(`The git folder of this worktree (\`${path.join(root, '.git', 'worktrees', 'linked')}\`) does not exist: the main checkout was moved or deleted`);
    expect(problem!.message).toContain('`git worktree repair`');
    rmSync(`${root}-moved`, { recursive: true, force: true });
  });

  it('compares zones by the case rule: `Memory/` takes `memory` where case is ignored, and not where it counts', () => {
    const root = makeGitRepo();
    const instances = [{ name: 'Notes', zones: ['Memory/', 'DOCS/Cross-Instance-PRs/'] }];
    expect(coordinationProblems(root, { paths: DEFAULT_PATHS, instances, ignoreCase: false })).toEqual([]);
    const problems = coordinationProblems(root, { paths: DEFAULT_PATHS, instances, ignoreCase: true });
    expect(problems.map((problem) => [problem.key, problem.instance])).toEqual([
      ['requests', 'Notes'],
      ['memory', 'Notes'],
    ]);
    // This disk is case-sensitive, and the probe finds it so.
    expect(coordinationProblems(root, { paths: DEFAULT_PATHS, instances })).toEqual([]);
  });
});
