import { describe, expect, it } from 'vitest';
import { SCOPE_TABLE_PLACEHOLDER, editableText, joinScopeTable, splitScopeTable } from './shared-state';

const TABLE = '## Instance Scope Table\r\n| Instance | Owned Files |\r\n|---|---|\r\n| VSCode | lib/ |\r\n\r\n';
const FILE = `\uFEFF## Current Snapshot (as of Windows版#67)\r\n- pages: 219\r\n\r\n${TABLE}## Notes\r\n- keep it short\r\n`;

describe('splitScopeTable', () => {
  it('cuts out the section up to the next heading of the same level, byte for byte', () => {
    const split = splitScopeTable(FILE);
    expect(split.table).toBe(TABLE);
    expect(split.before + split.table + split.after).toBe(FILE);
  });

  it('keeps sub-headings inside the section and ignores headings in code blocks', () => {
    const text = '# State\n## Instance Scope Table\n### Rules\nx\n```\n# not a heading\n```\n## Next\nafter\n';
    const split = splitScopeTable(text);
    expect(split.table).toBe('## Instance Scope Table\n### Rules\nx\n```\n# not a heading\n```\n');
    expect(split.after).toBe('## Next\nafter\n');
  });

  it('takes the rest of the file when the table is last, and nothing when there is none', () => {
    expect(splitScopeTable('# A\n## Instance Scope Table\n| a |').table).toBe('## Instance Scope Table\n| a |');
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
    expect(saved).toContain(TABLE);
    expect(saved).toContain('pages: 220');
    expect(saved).toContain('keep it shorter');
  });

  it('refuses an edit that dropped or doubled the placeholder', () => {
    expect(() => joinScopeTable('# no placeholder\n', TABLE)).toThrow(/placeholder line/);
    expect(() => joinScopeTable(`${SCOPE_TABLE_PLACEHOLDER}\n${SCOPE_TABLE_PLACEHOLDER}\n`, TABLE)).toThrow(/exactly once/);
    expect(() => joinScopeTable(`${SCOPE_TABLE_PLACEHOLDER}\n`, null)).toThrow(/no Instance Scope Table/);
  });
});
