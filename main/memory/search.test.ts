import { describe, expect, it } from 'vitest';
import { SearchIndex, searchFiles, type SearchableFile } from './search';

const file = (name: string, text: string, modifiedMs = 0): SearchableFile => ({ name, kind: 'other', text, modifiedMs });

describe('searchFiles', () => {
  const files = [
    file('feedback_success_migrations.md', '# Migrations\nRun the SQL migration before the UI.\nMIGRATION order matters.', 2),
    file('feedback_correction_quotes.md', "Never paste '\"'\"' artifacts into SQL.", 3),
    file('project_Windows版#67.md', '# 状態\nAllen AI の移行は完了。', 1),
    file('user_me.md', 'I own lib/ and the migration UI.', 4),
  ];

  it('finds every word in any case and marks where it matched', () => {
    const result = searchFiles(files, 'migration ui', { limit: 10 });
    expect(result.hits.map((hit) => hit.name)).toEqual(['feedback_success_migrations.md', 'user_me.md']);
    const first = result.hits[0]!;
    expect(first.lines[0]).toEqual({ line: 1, text: '# Migrations', ranges: [[2, 11]] });
    expect(first.lines[1]).toEqual({ line: 2, text: 'Run the SQL migration before the UI.', ranges: [[12, 21], [33, 35]] });
    expect(first.lines[2]!.ranges).toEqual([[0, 9]]);
    expect(first.matches).toBe(4);
  });

  it('searches non-ASCII text and file names', () => {
    expect(searchFiles(files, '移行', { limit: 10 }).hits[0]).toMatchObject({ name: 'project_Windows版#67.md', lines: [{ line: 2, ranges: [[10, 12]] }] });
    expect(searchFiles(files, 'Windows版', { limit: 10 }).hits.map((hit) => hit.name)).toEqual(['project_Windows版#67.md']);
  });

  it('treats the query as text, not as a pattern', () => {
    expect(searchFiles(files, "'\"'\"'", { limit: 10 }).hits.map((hit) => hit.name)).toEqual(['feedback_correction_quotes.md']);
    expect(searchFiles(files, '.*', { limit: 10 }).hits).toEqual([]);
    expect(searchFiles(files, '   ', { limit: 10 })).toEqual({ query: '   ', hits: [], truncated: false });
  });

  it('limits the files returned and says so', () => {
    const many = Array.from({ length: 30 }, (_, index) => file(`f${index}.md`, 'needle'));
    const result = searchFiles(many, 'needle', { limit: 5 });
    expect(result.hits).toHaveLength(5);
    expect(result.truncated).toBe(true);
  });

  it('orders the files it returns as all the matches ordered: name first, then more matches, then newer, then by name', () => {
    // Ties on every key but the name, and files in no particular order, so no shortcut can pass.
    const shuffled = Array.from({ length: 200 }, (_, index) => (index * 73) % 200).map((index) =>
      file(`${index % 17 === 0 ? 'needle_' : ''}f${String(index).padStart(3, '0')}.md`, 'needle '.repeat(1 + (index % 5)), index % 7),
    );
    const key = (hit: { name: string }) => {
      const source = shuffled.find((candidate) => candidate.name === hit.name)!;
      return [source.name.startsWith('needle_') ? 1 : 0, (source.text.match(/needle/g) ?? []).length, source.modifiedMs, hit.name] as const;
    };
    const all = searchFiles(shuffled, 'needle', { limit: 500 });
    expect(all.hits).toHaveLength(200);
    expect(all.truncated).toBe(false);
    for (let at = 1; at < all.hits.length; at += 1) {
      const [nameA, matchesA, modifiedA, a] = key(all.hits[at - 1]!);
      const [nameB, matchesB, modifiedB, b] = key(all.hits[at]!);
      const ordered = nameA !== nameB ? nameA > nameB : matchesA !== matchesB ? matchesA > matchesB : modifiedA !== modifiedB ? modifiedA > modifiedB : a < b;
      expect(ordered, `${a} before ${b}`).toBe(true);
    }
    for (const limit of [1, 7, 12, 199]) {
      const some = searchFiles(shuffled, 'needle', { limit });
      expect(some.hits.map((hit) => hit.name)).toEqual(all.hits.slice(0, limit).map((hit) => hit.name));
      expect(some.truncated).toBe(true);
    }
  });

  it('cuts long lines around the match and keeps the highlight on it', () => {
    const long = `${'x'.repeat(500)} needle ${'y'.repeat(500)}`;
    const hit = searchFiles([file('long.md', long)], 'needle', { limit: 1 }).hits[0]!;
    const line = hit.lines[0]!;
    expect(line.text.length).toBeLessThan(260);
    const [start, end] = line.ranges[0]!;
    expect(line.text.slice(start, end)).toBe('needle');
  });

  it('counts a word inside longer words and across lines, as in the whole text', () => {
    const hit = searchFiles([file('a.md', 'aaaa\tbanana,banana\r\nANA  ana')], 'ana', { limit: 1 }).hits[0]!;
    // "aaaa" none, "banana,banana" 2 (non-overlapping per word), "ana" twice more.
    expect(hit.matches).toBe(4);
  });
});

