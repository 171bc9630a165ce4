import { promises as fs, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeGitRepo, makeTempDir, writeFiles } from '../../test/support/repo';
import { waitFor } from '../../test/support/wait';
import { Lanes } from '../app/lanes';
import { hashContent } from '../shared/atomic-file';
import { MemoryFolder } from './memory-folder';

function folderWith(files: Record<string, string>): { dir: string; folder: MemoryFolder } {
  const dir = path.join(makeTempDir('lanes-memory-'), 'memory');
  writeFiles(dir, files);
  return { dir, folder: new MemoryFolder('repo', dir) };
}

function age(dir: string, name: string, secondsAgo: number): void {
  const when = new Date(Date.now() - secondsAgo * 1000);
  utimesSync(path.join(dir, name), when, when);
}

async function caught(promise: Promise<unknown>): Promise<{ code: string; message: string; details?: Record<string, unknown> }> {
  try {
    await promise;
  } catch (error) {
    return error as never;
  }
  throw new Error('expected a failure');
}

describe('MemoryFolder', () => {
  it('lists markdown files newest first with their kinds, and leaves other things alone', async () => {
    const { dir, folder } = folderWith({
      'MEMORY.md': '# Memory\n- [me](user_me.md)\n',
      'user_me.md': '# Me\n',
      'project_Windows版#67.md': '# 状態\r\nAllen AI\r\n',
      'feedback_success_a.md': 'ok\n',
      'notes.txt': 'not memory',
      'sub/user_nested.md': 'nested',
      '.hidden.md': 'hidden',
    });
    symlinkSync('/etc/hostname', path.join(dir, 'user_link.md'));
    age(dir, 'user_me.md', 300);
    age(dir, 'MEMORY.md', 200);
    age(dir, 'feedback_success_a.md', 100);
    await folder.refresh();
    expect(folder.list().map((file) => [file.name, file.kind])).toEqual([
      ['project_Windows版#67.md', 'project'],
      ['feedback_success_a.md', 'success'],
      ['MEMORY.md', 'index'],
      ['user_me.md', 'user'],
    ]);
    expect(folder.list()[0]).toMatchObject({ title: '状態', lines: 2 });
    expect(folder.health()).toMatchObject({ exists: true, lines: 2, dangling: [], unlisted: ['feedback_success_a.md', 'project_Windows版#67.md'] });
  });

  it('handles an empty folder and a missing one', async () => {
    const empty = folderWith({});
    await fs.mkdir(empty.dir, { recursive: true });
    await empty.folder.refresh();
    expect(empty.folder.exists).toBe(true);
    expect(empty.folder.list()).toEqual([]);
    expect(empty.folder.health()).toMatchObject({ exists: false, lines: 0, unlisted: [] });

    const missing = new MemoryFolder('repo', path.join(makeTempDir(), 'nope'));
    await missing.refresh();
    expect(missing.exists).toBe(false);
    expect(missing.list()).toEqual([]);
  });

  it('reports what changed on a refresh', async () => {
    const { dir, folder } = folderWith({ 'user_a.md': 'a\n', 'user_b.md': 'b\n' });
    await folder.refresh();
    writeFileSync(path.join(dir, 'user_a.md'), 'a changed\n');
    await fs.rm(path.join(dir, 'user_b.md'));
    writeFileSync(path.join(dir, 'user_c.md'), 'c\n');
    expect((await folder.refresh()).sort()).toEqual(['user_a.md', 'user_b.md', 'user_c.md']);
    expect(await folder.refresh()).toEqual([]);
  });

  it('searches what is on disk after each refresh, whether indexed in steps or by the search itself', async () => {
    const { dir, folder } = folderWith({ 'user_a.md': 'needle a\n', 'user_b.md': 'needle b\n', 'user_c.md': 'needle c\n' });
    await folder.refresh();
    let steps = 0;
    await folder.prepareSearchInSteps(() => (steps += 1) > 0, 1);
    expect(steps).toBe(3);
    expect(folder.search('needle', { limit: 10 }).hits.map((hit) => hit.name).sort()).toEqual(['user_a.md', 'user_b.md', 'user_c.md']);

    writeFileSync(path.join(dir, 'user_a.md'), 'thread\n');
    await fs.rm(path.join(dir, 'user_b.md'));
    await folder.refresh();
    expect(folder.search('needle', { limit: 10 }).hits.map((hit) => hit.name)).toEqual(['user_c.md']);
    expect(folder.search('thread', { limit: 10 }).hits.map((hit) => hit.name)).toEqual(['user_a.md']);

    writeFileSync(path.join(dir, 'user_d.md'), 'needle d\n');
    await folder.refresh();
    await folder.prepareSearchInSteps(() => false);
    // Not wanted any more: the search brings the index up to date itself.
    expect(folder.search('needle', { limit: 10 }).hits.map((hit) => hit.name).sort()).toEqual(['user_c.md', 'user_d.md']);
  });

  it('saves atomically and refuses to overwrite a change made on disk, handing back both versions', async () => {
    const { dir, folder } = folderWith({ 'user_me.md': '# Me\n' });
    const opened = await folder.read('user_me.md');
    writeFileSync(path.join(dir, 'user_me.md'), '# Me, changed by an agent\n');
    const error = await caught(folder.save('user_me.md', '# Me, edited in Lanes\n', opened.version));
    expect(error.code).toBe('conflict');
    expect(error.details).toMatchObject({ theirs: '# Me, changed by an agent\n', theirsVersion: hashContent('# Me, changed by an agent\n') });
    expect(await fs.readFile(path.join(dir, 'user_me.md'), 'utf8')).toBe('# Me, changed by an agent\n');

    const saved = await folder.save('user_me.md', '# Me, edited in Lanes\n', error.details!.theirsVersion as string);
    expect(await fs.readFile(path.join(dir, 'user_me.md'), 'utf8')).toBe('# Me, edited in Lanes\n');
    expect(saved.version).toBe(hashContent('# Me, edited in Lanes\n'));
    expect((await fs.readdir(dir)).filter((name) => name.includes('.tmp'))).toEqual([]);
  });

  it('refuses a save over a file deleted since it was opened', async () => {
    const { dir, folder } = folderWith({ 'user_me.md': 'me\n' });
    const opened = await folder.read('user_me.md');
    await fs.rm(path.join(dir, 'user_me.md'));
    const error = await caught(folder.save('user_me.md', 'mine\n', opened.version));
    expect(error).toMatchObject({ code: 'conflict', details: { theirs: null, theirsVersion: null } });
    expect(error.message).toMatch(/deleted by someone else/);
  });

  it('keeps CRLF line endings and the byte-order mark of a file it saves', async () => {
    const original = '\uFEFF# 状態\r\n- pages: 219\r\n';
    const { dir, folder } = folderWith({ 'project_x.md': original });
    const opened = await folder.read('project_x.md');
    expect(opened).toMatchObject({ text: '# 状態\n- pages: 219\n', lineEnding: 'crlf', bom: true });
    await folder.save('project_x.md', opened.text, opened.version);
    expect(await fs.readFile(path.join(dir, 'project_x.md'), 'utf8')).toBe(original);
    const again = await folder.read('project_x.md');
    await folder.save('project_x.md', again.text.replace('219', '220'), again.version);
    expect(await fs.readFile(path.join(dir, 'project_x.md'), 'utf8')).toBe('\uFEFF# 状態\r\n- pages: 220\r\n');
  });

  it('shows a file that is not valid UTF-8 but never saves over it', async () => {
    const { dir, folder } = folderWith({});
    await fs.mkdir(dir, { recursive: true });
    const bytes = Buffer.from([0x23, 0x20, 0xff, 0xfe, 0x0a]);
    writeFileSync(path.join(dir, 'user_latin1.md'), bytes);
    const opened = await folder.read('user_latin1.md');
    expect(opened.readOnly).toMatch(/not valid UTF-8/);
    const error = await caught(folder.save('user_latin1.md', 'x', opened.version));
    expect(error.code).toBe('malformed-file');
    expect(await fs.readFile(path.join(dir, 'user_latin1.md'))).toEqual(bytes);
  });

  it('refuses names that try to leave the folder', async () => {
    const { dir, folder } = folderWith({ 'user_me.md': 'me\n' });
    writeFileSync(path.join(path.dirname(dir), 'secret.md'), 'secret');
    for (const name of ['../secret.md', '..', 'sub/../../secret.md', '/etc/passwd', '..\\secret.md']) {
      expect((await caught(folder.read(name))).code).toBe('outside-workspace');
      expect((await caught(folder.save(name, 'x', null))).code).toBe('outside-workspace');
    }
    expect((await caught(folder.rename('user_me.md', '../escaped.md', hashContent('me\n')))).code).toBe('outside-workspace');
    symlinkSync(path.join(path.dirname(dir), 'secret.md'), path.join(dir, 'user_link.md'));
    expect((await caught(folder.read('user_link.md'))).code).toBe('outside-workspace');
    expect(await fs.readFile(path.join(path.dirname(dir), 'secret.md'), 'utf8')).toBe('secret');
  });

  it('creates an entry named by the convention, adds it to the index, and refuses to create it twice', async () => {
    const { dir, folder } = folderWith({ 'MEMORY.md': '# Memory\r\n- [me](user_me.md)\r\n', 'user_me.md': 'me\n' });
    await folder.refresh();
    const created = await folder.create('success', 'run migrations first', undefined, true);
    expect(created.name).toBe('feedback_success_run_migrations_first.md');
    expect(await fs.readFile(path.join(dir, created.name), 'utf8')).toBe('# run migrations first\n\n');
    expect(await fs.readFile(path.join(dir, 'MEMORY.md'), 'utf8')).toBe(
      '# Memory\r\n- [me](user_me.md)\r\n- [run migrations first](feedback_success_run_migrations_first.md)\r\n',
    );
    expect(folder.health().unlisted).toEqual([]);
    expect((await caught(folder.create('success', 'run migrations first', 'other', true))).code).toBe('already-exists');
  });

  it('creates the folder and the index for the first entry', async () => {
    const dir = path.join(makeTempDir(), 'memory');
    const folder = new MemoryFolder('repo', dir);
    await folder.refresh();
    await folder.create('user', 'Windows版', '# Windows\n', true);
    expect(await fs.readFile(path.join(dir, 'MEMORY.md'), 'utf8')).toBe('# Memory\n\n- [Windows](user_Windows版.md)\n');
  });

  it('renames a file and its index entries, never over another file', async () => {
    const { dir, folder } = folderWith({ 'MEMORY.md': '- [a](user_a.md)\n- user_a.md\n', 'user_a.md': 'a\n', 'user_b.md': 'b\n' });
    await folder.refresh();
    const version = hashContent('a\n');
    expect((await caught(folder.rename('user_a.md', 'user_b.md', version))).code).toBe('already-exists');
    expect(await fs.readFile(path.join(dir, 'user_b.md'), 'utf8')).toBe('b\n');
    const renamed = await folder.rename('user_a.md', 'user_ä.md', version);
    expect(renamed.name).toBe('user_ä.md');
    expect(await fs.readFile(path.join(dir, 'MEMORY.md'), 'utf8')).toBe('- [a](user_ä.md)\n- user_ä.md\n');
    expect((await fs.readdir(dir)).sort()).toEqual(['MEMORY.md', 'user_b.md', 'user_ä.md']);
  });

  it('deletes a file only when it is still the version the user saw', async () => {
    const { dir, folder } = folderWith({ 'user_a.md': 'a\n' });
    await folder.refresh();
    writeFileSync(path.join(dir, 'user_a.md'), 'a, newer\n');
    expect((await caught(folder.delete('user_a.md', hashContent('a\n')))).code).toBe('conflict');
    expect(await fs.readFile(path.join(dir, 'user_a.md'), 'utf8')).toBe('a, newer\n');
    await folder.delete('user_a.md', hashContent('a, newer\n'));
    expect(await fs.readdir(dir)).toEqual([]);
    expect(folder.list()).toEqual([]);
  });

  it('adds the files the index does not mention to it', async () => {
    const { dir, folder } = folderWith({ 'MEMORY.md': '# Memory\n- [a](user_a.md)\n- [gone](user_gone.md)', 'user_a.md': 'a\n', 'project_20260413_x.md': '# X state\n', 'feedback_correction_y.md': 'y\n' });
    await folder.refresh();
    expect(folder.health().dangling).toEqual([{ line: 3, target: 'user_gone.md' }]);
    await folder.indexUnlisted();
    expect(await fs.readFile(path.join(dir, 'MEMORY.md'), 'utf8')).toBe(
      '# Memory\n- [a](user_a.md)\n- [gone](user_gone.md)\n- [feedback_correction_y](feedback_correction_y.md)\n- [X state](project_20260413_x.md)\n',
    );
    expect(folder.health().unlisted).toEqual([]);
  });
});

