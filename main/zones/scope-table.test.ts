import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseScopeTable, writeScopeTable } from './scope-table';

// The field report's own shared-state excerpt, copied from the article as it prints it.
const FIELD_REPORT = readFileSync(path.join(__dirname, 'fixtures', 'field-report-shared-state.md'), 'utf8');

describe('the Instance Scope Table', () => {
  it('reads the field report table', () => {
    expect(FIELD_REPORT).toContain('| VSCode | lib/, supabase/functions/ |');
    const table = parseScopeTable(FIELD_REPORT);
    expect(table.found).toBe(true);
    expect(table.problems).toEqual([]);
    expect(table.rows.map(({ instance, zones }) => ({ instance, zones }))).toEqual([
      { instance: 'VSCode', zones: ['lib/', 'supabase/functions/'] },
      { instance: 'Windows', zones: ['docs/', 'supabase/migrations/'] },
      { instance: 'PowerShell', zones: ['.github/workflows/'] },
    ]);
  });

  it('writes the same zones back byte for byte', () => {
    const rows = parseScopeTable(FIELD_REPORT).rows.map(({ instance, zones }) => ({ name: instance, zones }));
    expect(writeScopeTable(FIELD_REPORT, rows)).toBe(FIELD_REPORT);
  });

  it('changes only the rows that change, and leaves the rest of the file alone', () => {
    const next = writeScopeTable(FIELD_REPORT, [
      { name: 'VSCode', zones: ['lib/', 'supabase/functions/', 'web/'] },
      { name: 'Windows', zones: ['docs/', 'supabase/migrations/'] },
      { name: 'QA', zones: ['test/'] },
    ]);
    expect(next).toBe(
      FIELD_REPORT.replace('| VSCode | lib/, supabase/functions/ |', '| VSCode | lib/, supabase/functions/, web/ |').replace(
        '| PowerShell | .github/workflows/ |',
        '| QA | test/ |',
      ),
    );
    expect(parseScopeTable(next).rows.map((row) => row.instance)).toEqual(['VSCode', 'Windows', 'QA']);
  });

  it('reads a table in another language, with backticks, bold names, <br> and notes, and keeps CRLF and a BOM', () => {
    const text = [
      '\uFEFF# 共有状態',
      '',
      '## インスタンス担当表',
      '',
      '| インスタンス | 担当ファイル |',
      '|:---|:---|',
      '| **Windows版#67** | `docs/`、`supabase/migrations/` |',
      '| PS版 | `.github/workflows/` (CI)<br>`scripts/` |',
      '| 空 | |',
      '',
      '最後の行',
      '',
    ].join('\r\n');
    const table = parseScopeTable(text);
    expect(table.rows.map(({ instance, zones }) => ({ instance, zones }))).toEqual([
      { instance: 'Windows版#67', zones: ['docs/', 'supabase/migrations/'] },
      { instance: 'PS版', zones: ['.github/workflows/', 'scripts/'] },
      { instance: '空', zones: [] },
    ]);
    const next = writeScopeTable(text, [
      { name: 'Windows版#67', zones: ['docs/', 'supabase/migrations/'] },
      { name: 'PS版', zones: ['.github/'] },
    ]);
    expect(next).toBe(text.replace('| PS版 | `.github/workflows/` (CI)<br>`scripts/` |\r\n| 空 | |\r\n', '| PS版 | `.github/` |\r\n'));
    expect(next.startsWith('\uFEFF')).toBe(true);
  });

  it('reports what it could not understand instead of guessing', () => {
    const text = '## Instance Scope Table\n| Instance | Owned Files |\n|---|---|\n| A | ../outside/, lib/ |\n| | web/ |\n';
    const table = parseScopeTable(text);
    expect(table.rows.map(({ instance, zones }) => ({ instance, zones }))).toEqual([{ instance: 'A', zones: ['lib/'] }]);
    expect(table.problems).toEqual([
      'Line 4 (A): `../outside/` uses `..`; zones must stay inside the repository; it was skipped.',
      'Line 5 has no instance name in its first column; it was skipped.',
    ]);
  });

  it('picks the scope table among other tables', () => {
    const text = '## Providers\n| Key | Value |\n|---|---|\n| a | b |\n\n## Instance Scope Table\n| Instance | Owned Files |\n|---|---|\n| X | lib/ |\n';
    expect(parseScopeTable(text).rows.map((row) => row.instance)).toEqual(['X']);
    const table = parseScopeTable('## Providers\n| Key | Value |\n|---|---|\n| provider | Allen AI |\n');
    expect(table.found).toBe(false);
  });

  it('appends a table to a file without one, and creates one from nothing', () => {
    const text = '# State\n\nSome notes.\n';
    expect(writeScopeTable(text, [{ name: 'A', zones: ['lib/'] }])).toBe(
      '# State\n\nSome notes.\n\n## Instance Scope Table\n| Instance | Owned Files |\n|----------|-------------|\n| A | lib/ |\n',
    );
    expect(writeScopeTable(null, [{ name: 'A', zones: [] }])).toBe('## Instance Scope Table\n| Instance | Owned Files |\n|----------|-------------|\n| A |  |\n');
  });

  it('keeps a table at the very end of a file without a final newline', () => {
    const text = '## Instance Scope Table\n| Instance | Owned Files |\n|---|---|\n| A | lib/ |';
    expect(writeScopeTable(text, [{ name: 'A', zones: ['lib/'] }])).toBe(text);
    expect(writeScopeTable(text, [{ name: 'A', zones: ['web/'] }])).toBe('## Instance Scope Table\n| Instance | Owned Files |\n|---|---|\n| A | web/ |');
  });

  it('edits a table under "## Zones", and leaves one in a fenced code block alone', () => {
    const example = '```md\n| Instance | Owned Files |\n|---|---|\n| Example | x/ |\n```\n';
    const text = `# State\n${example}\n## Zones\n| Instance | Owned Files |\n|---|---|\n| A | lib/ |\n\nNotes below.\n`;
    expect(parseScopeTable(text).rows.map(({ instance, zones }) => ({ instance, zones }))).toEqual([{ instance: 'A', zones: ['lib/'] }]);
    expect(writeScopeTable(text, [{ name: 'A', zones: ['web/'] }])).toBe(text.replace('| A | lib/ |', '| A | web/ |'));
    expect(parseScopeTable(example).found).toBe(false);
  });

  it('keeps an escaped pipe inside a name, and a line of prose right below the table', () => {
    const text = '## Instance Scope Table\n| Instance | Owned Files |\n|---|---|\n| A \\| B | lib/ |\nA and B share lib/.\n';
    expect(parseScopeTable(text).rows.map(({ instance, zones }) => ({ instance, zones }))).toEqual([{ instance: 'A | B', zones: ['lib/'] }]);
    expect(writeScopeTable(text, [{ name: 'A | B', zones: ['lib/', 'web/'] }])).toBe(text.replace('| A \\| B | lib/ |', '| A \\| B | lib/, web/ |'));
  });
});
