import { describe, expect, it } from 'vitest';
import { parseUnifiedDiff } from './diff';
import { parseStatus } from './git-state';
import { defaultBranchName, instanceSlug, worktreeConfigValue } from './location';

describe('instanceSlug', () => {
  it.each([
    ['Frontend', 'frontend'],
    ['QA Lead', 'qa-lead'],
    ['Windows版', 'windows版'],
    ['  ..hidden..  ', 'hidden'],
    ['a:b~c^d?e*f[g', 'a-b-c-d-e-f-g'],
    ['name.lock', 'name-lock'],
    ['!!!', 'instance'],
  ])('%s → %s', (name, slug) => {
    expect(instanceSlug(name)).toBe(slug);
  });

  it('prefixes branches with lanes/', () => {
    expect(defaultBranchName('Integration hub')).toBe('lanes/integration-hub');
  });

  it('records worktrees relative to the root with forward slashes', () => {
    expect(worktreeConfigValue('/src/web', '/src/web-frontend')).toBe('../web-frontend');
    expect(worktreeConfigValue('/src/web', '/src/web/.trees/a')).toBe('.trees/a');
  });
});

describe('parseStatus', () => {
  it('reads renames, staged and unstaged changes, conflicts and untracked files', () => {
    const output = ['R  new name.txt', 'old name.txt', ' M src/a.ts', 'A  added.ts', 'UU both.ts', 'AA twice.ts', '?? 新しい.txt', ''].join('\0');
    expect(parseStatus(output)).toEqual([
      { path: 'new name.txt', oldPath: 'old name.txt', kind: 'renamed', staged: true },
      { path: 'src/a.ts', oldPath: null, kind: 'modified', staged: false },
      { path: 'added.ts', oldPath: null, kind: 'added', staged: true },
      { path: 'both.ts', oldPath: null, kind: 'conflicted', staged: true },
      { path: 'twice.ts', oldPath: null, kind: 'conflicted', staged: true },
      { path: '新しい.txt', oldPath: null, kind: 'untracked', staged: false },
    ]);
  });
});

describe('parseUnifiedDiff', () => {
  const diff = [
    'diff --git a/old name.txt b/new name.txt',
    'similarity index 90%',
    'rename from old name.txt',
    'rename to new name.txt',
    'index 1..2 100644',
    '--- a/old name.txt',
    '+++ b/new name.txt',
    '@@ -1,2 +1,2 @@',
    ' keep',
    '--- dashes removed',
    '+++ pluses added',
    'diff --git a/logo.png b/logo.png',
    'new file mode 100644',
    'index 0000000..1111111',
    'Binary files /dev/null and b/logo.png differ',
    'diff --git a/gone.txt b/gone.txt',
    'deleted file mode 100644',
    '--- a/gone.txt',
    '+++ /dev/null',
    '@@ -1 +0,0 @@',
    '-bye',
    '\\ No newline at end of file',
    '',
  ].join('\n');

  it('reads renames, binary files, deletions and content that looks like headers', () => {
    const files = parseUnifiedDiff(diff);
    expect(files.map((file) => [file.path, file.oldPath, file.status, file.binary, file.additions, file.deletions])).toEqual([
      ['new name.txt', 'old name.txt', 'renamed', false, 1, 1],
      ['logo.png', null, 'added', true, 0, 0],
      ['gone.txt', null, 'deleted', false, 0, 1],
    ]);
    expect(files[0]!.hunks[0]!.lines.map((line) => line.kind)).toEqual(['context', 'delete', 'add']);
    expect(files[0]!.hunks[0]!.lines[1]!.text).toBe('-- dashes removed');
    expect(files[2]!.hunks[0]!.lines[1]).toEqual({ kind: 'note', text: 'No newline at end of file', oldLine: null, newLine: null });
  });

  it('cuts a long file at the limit but keeps counting', () => {
    const long = ['diff --git a/big.txt b/big.txt', '--- a/big.txt', '+++ b/big.txt', '@@ -0,0 +1,50 @@', ...Array.from({ length: 50 }, (_, index) => `+${index}`)].join('\n');
    const [file] = parseUnifiedDiff(long, { linesPerFile: 10, totalLines: 100 });
    expect(file!.hunks[0]!.lines).toHaveLength(10);
    expect(file!.additions).toBe(50);
    expect(file!.truncated).toBe(true);
  });
});