describe('a memory folder that is a symbolic link leading out', () => {
  const cores: Lanes[] = [];
  afterEach(async () => {
    for (const core of cores.splice(0)) await core.dispose();
  });

  function outsideMemory(): string {
    const outside = makeTempDir('lanes-outside-');
    writeFiles(outside, { 'user_private.md': '# Private\nSECRET-VALUE-42\n' });
    return outside;
  }

  it('is refused with a clear message, and nothing in it is listed, read or searched', async () => {
    const outside = outsideMemory();
    const repo = makeTempDir('lanes-repo-');
    symlinkSync(outside, path.join(repo, 'memory'));
    const folder = new MemoryFolder('repo', path.join(repo, 'memory'), repo);
    const refusal = { code: 'outside-workspace', message: expect.stringContaining(`\`${path.join(repo, 'memory')}\` is, or lies below, a symbolic link leading out of \`${repo}\``) };
    await expect(folder.refresh()).rejects.toMatchObject(refusal);
    expect(() => folder.list()).toThrow('Lanes does not list or search the memory there');
    expect(() => folder.search('x', { limit: 1 })).toThrow('a symbolic link leading out of');
    await expect(folder.read('user_private.md')).rejects.toMatchObject(refusal);
    await expect(folder.save('user_new.md', 'x', null)).rejects.toMatchObject(refusal);
    expect(folder.exists).toBe(false);
  });

  it('stops being searched when the folder is replaced by such a link while the workspace is open', async () => {
    const outside = outsideMemory();
    const root = makeGitRepo({ 'memory/MEMORY.md': '# Memory\n', 'memory/user_me.md': '# Me\n' });
    const core = new Lanes({ userDataDir: makeTempDir('lanes-userdata-'), platform: { mode: 'web' }, version: 'test' });
    cores.push(core);
    expect((await core.call('workspace.open', { path: root })).ok).toBe(true);
    expect(await core.call('memory.search', { source: 'repo', query: 'Me' })).toMatchObject({ ok: true });

    rmSync(path.join(root, 'memory'), { recursive: true });
    symlinkSync(outside, path.join(root, 'memory'));
    const refused = await waitFor(async () => {
      const result = await core.call('memory.search', { source: 'repo', query: 'SECRET' });
      if (result.ok) expect((result.value as { hits: unknown[] }).hits).toEqual([]);
      return result.ok ? null : result.error;
    }, 'the search to be refused');
    expect(refused).toMatchObject({ code: 'outside-workspace', message: expect.stringContaining('symbolic link leading out of') });
  });
});

