import { describe, expect, it } from 'vitest';
import { assertMemoryFileName, fileNameFor, kindOf, titleOf } from './kinds';

describe('kindOf', () => {
  it('reads the kind from the file name, in any case', () => {
    expect(kindOf('MEMORY.md')).toBe('index');
    expect(kindOf('memory.md')).toBe('index');
    expect(kindOf('user_instance_powershell.md')).toBe('user');
    expect(kindOf('project_20260413_ps55.md')).toBe('project');
    expect(kindOf('feedback_success_small_prs.md')).toBe('success');
    expect(kindOf('Feedback_Correction_no_force_push.md')).toBe('correction');
    expect(kindOf('feedback_misc.md')).toBe('other');
    expect(kindOf('notes.md')).toBe('other');
    expect(kindOf('project_Windows版#67.md')).toBe('project');
  });
});

describe('fileNameFor', () => {
  const today = new Date(2026, 3, 13);
  it('follows the naming convention of each kind', () => {
    expect(fileNameFor('user', 'instance powershell', today)).toBe('user_instance_powershell.md');
    expect(fileNameFor('project', 'ps55', today)).toBe('project_20260413_ps55.md');
    expect(fileNameFor('project', '20260101_done', today)).toBe('project_20260101_done.md');
    expect(fileNameFor('success', 'small PRs', today)).toBe('feedback_success_small_PRs.md');
    expect(fileNameFor('correction', 'feedback_correction_no force.md', today)).toBe('feedback_correction_no_force.md');
    expect(fileNameFor('other', 'notes', today)).toBe('notes.md');
  });

  it('keeps letters of any script', () => {
    expect(fileNameFor('project', 'Windows版#67', today)).toBe('project_20260413_Windows版#67.md');
  });

  it('refuses names that would leave the folder or that Windows cannot store', () => {
    expect(() => fileNameFor('user', '../../etc/passwd', today)).toThrow(/not inside the memory folder/);
    expect(() => fileNameFor('user', 'a\\b', today)).toThrow(/not inside the memory folder/);
    expect(() => fileNameFor('user', 'what?', today)).toThrow(/character file names may not have/);
    expect(() => fileNameFor('user', '   ', today)).toThrow(/Give the entry a name/);
  });
});

describe('assertMemoryFileName', () => {
  it('accepts plain markdown names and refuses the rest', () => {
    expect(() => assertMemoryFileName('user_a.md')).not.toThrow();
    expect(() => assertMemoryFileName('../x.md')).toThrow(expect.objectContaining({ code: 'outside-workspace' }));
    expect(() => assertMemoryFileName('..')).toThrow(expect.objectContaining({ code: 'outside-workspace' }));
    expect(() => assertMemoryFileName('a\0.md')).toThrow(expect.objectContaining({ code: 'outside-workspace' }));
    expect(() => assertMemoryFileName('notes.txt')).toThrow(/ending in `.md`/);
    expect(() => assertMemoryFileName('.hidden.md')).toThrow(/starts with a dot/);
  });
});

describe('titleOf', () => {
  it('takes the first heading', () => {
    expect(titleOf('intro\n## Allen AI (Windows#67 → VSCode) ##\n# later')).toBe('Allen AI (Windows#67 → VSCode)');
    expect(titleOf('no heading')).toBeNull();
  });
});
