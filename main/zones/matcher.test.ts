import { describe, expect, it } from 'vitest';
import { compileGroups, compilePatterns, normalizeRepoPath, patternProblem } from './matcher';
import { ZoneSet, defaultCommonZones } from './zone-set';

type Case = readonly [pattern: string, path: string, expected: boolean, ignoreCase?: boolean];

const cases: readonly Case[] = [
  // Folders with and without a trailing slash own themselves and everything below.
  ['lib/', 'lib/main.dart', true],
  ['lib', 'lib/main.dart', true],
  ['lib', 'lib', true],
  ['lib/', 'lib', true],
  ['lib', 'libs/main.dart', false],
  ['lib', 'src/lib/main.dart', false],
  ['supabase/functions/', 'supabase/functions/hello/index.ts', true],
  ['supabase/functions/', 'supabase/migrations/001.sql', false],
  ['./lib/', 'lib/a.dart', true],
  ['/lib/', 'lib/a.dart', true],
  // A plain file.
  ['a/b/c', 'a/b/c/d/e.txt', true],
  ['a/b/c', 'a/b/c', true],
  ['a/b/c', 'a/b', false],
  ['a/b/c', 'a/b/cd/e', false],
  ['COMPRESSED_PROMPT_V3.md', 'COMPRESSED_PROMPT_V3.md', true],
  ['COMPRESSED_PROMPT_V3.md', 'COMPRESSED_PROMPT_V3.md.bak', false],
  // Globs.
  ['src/*.ts', 'src/a.ts', true],
  ['src/*.ts', 'src/deep/a.ts', false],
  ['src/**/*.ts', 'src/a.ts', true],
  ['src/**/*.ts', 'src/deep/er/a.ts', true],
  ['src/**/*.ts', 'src/deep/a.tsx', false],
  ['src/**', 'src/x/y', true],
  ['src/**', 'srcx/y', false],
  ['**/*.md', 'README.md', true],
  ['**/*.md', 'docs/a/b.md', true],
  ['*.md', 'docs/b.md', false],
  ['packages/*', 'packages/app/src/index.ts', true],
  ['packages/*/', 'packages/app/src/index.ts', true],
  ['docs/{api,guide}/', 'docs/guide/intro.md', true],
  ['docs/{api,guide}/', 'docs/blog/intro.md', false],
  ['file?.txt', 'file1.txt', true],
  ['file?.txt', 'file10.txt', false],
  ['[ab]*.txt', 'a1.txt', true],
  ['[!ab]*.txt', 'a1.txt', false],
  ['[!ab]*.txt', 'c1.txt', true],
  ['a+b(c)/', 'a+b(c)/x', true],
  ['a.b/', 'axb/x', false],
  // Dotfiles are owned like any file.
  ['.github/workflows/', '.github/workflows/ci.yml', true],
  ['.github/', '.github/dependabot.yml', true],
  ['*', '.env', true],
  ['config/*', 'config/.secret', true],
  ['**/*.yml', '.github/workflows/ci.yml', true],
  // Case.
  ['Lib/', 'lib/a.dart', false],
  ['Lib/', 'lib/a.dart', true, true],
  ['src/*.TS', 'src/a.ts', true, true],
  ['src/*.TS', 'src/a.ts', false],
  // Windows separators in patterns and paths.
  ['supabase\\functions\\', 'supabase/functions/a.ts', true],
  ['lib/', 'lib\\main.dart', true],
  ['src/**/*.ts', 'src\\x\\y.ts', true],
  // Non-ASCII names, composed or decomposed.
  ['docs/版/', 'docs/版/a.md', true],
  ['Windows版#67/', 'Windows版#67/notes.md', true],
  ['café/', 'cafe\u0301/menu.md', true],
  ['cafe\u0301/*.md', 'café/menu.md', true],
  ['données/**/*.txt', 'données/a/b.txt', true],
];

describe('the zone matcher', () => {
  const rows = cases.map(([pattern, path, expected, ignoreCase]) => ({ pattern, path, expected, ignoreCase: ignoreCase === true }));
  it.each(rows)('$pattern against $path is $expected (ignore case: $ignoreCase)', ({ pattern, path, expected, ignoreCase }) => {
    const test = compilePatterns([pattern], { ignoreCase });
    expect(test(normalizeRepoPath(path))).toBe(expected);
  });

  it.each([
    ['', 'is empty'],
    ['   ', 'is empty'],
    ['../web/', 'uses `..`; zones must stay inside the repository'],
    ['lib/../../x', 'uses `..`; zones must stay inside the repository'],
    ['C:\\repo\\lib', 'is an absolute path; zones are relative to the repository root'],
    ['**', 'would own the whole repository'],
    ['/', 'would own the whole repository'],
    ['docs/{api,guide/', 'is not a valid glob (check its brackets and braces)'],
  ] as const)('refuses the pattern %j: %s', (pattern, problem) => {
    expect(patternProblem(pattern)).toBe(problem);
  });

  it('skips a broken pattern instead of owning everything with it', () => {
    const test = compilePatterns(['../', 'lib/']);
    expect(test('lib/a')).toBe(true);
    expect(test('web/a')).toBe(false);
  });

  it('answers for many groups at once, overlaps included', () => {
    const groups = compileGroups([['lib/', 'a/b/c/'], ['lib/x/**', 'docs/'], ['**/*.md']]);
    expect(groups('lib/x/y.md')).toBe(0b111);
    expect(groups('a/b/c/d')).toBe(0b001);
    expect(groups('docs/a.txt')).toBe(0b010);
    expect(groups('web/a.txt')).toBe(0);
  });

  it('owns nothing with no patterns', () => {
    expect(compilePatterns([])('lib/a')).toBe(false);
  });

  it('normalizes paths the way git writes them', () => {
    expect(normalizeRepoPath('.\\lib\\\\a.dart')).toBe('lib/a.dart');
    expect(normalizeRepoPath('/docs/')).toBe('docs');
  });
});

describe('a zone set', () => {
  const set = new ZoneSet(
    [
      { name: 'VSCode', zones: ['lib/', 'supabase/functions/'] },
      { name: 'Windows', zones: ['docs/', 'supabase/migrations/'] },
      { name: 'PowerShell', zones: ['.github/workflows/', 'docs/ci/'] },
    ],
    defaultCommonZones({ sharedState: 'COMPRESSED_PROMPT_V3.md', requests: 'docs/cross-instance-prs', memory: 'memory' }),
  );

  it('names every owner of a path', () => {
    expect(set.ownersOf('lib/main.dart')).toEqual(['VSCode']);
    expect(set.ownersOf('docs/ci/github.yml')).toEqual(['Windows', 'PowerShell']);
    expect(set.ownersOf('README.md')).toEqual([]);
  });

  it('lets an instance write its zone and the common paths only', () => {
    expect(set.mayWrite('VSCode', 'lib/a.dart')).toBe(true);
    expect(set.mayWrite('VSCode', 'docs/a.md')).toBe(false);
    expect(set.mayWrite('VSCode', 'docs/cross-instance-prs/20260413_x.md')).toBe(true);
    expect(set.mayWrite('VSCode', 'memory/MEMORY.md')).toBe(true);
    expect(set.mayWrite('VSCode', 'COMPRESSED_PROMPT_V3.md')).toBe(true);
    expect(set.mayWrite('Nobody', 'lib/a.dart')).toBe(false);
  });
});
