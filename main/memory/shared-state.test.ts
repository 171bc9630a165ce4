import { describe, expect, it } from 'vitest';
import { SCOPE_TABLE_PLACEHOLDER, editableText, joinScopeTable, splitScopeTable, withDecision } from './shared-state';

const ROWS = '| Instance | Owned Files |\r\n|---|---|\r\n| VSCode | lib/ |\r\n';
const TABLE = `## Instance Scope Table\r\n${ROWS}\r\n`;
const FILE = `\uFEFF## Current Snapshot (as of Windows版#67)\r\n- pages: 219\r\n\r\n${TABLE}## Notes\r\n- keep it short\r\n`;

describe('splitScopeTable', () => {
  it('cuts out the table itself, byte for byte, leaving its heading and the notes below it editable', () => {
    const split = splitScopeTable(FILE);
    expect(split.table).toBe(ROWS);
    expect(split.before.endsWith('## Instance Scope Table\r\n')).toBe(true);
    expect(split.after.startsWith('\r\n## Notes')).toBe(true);
    expect(split.before + split.table + split.after).toBe(FILE);
  });

  it('finds the table the zones edit: under "## Zones" too, and not in a code block', () => {
    const zones = '# State\n```\n| Instance | Owned Files |\n|---|---|\n| Fake | x/ |\n```\n## Zones\n| Who | Files |\n|---|---|\n| A | lib/ |\nNotes after the table.\n';
    const split = splitScopeTable(zones);
    expect(split.table).toBe('| Who | Files |\n|---|---|\n| A | lib/ |\n');
    expect(split.after).toBe('Notes after the table.\n');
    expect(joinScopeTable(editableText(split, '\n'), split.table)).toBe(zones);
  });

  it('takes a table that ends the file without a newline, and nothing when there is none', () => {
    expect(splitScopeTable('# A\n## Instance Scope Table\n| Instance | Owned Files |\n|---|---|\n| a | b/ |').table).toBe('| Instance | Owned Files |\n|---|---|\n| a | b/ |');
    expect(splitScopeTable('# A\nno table\n')).toEqual({ before: '# A\nno table\n', table: null, after: '' });
  });
});

describe('editing around the table', () => {
  it('gives back the same bytes when nothing was edited', () => {
    const split = splitScopeTable(FILE);
    const editable = editableText(split, '\r\n');
    expect(editable).toContain(SCOPE_TABLE_PLACEHOLDER);
    expect(editable).not.toContain('| VSCode |');
    expect(joinScopeTable(editable, split.table)).toBe(FILE);
  });

  it('puts the current table back unchanged around edits', () => {
    const split = splitScopeTable(FILE);
    const edited = editableText(split, '\r\n').replace('pages: 219', 'pages: 220').replace('keep it short', 'keep it shorter');
    const saved = joinScopeTable(edited, split.table);
    expect(saved).toContain(ROWS);
    expect(saved).toContain('pages: 220');
    expect(saved).toContain('keep it shorter');
  });

  it('refuses an edit that dropped or doubled the placeholder', () => {
    expect(() => joinScopeTable('# no placeholder\n', ROWS)).toThrow(/placeholder line/);
    expect(() => joinScopeTable(`${SCOPE_TABLE_PLACEHOLDER}\n${SCOPE_TABLE_PLACEHOLDER}\n`, ROWS)).toThrow(/exactly once/);
    expect(() => joinScopeTable(`${SCOPE_TABLE_PLACEHOLDER}\n`, null)).toThrow(/no Instance Scope Table/);
  });
});

describe('withDecision', () => {
  it('adds a Decisions section at the end of a file without one, in its line ends, keeping the table', () => {
    const next = withDecision(FILE, 'Use Supabase RLS for every new table', '2026-04-13 10:00');
    expect(next).toBe(`${FILE}\r\n## Decisions\r\n\r\n- 2026-04-13 10:00 — Use Supabase RLS for every new table\r\n`);
    expect(splitScopeTable(next).table).toBe(ROWS);
    expect(withDecision('', 'First', '2026-04-13 10:00')).toBe('## Decisions\n\n- 2026-04-13 10:00 — First\n');
  });

  it('appends to the end of an existing section, before the next heading, every other byte kept', () => {
    const file = `# State\n## Decisions\n- 2026-04-12 09:00 — Dart 3 only\n\n## Instance Scope Table\n${ROWS.replace(/\r\n/g, '\n')}\n## Notes\n- short\n`;
    const next = withDecision(file, 'No new packages', '2026-04-13 10:00');
    expect(next).toBe(file.replace('Dart 3 only\n', 'Dart 3 only\n- 2026-04-13 10:00 — No new packages\n'));
    // The scope table above the section does not end it.
    const tableFirst = `# State\n## Instance Scope Table\n${ROWS.replace(/\r\n/g, '\n')}\n## Decisions\n- a\n\n## Notes\n`;
    expect(withDecision(tableFirst, 'b', 'now')).toBe(tableFirst.replace('- a\n', '- a\n- now — b\n'));
    const tight = '## Decisions\n- a\n## Notes\n';
    expect(withDecision(tight, 'b', 'now')).toBe('## Decisions\n- a\n- now — b\n\n## Notes\n');
    expect(withDecision('## Decisions\n', 'b', 'now')).toBe('## Decisions\n\n- now — b\n');
  });

  it('stops the section where the scope table starts when the table has no heading of its own', () => {
    const file = `## Decisions\n- a\n\n${ROWS.replace(/\r\n/g, '\n')}`;
    const next = withDecision(file, 'b', 'now');
    expect(next).toBe(`## Decisions\n- a\n- now — b\n\n${ROWS.replace(/\r\n/g, '\n')}`);
    expect(splitScopeTable(next).table).toBe(splitScopeTable(file).table);
  });
});
