import { existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { git, makeGitRepo, makeTempDir } from '../../test/support/repo';
import { ABSENT } from './atomic-file';
import { readInsideCheckout, removeInsideCheckout, writeInsideCheckout } from './checkout-file';

/** A repository with `links` (path → target) committed as symbolic links, and a folder outside it. */
function repoWithLinks(links: (outside: string, repo: string) => Record<string, string>) {
  const outside = makeTempDir('lanes-outside-');
  writeFileSync(path.join(outside, 'victim.txt'), 'precious\n');
  const repo = makeGitRepo();
  for (const [link, target] of Object.entries(links(outside, repo))) {
    mkdirSync(path.dirname(path.join(repo, link)), { recursive: true });
    symlinkSync(target, path.join(repo, link));
  }
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', 'links');
  return { repo, outside, place: { root: repo, what: "the agent's context" } };
}

describe('writeInsideCheckout', () => {
  it('creates the missing folders, writes atomically, and keeps the refusal to overwrite a change made since reading', async () => {
    const repo = makeGitRepo();
    const place = { root: repo, what: 'the notes' };
    const first = await writeInsideCheckout(place, '.lanes/context/alpha.md', 'one\n', { expected: ABSENT });
    expect(readFileSync(path.join(repo, '.lanes/context/alpha.md'), 'utf8')).toBe('one\n');
    expect(readdirSync(path.join(repo, '.lanes/context'))).toEqual(['alpha.md']);
    await writeInsideCheckout(place, '.lanes/context/alpha.md', 'two\n', { expected: first });
    await expect(writeInsideCheckout(place, '.lanes/context/alpha.md', 'three\n', { expected: first })).rejects.toMatchObject({ code: 'conflict' });
    expect(readFileSync(path.join(repo, '.lanes/context/alpha.md'), 'utf8')).toBe('two\n');
  });

  it('refuses a committed symbolic link as the file itself, leaving its target alone', async () => {
    const { repo, outside, place } = repoWithLinks((out) => ({ '.lanes/context/alpha.md': path.join(out, 'victim.txt') }));
    await expect(writeInsideCheckout(place, '.lanes/context/alpha.md', 'prompt: rm -rf ~\n')).rejects.toMatchObject({
      code: 'outside-workspace',
      message: expect.stringMatching(/^`\.lanes\/context\/alpha\.md` is a symbolic link leading out of the worktree; Lanes did not write the agent's context through it\. Remove the link/),
    });
    expect(readFileSync(path.join(outside, 'victim.txt'), 'utf8')).toBe('precious\n');
    expect(lstatSync(path.join(repo, '.lanes/context/alpha.md')).isSymbolicLink()).toBe(true);
    expect(git(repo, 'status', '--porcelain')).toBe('');
  });

  it('refuses a symbolic link to a folder on the way, and writes nothing where it leads', async () => {
    const { repo, outside, place } = repoWithLinks((out) => ({ '.claude': out }));
    await expect(writeInsideCheckout({ ...place, what: 'the guard settings' }, '.claude/settings.local.json', '{}')).rejects.toMatchObject({
      code: 'outside-workspace',
      message: expect.stringContaining('`.claude` is a symbolic link leading out of the worktree; Lanes did not write the guard settings through it.'),
    });
    // Also when the folders below the link are missing: nothing is created through it.
    await expect(writeInsideCheckout(place, '.claude/deeper/file.md', 'x')).rejects.toMatchObject({ code: 'outside-workspace' });
    expect(readdirSync(outside).sort()).toEqual(['victim.txt']);
    expect(git(repo, 'status', '--porcelain')).toBe('');
  });

  it('refuses a dangling symbolic link as the last step, without creating its target', async () => {
    const { outside, repo, place } = repoWithLinks((out) => ({ 'notes.md': path.join(out, 'not-yet.txt') }));
    await expect(writeInsideCheckout(place, 'notes.md', 'x')).rejects.toMatchObject({
      message: expect.stringContaining('`notes.md` is a symbolic link to something that does not exist'),
    });
    expect(existsSync(path.join(outside, 'not-yet.txt'))).toBe(false);
    expect(readlinkSync(path.join(repo, 'notes.md'))).toBe(path.join(outside, 'not-yet.txt'));
  });

  it('refuses a symbolic link even when it stays inside the checkout', async () => {
    const { repo, place } = repoWithLinks(() => ({ '.lanes/context': '../docs' }));
    mkdirSync(path.join(repo, 'docs'));
    await expect(writeInsideCheckout(place, '.lanes/context/alpha.md', 'x')).rejects.toMatchObject({
      message: expect.stringMatching(/^`\.lanes\/context` is a symbolic link; Lanes writes only into real folders/),
    });
    expect(readdirSync(path.join(repo, 'docs'))).toEqual([]);
  });

  it('replaces a link instead of following it when asked (a restore puts the committed file back)', async () => {
    const { repo, outside, place } = repoWithLinks((out) => ({ 'docs/a.md': path.join(out, 'victim.txt') }));
    await writeInsideCheckout(place, 'docs/a.md', 'committed\n', { replaceLink: true });
    expect(lstatSync(path.join(repo, 'docs/a.md')).isFile()).toBe(true);
    expect(readFileSync(path.join(repo, 'docs/a.md'), 'utf8')).toBe('committed\n');
    expect(readFileSync(path.join(outside, 'victim.txt'), 'utf8')).toBe('precious\n');
  });

  it('writes nothing into a checkout that is gone, and refuses paths that leave it', async () => {
    const repo = makeGitRepo();
    const place = { root: repo, what: 'the notes' };
    await expect(writeInsideCheckout(place, '../escape.md', 'x')).rejects.toMatchObject({ code: 'outside-workspace' });
    await expect(writeInsideCheckout(place, '/etc/escape.md', 'x')).rejects.toMatchObject({ code: 'outside-workspace' });
    writeFileSync(path.join(repo, 'file'), 'x');
    await expect(writeInsideCheckout(place, 'file/below.md', 'x')).rejects.toMatchObject({ code: 'not-a-directory' });
    rmSync(repo, { recursive: true });
    await expect(writeInsideCheckout(place, '.lanes/context/alpha.md', 'x')).rejects.toMatchObject({ code: 'not-found', message: expect.stringContaining('is gone') });
    expect(existsSync(repo)).toBe(false);
  });
});

describe('readInsideCheckout', () => {
  it('reads a real file, answers absent for a missing one, and never reads through a link', async () => {
    const { repo, place } = repoWithLinks((out) => ({ 'linked.json': path.join(out, 'victim.txt'), 'dir-link': out }));
    writeFileSync(path.join(repo, 'real.json'), '{}');
    expect((await readInsideCheckout(place, 'real.json')).text).toBe('{}');
    expect(await readInsideCheckout(place, 'missing/none.json')).toEqual({ text: null, version: ABSENT });
    await expect(readInsideCheckout(place, 'linked.json')).rejects.toMatchObject({ code: 'outside-workspace' });
    await expect(readInsideCheckout(place, 'dir-link/victim.txt')).rejects.toMatchObject({ code: 'outside-workspace' });
  });
});

describe('removeInsideCheckout', () => {
  it('removes a file or a link itself, never a file reached through a linked folder', async () => {
    const { repo, outside, place } = repoWithLinks((out) => ({ 'dir-link': out, 'file-link': path.join(out, 'victim.txt') }));
    await expect(removeInsideCheckout(place, 'dir-link/victim.txt')).rejects.toMatchObject({ code: 'outside-workspace' });
    await removeInsideCheckout(place, 'file-link');
    expect(existsSync(path.join(repo, 'file-link'))).toBe(false);
    expect(readFileSync(path.join(outside, 'victim.txt'), 'utf8')).toBe('precious\n');
    await removeInsideCheckout(place, 'README.md');
    await removeInsideCheckout(place, 'never/was.md');
    expect(existsSync(path.join(repo, 'README.md'))).toBe(false);
  });
});
