import { describe, expect, it } from 'vitest';
import { appendIndexEntries, checkIndexHealth, indexLine, indexReferences, renameInIndex, withoutLine } from './index-health';

describe('indexReferences', () => {
  it('finds links, reference definitions and bare names, and skips web addresses and other folders', () => {
    const index = [
      '# Memory',
      '- [PowerShell instance](user_instance_powershell.md) — who I am',
      '- project_20260413_ps55.md: PS#55 done',
      '- `feedback_success_small_prs.md`',
      '- [spaced](<feedback_correction_no force.md>) and [encoded](feedback_correction_a%20b.md#why)',
      '[def]: ./user_other.md',
      'See https://example.com/guide.md and ../docs/plan.md and [web](https://x.org/y.md)',
    ].join('\r\n');
    expect(indexReferences(index).map((reference) => [reference.line, reference.target])).toEqual([
      [2, 'user_instance_powershell.md'],
      [3, 'project_20260413_ps55.md'],
      [4, 'feedback_success_small_prs.md'],
      [5, 'feedback_correction_no force.md'],
      [5, 'feedback_correction_a b.md'],
      [6, 'user_other.md'],
    ]);
  });

  it('reads non-ASCII names, and a # that is part of the name rather than an anchor', () => {
    expect(indexReferences('- [状態](project_Windows版#67.md)\n- user_écrivain.md\n- [a](user_a.md#section)')).toEqual([
      { line: 1, target: 'project_Windows版#67.md' },
      { line: 2, target: 'user_écrivain.md' },
      { line: 3, target: 'user_a.md' },
    ]);
  });
});

describe('checkIndexHealth', () => {
  it('reports dangling entries and unlisted files', () => {
    const index = '# Memory\n- [me](user_me.md)\n- [gone](project_20260101_gone.md)\n- feedback_success_x.md\n';
    const health = checkIndexHealth(index, ['MEMORY.md', 'user_me.md', 'feedback_success_x.md', 'feedback_correction_y.md', 'project_Windows版#67.md']);
    expect(health).toEqual({
      exists: true,
      lines: 4,
      limit: 200,
      overLimit: false,
      dangling: [{ line: 3, target: 'project_20260101_gone.md' }],
      unlisted: ['feedback_correction_y.md', 'project_Windows版#67.md'],
    });
  });

  it('warns above 200 lines, counting CRLF lines like LF ones', () => {
    const long = Array.from({ length: 201 }, (_, index) => `line ${index}`).join('\r\n') + '\r\n';
    expect(checkIndexHealth(long, []).lines).toBe(201);
    expect(checkIndexHealth(long, []).overLimit).toBe(true);
    const exact = Array.from({ length: 200 }, (_, index) => `line ${index}`).join('\n');
    expect(checkIndexHealth(exact, []).overLimit).toBe(false);
  });

  it('handles a missing index and an empty folder', () => {
    expect(checkIndexHealth(null, [])).toEqual({ exists: false, lines: 0, limit: 200, overLimit: false, dangling: [], unlisted: [] });
    expect(checkIndexHealth(null, ['user_a.md']).unlisted).toEqual(['user_a.md']);
    expect(checkIndexHealth('', ['user_a.md']).lines).toBe(0);
  });
});

describe('index editing', () => {
  it('appends entries, and starts a new index with a heading', () => {
    expect(appendIndexEntries('# Memory\n- a.md', [{ name: 'user_b.md', title: 'B [draft]' }])).toBe('# Memory\n- a.md\n- [B \\[draft\\]](user_b.md)\n');
    expect(appendIndexEntries(null, [{ name: 'my file.md', title: null }])).toBe('# Memory\n\n- [my file](<my file.md>)\n');
    expect(indexLine({ name: 'project_Windows版#67.md', title: null })).toBe('- [project_Windows版#67](project_Windows版#67.md)');
  });

  it('renames mentions without touching longer names', () => {
    const index = '- [a](user_a.md)\n- user_a.md\n- user_a.md.bak\n- xuser_a.md\n';
    expect(renameInIndex(index, 'user_a.md', 'user_b.md')).toBe('- [a](user_b.md)\n- user_b.md\n- user_a.md.bak\n- xuser_a.md\n');
    expect(renameInIndex(index, 'user_zzz.md', 'user_b.md')).toBeNull();
  });
});

describe('withoutLine', () => {
  it('removes exactly one line and keeps every other byte: BOM, CRLF, mixed endings, no final newline', () => {
    expect(withoutLine('\uFEFF# Memory\r\n- [a](a.md)\r\n- [gone](gone.md)\r\n- [b](b.md)\n', 3)).toBe('\uFEFF# Memory\r\n- [a](a.md)\r\n- [b](b.md)\n');
    expect(withoutLine('# Memory\n- [gone](gone.md)', 2)).toBe('# Memory\n');
    expect(withoutLine('- [gone](gone.md)\n', 1)).toBe('');
    expect(() => withoutLine('# Memory\n', 5)).toThrow(/has no line 5/);
  });

  it('counts lines as indexReferences does', () => {
    const text = '\uFEFF# Memory\r\n\r\n- [gone](project_Windows版#67.md)\r\n';
    const [reference] = indexReferences(text);
    expect(reference).toEqual({ line: 3, target: 'project_Windows版#67.md' });
    expect(withoutLine(text, reference!.line)).toBe('\uFEFF# Memory\r\n\r\n');
  });
});
