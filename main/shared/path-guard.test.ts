import { existsSync, mkdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeTempDir } from '../../test/support/repo';
import { ignoresCase, isInside, makeFolderInside, relativeInside, resolveInside } from './path-guard';

function layout() {
  const base = makeTempDir();
  const root = path.join(base, 'repo');
  const sibling = path.join(base, 'repo-evil');
  mkdirSync(path.join(root, 'docs'), { recursive: true });
  mkdirSync(sibling);
  writeFileSync(path.join(root, 'docs', 'a.md'), 'a');
  writeFileSync(path.join(sibling, 'secret'), 's');
  return { base, root, sibling };
}

describe('resolveInside', () => {
  it('resolves plain relative paths, existing or not, with either separator', () => {
    const { root } = layout();
    expect(resolveInside(root, 'docs/a.md')).toBe(path.join(root, 'docs', 'a.md'));
    expect(resolveInside(root, 'docs\\new\\b.md')).toBe(path.join(root, 'docs', 'new', 'b.md'));
    expect(resolveInside(root, './docs//a.md')).toBe(path.join(root, 'docs', 'a.md'));
    expect(resolveInside(root, 'memory/Windows版#67.md')).toBe(path.join(root, 'memory', 'Windows版#67.md'));
    expect(resolveInside(root, '..foo/a.md')).toBe(path.join(root, '..foo', 'a.md'));
  });

  it.each([
    ['../web', 'is not inside this repository'],
    ['docs/../../repo-evil/secret', 'is not inside this repository'],
    ['docs/..', '`..` is not allowed'],
    ['..\\repo-evil', 'is not inside this repository'],
  ])('refuses %s', (requested, message) => {
    const { root } = layout();
    expect(() => resolveInside(root, requested)).toThrow(message);
  });

  it('refuses absolute paths unless asked, and then only inside the root', () => {
    const { root, sibling } = layout();
    expect(() => resolveInside(root, path.join(root, 'docs/a.md'))).toThrow('is an absolute path');
    expect(() => resolveInside(root, 'C:\\Windows\\system32')).toThrow('is an absolute path');
    expect(() => resolveInside(root, '\\\\server\\share')).toThrow('is an absolute path');
    expect(resolveInside(root, path.join(root, 'docs/a.md'), { allowAbsolute: true })).toBe(path.join(root, 'docs', 'a.md'));
    expect(() => resolveInside(root, path.join(sibling, 'secret'), { allowAbsolute: true })).toThrow('is not inside this repository');
  });

  it('refuses NUL bytes', () => {
    const { root } = layout();
    expect(() => resolveInside(root, 'docs/a.md\0.png')).toThrow('NUL byte');
  });

  it('refuses a symlinked file or folder that leads outside, on the way or at the end', () => {
    const { root, sibling } = layout();
    symlinkSync(sibling, path.join(root, 'escape'));
    symlinkSync(path.join(sibling, 'secret'), path.join(root, 'docs', 'secret-link'));
    expect(() => resolveInside(root, 'escape/secret')).toThrow('`escape` is a symbolic link that leads outside');
    expect(() => resolveInside(root, 'escape/new-file')).toThrow('symbolic link');
    expect(() => resolveInside(root, 'docs/secret-link')).toThrow('`docs/secret-link` is a symbolic link');
  });

  it('refuses a dangling symlink, which could be pointed anywhere', () => {
    const { root, base } = layout();
    symlinkSync(path.join(base, 'nowhere'), path.join(root, 'dangling'));
    expect(() => resolveInside(root, 'dangling')).toThrow('broken symbolic link');
  });

  it('allows symlinks that stay inside the root', () => {
    const { root } = layout();
    symlinkSync(path.join(root, 'docs'), path.join(root, 'docs-link'));
    expect(resolveInside(root, 'docs-link/a.md')).toBe(path.join(root, 'docs-link', 'a.md'));
  });

  it('works when the root itself is reached through a symlink', () => {
    const { root, base } = layout();
    const alias = path.join(base, 'alias');
    symlinkSync(root, alias);
    expect(resolveInside(alias, 'docs/a.md')).toBe(path.join(root, 'docs', 'a.md'));
  });

  it('names a missing root clearly', () => {
    expect(() => resolveInside('/definitely/not/here', 'a')).toThrow('`/definitely/not/here` does not exist.');
  });
});