describe('SearchIndex', () => {
  it('follows files that change, appear and disappear between syncs', () => {
    const index = new SearchIndex();
    const first = file('user_a.md', 'alpha beta', 1);
    const second = file('user_b.md', 'beta gamma', 2);
    index.sync([first, second]);
    expect(index.search('beta', { limit: 10 }).hits.map((hit) => hit.name)).toEqual(['user_b.md', 'user_a.md']);

    const changed = file('user_a.md', 'delta delta', 3);
    const third = file('user_c.md', 'alphabeta', 4);
    index.sync([changed, third]);
    expect(index.search('beta', { limit: 10 }).hits.map((hit) => hit.name)).toEqual(['user_c.md']);
    expect(index.search('alpha', { limit: 10 }).hits.map((hit) => hit.name)).toEqual(['user_c.md']);
    expect(index.search('delta', { limit: 10 }).hits).toMatchObject([{ name: 'user_a.md', matches: 2 }]);
    expect(index.search('gamma', { limit: 10 }).hits).toEqual([]);

    // A slot freed by a removed file is reused without mixing the old file's words in.
    index.sync([changed, third, file('user_d.md', 'epsilon', 5)]);
    expect(index.search('epsilon', { limit: 10 }).hits.map((hit) => hit.name)).toEqual(['user_d.md']);
    expect(index.search('gamma', { limit: 10 }).hits).toEqual([]);
  });

  it('finds a file by its name even when no word of its text matches', () => {
    const index = new SearchIndex().sync([file('feedback_success_deploys.md', 'nothing here'), file('user_x.md', 'deploys twice')]);
    expect(index.search('deploys', { limit: 10 }).hits.map((hit) => [hit.name, hit.matches])).toEqual([
      ['feedback_success_deploys.md', 0],
      ['user_x.md', 1],
    ]);
  });

  it('indexes in steps, and drops files that are gone only once every file was seen', () => {
    const index = new SearchIndex();
    const files = ['a', 'b', 'c', 'd', 'e'].map((letter, at) => file(`user_${letter}.md`, `word ${letter}`, at));
    expect(index.syncSome(files, 2)).toBe(false);
    expect(index.search('word', { limit: 10 }).hits).toHaveLength(2);
    expect(index.syncSome(files, 2)).toBe(false);
    expect(index.syncSome(files, 2)).toBe(true);
    expect(index.search('word', { limit: 10 }).hits).toHaveLength(5);

    const fewer = [files[0]!, file('user_b.md', 'other', 9)];
    expect(index.syncSome(fewer, 1)).toBe(true);
    expect(index.search('word', { limit: 10 }).hits.map((hit) => hit.name)).toEqual(['user_a.md']);
    expect(index.search('other', { limit: 10 }).hits.map((hit) => hit.name)).toEqual(['user_b.md']);
  });
});
