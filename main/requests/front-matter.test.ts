import { describe, expect, it } from 'vitest';
import { isLanesError } from '../shared/errors';
import { composeRequest, fileDate, slugify } from './compose';
import { withFields, withStatus } from './front-matter';
import { parseDocument } from 'yaml';
import { parseRequestFile, splitFrontMatter } from './parse';

const BODY = '# Allen AI (Windows#67 → VSCode)\n## What to add\n| Key | Value |\n|-----|-------|\n| a | b |\n';

describe('withStatus', () => {
  it('adds front matter only when needed, and removes it again on the way back', () => {
    const inProgress = withStatus(BODY, 'in-progress', 'a.md');
    expect(inProgress).toBe(`---\nstatus: in-progress\n---\n${BODY}`);
    expect(withStatus(inProgress, null, 'a.md')).toBe(BODY);
    expect(withStatus(BODY, null, 'a.md')).toBe(BODY);
  });

  it('changes only the status line and keeps the other lines byte for byte', () => {
    const text = '---\n# a comment\nfrom:   Windows   # odd spacing\nstatus: blocked\npriority: "high"\n---\n' + BODY;
    const next = withStatus(text, 'in-progress', 'a.md');
    expect(next).toBe('---\n# a comment\nfrom:   Windows   # odd spacing\nstatus: in-progress\npriority: "high"\n---\n' + BODY);
    expect(withStatus(next, null, 'a.md')).toBe('---\n# a comment\nfrom:   Windows   # odd spacing\npriority: "high"\n---\n' + BODY);
  });

  it('appends a status line to front matter that has none', () => {
    expect(withStatus(`---\npriority: low\n---\n${BODY}`, 'blocked', 'a.md')).toBe(`---\npriority: low\nstatus: blocked\n---\n${BODY}`);
  });

  it('keeps CRLF line ends', () => {
    const crlf = BODY.replace(/\n/g, '\r\n');
    const next = withStatus(crlf, 'blocked', 'a.md');
    expect(next).toBe(`---\r\nstatus: blocked\r\n---\r\n${crlf}`);
    expect(withStatus(next, null, 'a.md')).toBe(crlf);
  });

  it('replaces a status written over several lines', () => {
    const text = `---\nstatus:\n  - odd\n  - list\nto: VSCode\n---\n${BODY}`;
    expect(withStatus(text, 'blocked', 'a.md')).toBe(`---\nstatus: blocked\nto: VSCode\n---\n${BODY}`);
  });

  it('refuses front matter it cannot read, with a malformed-file error', () => {
    let caught: unknown;
    try {
      withStatus(`---\nstatus: [open\n---\n${BODY}`, 'blocked', '`a.md`');
    } catch (error) {
      caught = error;
    }
    expect(isLanesError(caught) && caught.code).toBe('malformed-file');
  });
});

describe('withFields: the matrix writes urgency and importance', () => {
  const matrix = (urgency: string | null, importance: string | null) => ({ urgency, importance });

  it('adds both keys to a file without front matter, and removes the front matter again', () => {
    const placed = withFields(BODY, matrix('high', 'low'), 'a.md');
    expect(placed).toBe(`---\nurgency: high\nimportance: low\n---\n${BODY}`);
    expect(withFields(placed, matrix(null, null), 'a.md')).toBe(BODY);
  });

  it('changes only those lines, keeps every other byte, CRLF included, and the order of the keys', () => {
    const text = '---\r\n# why: the client asked\r\nimportance:   LOW # odd spacing\r\nstatus: blocked\r\nblocked_by:\r\n  - 20260412_schema.md\r\nurgency: low\r\n---\r\n' + BODY.replace(/\n/g, '\r\n');
    const next = withFields(text, matrix('high', 'high'), 'a.md');
    expect(next).toBe('---\r\n# why: the client asked\r\nimportance: high\r\nstatus: blocked\r\nblocked_by:\r\n  - 20260412_schema.md\r\nurgency: high\r\n---\r\n' + BODY.replace(/\n/g, '\r\n'));
    // A key that already says its value is left as written.
    expect(withFields(text, matrix('low', 'low'), 'a.md')).toBe(text);
    expect(parseRequestFile(Buffer.from(next), '20260413_a.md', false)).toMatchObject({ urgency: 'high', importance: 'high', status: 'blocked', blockedBy: ['20260412_schema.md'] });
  });

  it('appends a missing key after the last line even when it has no line end', () => {
    expect(withFields(`---\nstatus: blocked\n---\n${BODY}`, matrix('low', 'high'), 'a.md')).toBe(`---\nstatus: blocked\nurgency: low\nimportance: high\n---\n${BODY}`);
  });

  it('refuses front matter it cannot read and leaves the text alone', () => {
    expect(() => withFields(`---\nurgency: [high\n---\n${BODY}`, matrix('low', 'low'), '`a.md`')).toThrow(/fix the front matter by hand first/);
  });
});

