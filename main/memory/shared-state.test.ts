import { describe, expect, it } from 'vitest';
import { SCOPE_TABLE_PLACEHOLDER, editableText, joinScopeTable, splitScopeTable } from './shared-state';

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