describe('removing a broken index entry', () => {
  it('removes exactly that line of MEMORY.md, keeping its BOM and CRLF, and refuses when the line changed or is not broken', async () => {
    const index = '\uFEFF# Memory\r\n- [me](user_me.md)\r\n- [gone](project_20260101_gone.md)\r\n- [also gone](feedback_x.md)\r\n';
    const { dir, folder } = folderWith({ 'MEMORY.md': index, 'user_me.md': '# Me\n' });
    await folder.refresh();
    expect(folder.health().dangling).toEqual([
      { line: 3, target: 'project_20260101_gone.md' },
      { line: 4, target: 'feedback_x.md' },
    ]);

    const notBroken = await caught(folder.removeIndexLine(2, 'user_me.md'));
    expect(notBroken.code).toBe('conflict');
    expect(notBroken.message).toMatch(/`user_me.md` exists/);
    const moved = await caught(folder.removeIndexLine(2, 'project_20260101_gone.md'));
    expect(moved.message).toMatch(/line 2 no longer points to `project_20260101_gone.md`/);
    expect(await fs.readFile(path.join(dir, 'MEMORY.md'), 'utf8')).toBe(index);

    await folder.removeIndexLine(3, 'project_20260101_gone.md');
    expect(await fs.readFile(path.join(dir, 'MEMORY.md'), 'utf8')).toBe('\uFEFF# Memory\r\n- [me](user_me.md)\r\n- [also gone](feedback_x.md)\r\n');
    expect(folder.health().dangling).toEqual([{ line: 3, target: 'feedback_x.md' }]);
  });

  it('refuses a MEMORY.md that is not valid UTF-8, and writes nothing', async () => {
    const { dir, folder } = folderWith({ 'user_me.md': '# Me\n' });
    const bytes = Buffer.concat([Buffer.from('# Memory\n- [gone](gone.md)\n'), Buffer.from([0xff, 0xfe, 0x0a])]);
    writeFileSync(path.join(dir, 'MEMORY.md'), bytes);
    await folder.refresh();
    expect((await caught(folder.removeIndexLine(2, 'gone.md'))).code).toBe('malformed-file');
    expect(await fs.readFile(path.join(dir, 'MEMORY.md'))).toEqual(bytes);
  });
});
