import { describe, expect, it } from 'vitest';
import { searchFiles, type SearchableFile } from './search';

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

  it('cuts long lines around the match and keeps the highlight on it', () => {
    const long = `${'x'.repeat(500)} needle ${'y'.repeat(500)}`;
    const hit = searchFiles([file('long.md', long)], 'needle', { limit: 1 }).hits[0]!;
    const line = hit.lines[0]!;
    expect(line.text.length).toBeLessThan(260);
    const [start, end] = line.ranges[0]!;
    expect(line.text.slice(start, end)).toBe('needle');
  });
});
