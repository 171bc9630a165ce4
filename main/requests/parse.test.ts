import { describe, expect, it } from 'vitest';
import { matchInstance, parseFileName, parseRequestFile, splitParties } from './parse';
import { FIELD_REPORT_REQUEST } from './test-support';


const parse = (text: string | Uint8Array, name = '20260413_allenai_naver_provider_ui.md', inDone = false) =>
  parseRequestFile(typeof text === 'string' ? Buffer.from(text, 'utf8') : text, name, inDone);

describe('parseRequestFile', () => {
  it('reads the field report example: title, sender, receiver, date and slug', () => {
    const request = parse(FIELD_REPORT_REQUEST);
    expect(request.title).toBe('AI University: Allen AI UI Addition');
    expect(request.from).toBe('Windows#67');
    expect(request.to).toBe('VSCode');
    expect(request.date).toBe('2026-04-13');
    expect(request.slug).toBe('allenai_naver_provider_ui');
    expect(request.status).toBe('open');
    expect(request.warnings).toEqual([]);
    expect(request.editable).toBe(true);
    expect(request.body).toBe(FIELD_REPORT_REQUEST);
  });

  it('is done in done/ whatever the front matter says', () => {
    expect(parse('---\nstatus: in-progress\n---\n# A (X → Y)\n', 'a.md', true).status).toBe('done');
  });

  it('accepts -> as the arrow and full-width parentheses', () => {
    expect(splitParties('Fix login (Backend -> Frontend)')).toEqual({ title: 'Fix login', from: 'Backend', to: 'Frontend' });
    expect(splitParties('ログイン修正（Windows版#67 → VSCode）')).toEqual({ title: 'ログイン修正', from: 'Windows版#67', to: 'VSCode' });
    expect(splitParties('No parties here')).toEqual({ title: 'No parties here', from: null, to: null });
  });

  it('shows a file without a title under its file name, with a warning', () => {
    const request = parse('Just some notes.\n\n## Details\n- one\n', '20260401_loose_notes.md');
    expect(request.heading).toBeNull();
    expect(request.title).toBe('loose notes');
    expect(request.warnings.join(' ')).toMatch(/no `# title` line/);
    expect(request.editable).toBe(true);
  });

  it('reads front matter, which overrides the title and sets the status', () => {
    const request = parse('---\nstatus: in progress\nfrom: Windows\nto: PowerShell\npriority: high\nblocked_by: [VSCode#12, 7]\n---\n# Migrate (A → B)\nbody\n');
    expect(request).toMatchObject({ status: 'in-progress', from: 'Windows', to: 'PowerShell', priority: 'high', blockedBy: ['VSCode#12', '7'], hasFrontMatter: true });
    expect(request.body).toBe('# Migrate (A → B)\nbody\n');
    expect(parse('---\nstatus: blocked\n---\n# T (A → B)\n').status).toBe('blocked');
  });

  it('warns about a status it does not know and about done outside done/', () => {
    const unknown = parse('---\nstatus: someday\n---\n# T (A → B)\n');
    expect(unknown.status).toBe('open');
    expect(unknown.warnings.join(' ')).toContain('`someday`');
    expect(parse('---\nstatus: done\n---\n# T (A → B)\n').warnings.join(' ')).toContain('not in `done/`');
  });

  it('reads CRLF line ends', () => {
    const request = parse('---\r\nstatus: blocked\r\n---\r\n# Fix CI (PowerShell#3 → Windows)\r\n\r\nBody\r\n');
    expect(request).toMatchObject({ title: 'Fix CI', from: 'PowerShell#3', to: 'Windows', status: 'blocked', editable: true });
  });

  it('reads a byte-order mark and remembers it', () => {
    const request = parse(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('# With BOM (A → B)\n')]));
    expect(request.title).toBe('With BOM');
    expect(request.bom).toBe(true);
    expect(request.text.startsWith('#')).toBe(true);
  });

  it('reads Japanese text and non-ASCII names', () => {
    const request = parse('# AI大学: Allen AI UI追加 (Windows版#67 → VSCode)\n## 追加内容\n本文\n', '20260413_allen_ai_追加.md');
    expect(request).toMatchObject({ title: 'AI大学: Allen AI UI追加', from: 'Windows版#67', to: 'VSCode', slug: 'allen_ai_追加' });
  });

  it('shows an empty file with a warning', () => {
    const request = parse('', '20260413_empty.md');
    expect(request.title).toBe('empty');
    expect(request.warnings).toEqual(['This file is empty.']);
  });

  // How fast belongs to bench/request-parse.bench.ts; this checks that it parses at all.
  it('parses a huge file', () => {
    const huge = `# Huge (A → B)\n${'| a | b |\n'.repeat(1_000_000)}`;
    const request = parse(huge);
    expect(request.title).toBe('Huge');
  });

  it('never marks a file with broken front matter as editable', () => {
    const broken = parse('---\nstatus: [open\n---\n# T (A → B)\n');
    expect(broken.editable).toBe(false);
    expect(broken.warnings[0]).toMatch(/not valid YAML \(line \d+\)/);
    const unclosed = parse('---\nstatus: open\n# T (A → B)\n');
    expect(unclosed.editable).toBe(false);
    expect(unclosed.warnings[0]).toMatch(/never ends/);
    expect(parse('---\n- a\n- b\n---\n# T\n').warnings[0]).toMatch(/`key: value` lines/);
  });

  it('never marks binary or non-UTF-8 files as editable', () => {
    expect(parse(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01])).editable).toBe(false);
    const latin1 = parse(Buffer.from('# Caf\xe9 (A → B)\n', 'latin1'));
    expect(latin1.editable).toBe(false);
    expect(latin1.warnings[0]).toMatch(/not UTF-8/);
  });

  it('ignores headings inside code blocks and reads setext titles', () => {
    expect(parse('```\n# not a title\n```\n# Real (A → B)\n').title).toBe('Real');
    expect(parse('Setext title (A → B)\n====\n').title).toBe('Setext title');
  });
});

describe('parseFileName', () => {
  it('takes the date and slug from YYYYMMDD_slug.md and refuses impossible dates', () => {
    expect(parseFileName('20260412_groq_provider_ui.md')).toEqual({ date: '2026-04-12', slug: 'groq_provider_ui' });
    expect(parseFileName('20261340_bad.md')).toEqual({ date: null, slug: '20261340_bad' });
    expect(parseFileName('notes.md')).toEqual({ date: null, slug: 'notes' });
  });
});

describe('matchInstance', () => {
  const instances = ['VSCode', 'Windows', 'Win'];
  it('matches names case-insensitively, ignoring #N and suffixes after the name', () => {
    expect(matchInstance('vscode', instances)).toBe('VSCode');
    expect(matchInstance('Windows#67', instances)).toBe('Windows');
    expect(matchInstance('Windows版#67', instances)).toBe('Windows');
    expect(matchInstance('Win#2', instances)).toBe('Win');
    expect(matchInstance('Windsurf', instances)).toBeNull();
    expect(matchInstance(null, instances)).toBeNull();
  });
});