describe('isInside', () => {
  it('does not mistake a sibling prefix for a child', () => {
    expect(isInside('/repo', '/repo')).toBe(true);
    expect(isInside('/repo', '/repo/a/b')).toBe(true);
    expect(isInside('/repo', '/repo-evil')).toBe(false);
    // A name that merely starts with two dots is inside; `..` itself is not.
    expect(isInside('/repo', '/repo/..foo')).toBe(true);
    expect(isInside('/repo', '/repo/..foo/bar')).toBe(true);
    expect(isInside('/repo', '/repo/../foo')).toBe(false);
    expect(isInside('/repo', '/')).toBe(false);
  });

  it('follows the case rule it is given, and says where inside a path is', () => {
    expect(isInside('/Work/Repo', '/work/repo/Lib/a.ts')).toBe(false);
    expect(isInside('/Work/Repo', '/work/repo/Lib/a.ts', { ignoreCase: true })).toBe(true);
    expect(isInside('/Work/Repo', '/work/repo-evil', { ignoreCase: true })).toBe(false);
    expect(relativeInside('/Work/Repo', '/work/REPO/Lib/a.ts', { ignoreCase: true })).toBe(path.join('Lib', 'a.ts'));
    expect(relativeInside('/Work/Repo', '/WORK/REPO', { ignoreCase: true })).toBe('');
    expect(relativeInside('/repo', '/repo/..foo')).toBe('..foo');
    expect(relativeInside('/repo', '/repo/../foo')).toBeNull();
  });
});

describe('ignoresCase', () => {
  it('probes the real file system: here (Linux) a name with its case swapped is another file, or none', () => {
    expect(ignoresCase(layout().root)).toBe(false);
    const both = layout().root;
    writeFileSync(path.join(both, 'DOCS'), 'a second entry, not the docs folder');
    expect(ignoresCase(both)).toBe(false);
  });
});

describe('makeFolderInside', () => {
  it('creates the missing folders below the root, and never the root itself when it is gone', async () => {
    const parent = makeTempDir();
    const root = path.join(parent, 'worktree');
    mkdirSync(root);
    await makeFolderInside(root, path.join(root, 'a', 'b'));
    await makeFolderInside(root, path.join(root, 'a', 'b'));
    expect(statSync(path.join(root, 'a', 'b')).isDirectory()).toBe(true);

    // A worktree removed while Lanes was about to write into it stays removed.
    rmSync(root, { recursive: true });
    await expect(makeFolderInside(root, path.join(root, '.claude'))).rejects.toMatchObject({ code: 'not-found', message: expect.stringContaining('is gone') });
    expect(existsSync(root)).toBe(false);
    await expect(makeFolderInside(path.join(parent, 'x'), path.join(parent, 'y'))).rejects.toMatchObject({ code: 'outside-workspace' });
  });

  it('refuses a symbolic link on the way instead of creating folders where it leads', async () => {
    const { base, root } = layout();
    const elsewhere = path.join(base, 'elsewhere');
    mkdirSync(elsewhere);
    symlinkSync(elsewhere, path.join(root, '.lanes'));
    await expect(makeFolderInside(root, path.join(root, '.lanes', 'context'), { root, what: "the agent's context" })).rejects.toMatchObject({
      code: 'outside-workspace',
      message: expect.stringContaining("`.lanes` is a symbolic link leading out of the worktree; Lanes did not write the agent's context through it."),
    });
    expect(existsSync(path.join(elsewhere, 'context'))).toBe(false);
  });
});
