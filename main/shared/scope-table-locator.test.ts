import { describe, expect, it } from 'vitest';
import { markdownTables, splitLines } from './markdown-table';
import { locateScopeTable } from './scope-table-locator';

function rowsOf(text: string): string[][] | null {
  const table = locateScopeTable(text);
  return table && table.rows.map((row) => [...row.cells]);
}

describe('locateScopeTable, the one rule for where the scope table is', () => {
  it('finds a table under "## Zones", with its lines', () => {
    const text = '# State\n\n## Zones\n\n| Who | What |\n|---|---|\n| A | lib/ |\n| B | web/ |\n\nAfter.\n';
    const table = locateScopeTable(text);
    expect(table).toMatchObject({ startLine: 4, endLine: 8, heading: 'Zones', header: ['Who', 'What'] });
    expect(splitLines(text).slice(table!.startLine, table!.endLine).join('')).toBe('| Who | What |\n|---|---|\n| A | lib/ |\n| B | web/ |\n');
  });

  it('ignores a table inside a fenced code block', () => {
    const fenced = '## Instance Scope Table\n```md\n| Instance | Owned Files |\n|---|---|\n| A | lib/ |\n```\n';
    expect(locateScopeTable(fenced)).toBeNull();
    expect(rowsOf(`${fenced}\n| Instance | Owned Files |\n|---|---|\n| B | web/ |\n`)).toEqual([['B', 'web/']]);
  });

  it('picks the scope table among two tables, whichever comes first', () => {
    const providers = '## Providers\n| Key | Value |\n|---|---|\n| a | b |\n';
    const scope = '## Instance Scope Table\n| Instance | Owned Files |\n|---|---|\n| X | lib/ |\n';
    expect(rowsOf(`${providers}\n${scope}`)).toEqual([['X', 'lib/']]);
    expect(rowsOf(`${scope}\n${providers}`)).toEqual([['X', 'lib/']]);
    expect(locateScopeTable(providers)).toBeNull();
  });

  it('reads escaped pipes inside a cell as part of it', () => {
    expect(rowsOf('## Zones\n| Instance | Files |\n|---|---|\n| A \\| B | `lib/{a\\|b}/` |\n')).toEqual([['A | B', '`lib/{a|b}/`']]);
  });

  it('gives line indexes of the text as written, with CRLF and a BOM', () => {
    const text = '\uFEFF# S\r\n\r\n## Zones\r\n| Instance | Files |\r\n|---|---|\r\n| A | lib/ |\r\n\r\nnote\r\n';
    const table = locateScopeTable(text)!;
    expect(splitLines(text).slice(table.startLine, table.endLine).join('')).toBe('| Instance | Files |\r\n|---|---|\r\n| A | lib/ |\r\n');
    expect(table.rows).toEqual([{ line: 5, cells: ['A', 'lib/'] }]);
  });

  it('ends the table before a line of prose right below it, which GFM would count as a row', () => {
    const text = '## Instance Scope Table\n| Instance | Owned Files |\n|---|---|\n| A | lib/ |\nA may also write docs/.\n';
    expect(locateScopeTable(text)).toMatchObject({ startLine: 1, endLine: 4 });
  });

  it('leaves tables in lists and quotes alone, and reads setext headings', () => {
    expect(markdownTables('> | Instance | Files |\n> |---|---|\n> | A | lib/ |\n')).toEqual([]);
    expect(markdownTables('Owners\n======\n| a | b |\n|---|---|\n')[0]).toMatchObject({ heading: 'Owners', rows: [] });
  });
});