describe('front matter is read as YAML reads it', () => {
  // A hand-written fast path for `key: value` lines took both of these as plain text.
  it('refuses a value YAML refuses: a colon and a space inside a plain value', () => {
    const request = parseRequestFile(Buffer.from(`---\nfrom: Windows: 67\n---\n${BODY}`), '20260413_a.md', false);
    expect(request.editable).toBe(false);
    expect(request.warnings[0]).toMatch(/not valid YAML \(line 2\): Nested mappings/);
    expect(() => withStatus(`---\nfrom: Windows: 67\n---\n${BODY}`, 'blocked', 'a.md')).toThrow(/fix the front matter by hand/);
  });

  it('reads every front matter exactly as YAML does, the plain `key: word` lines Lanes reads itself included', () => {
    const samples = [
      'status: blocked\npriority: high\n',
      'status: in-progress\r\nfrom: Windows#67\r\nto: VSCode\r\n',
      'status: done\n',
      'priority: v1.2\n',
      'status:   open   \n',
      'status: True\n',
      'status: NULL\n',
      'priority: yes\n',
      'priority: 1\n',
      'priority: 1.0\n',
      'priority: .inf\n',
      'from: Windows #67\n',
      'status: open # for now\n',
      'status:\topen\n',
      'true: open\n',
      'status: open\nstatus: done\n',
      'blocked_by: [a, b]\n',
      'blocked_by:\n  - a\n',
      'to: "VSCode"\n',
      'status: ~\n',
      '__proto__: open\n',
    ];
    for (const yaml of samples) {
      const expected = parseDocument(yaml, { uniqueKeys: true });
      const read = splitFrontMatter(`---\n${yaml}---\n${BODY}`);
      if (expected.errors.length > 0) expect(read.kind, yaml).toBe('malformed');
      else expect(read.kind === 'ok' && read.data, yaml).toEqual(expected.toJS());
    }
  });

  it('reads a value the way YAML types it: 0x1F is the number 31', () => {
    const request = parseRequestFile(Buffer.from(`---\npriority: 0x1F\n---\n${BODY}`), '20260413_a.md', false);
    expect(request.priority).toBe('31');
    expect(request.editable).toBe(true);
  });
});

describe('composeRequest', () => {
  it('writes a file the parser reads back, with the table of the field report', () => {
    const text = composeRequest({
      from: 'Windows#67',
      to: 'VSCode',
      title: 'Allen AI UI Addition',
      body: 'Add the provider.\r\nThanks.',
      table: [
        { key: 'provider', value: '`allen_ai`' },
        { key: 'pipe', value: 'a|b' },
        { key: '', value: '' },
      ],
      priority: 'high',
    });
    expect(text).toBe(
      '---\npriority: high\n---\n# Allen AI UI Addition (Windows#67 → VSCode)\n\n## What to do\n\nAdd the provider.\nThanks.\n\n| Key | Value |\n|-----|-------|\n| provider | `allen_ai` |\n| pipe | a\\|b |\n',
    );
    const parsed = parseRequestFile(Buffer.from(text), '20260413_allen_ai_ui_addition.md', false);
    expect(parsed).toMatchObject({ title: 'Allen AI UI Addition', from: 'Windows#67', to: 'VSCode', priority: 'high', warnings: [] });
  });

  it('makes slugs and dates as people name the files', () => {
    expect(slugify('AI University: Allen AI UI Addition!')).toBe('ai_university_allen_ai_ui_addition');
    expect(slugify('ログイン 修正')).toBe('ログイン_修正');
    expect(slugify('!!!')).toBe('request');
    expect(fileDate(new Date(2026, 3, 9))).toBe('20260409');
  });
});
