import { existsSync, readdirSync, readFileSync, statSync, writeFileSync, chmodSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeTempDir } from '../../test/support/repo';
import { ABSENT, isAtomicWriteTemp, readVersioned, readVersionedIfExists, writeFileAtomic } from './atomic-file';

describe('writeFileAtomic', () => {
  it('writes the content and leaves no temporary file behind', async () => {
    const dir = makeTempDir();
    const file = path.join(dir, 'notes.md');
    await writeFileAtomic(file, 'hello\n');
    expect(readFileSync(file, 'utf8')).toBe('hello\n');
    expect(readdirSync(dir)).toEqual(['notes.md']);
  });

  it('replaces a file that is unchanged since it was read', async () => {
    const dir = makeTempDir();
    const file = path.join(dir, 'state.md');
    writeFileSync(file, 'one');
    const { version } = await readVersioned(file);
    const next = await writeFileAtomic(file, 'two', { expected: version });
    expect(readFileSync(file, 'utf8')).toBe('two');
    expect(next.hash).not.toBe(version.hash);
    await writeFileAtomic(file, 'three', { expected: next });
    expect(readFileSync(file, 'utf8')).toBe('three');
  });

  it('refuses to overwrite a file changed by someone else and keeps their change', async () => {
    const dir = makeTempDir();
    const file = path.join(dir, 'state.md');
    writeFileSync(file, 'original');
    const { version } = await readVersioned(file);
    writeFileSync(file, 'their edit');
    await expect(writeFileAtomic(file, 'our edit', { expected: version })).rejects.toMatchObject({
      code: 'conflict',
      message: expect.stringContaining('was changed by someone else'),
    });
    expect(readFileSync(file, 'utf8')).toBe('their edit');
    expect(readdirSync(dir)).toEqual(['state.md']);
  });

  it('refuses to recreate a file deleted by someone else', async () => {
    const dir = makeTempDir();
    const file = path.join(dir, 'gone.md');
    writeFileSync(file, 'x');
    const { version } = await readVersioned(file);
    unlinkSync(file);
    await expect(writeFileAtomic(file, 'y', { expected: version })).rejects.toMatchObject({ code: 'conflict' });
    expect(existsSync(file)).toBe(false);
  });

  it('creates a new file only when nobody created it meanwhile', async () => {
    const dir = makeTempDir();
    const file = path.join(dir, 'new.md');
    const seen = await readVersionedIfExists(file);
    expect(seen.text).toBeNull();
    writeFileSync(file, 'someone was faster');
    await expect(writeFileAtomic(file, 'ours', { expected: ABSENT })).rejects.toMatchObject({ code: 'conflict' });
    expect(readFileSync(file, 'utf8')).toBe('someone was faster');

    const other = path.join(dir, 'other.md');
    await writeFileAtomic(other, 'ours', { expected: ABSENT });
    expect(readFileSync(other, 'utf8')).toBe('ours');
    expect(readdirSync(dir).sort()).toEqual(['new.md', 'other.md']);
  });

  it('keeps the permission bits of the file it replaces', async () => {
    const dir = makeTempDir();
    const file = path.join(dir, 'script.sh');
    writeFileSync(file, '#!/bin/sh\n');
    chmodSync(file, 0o755);
    await writeFileAtomic(file, '#!/bin/sh\necho hi\n');
    expect(statSync(file).mode & 0o777).toBe(0o755);
  });

  it('keeps bytes exactly, including a BOM and CRLF', async () => {
    const dir = makeTempDir();
    const file = path.join(dir, 'Windows版#67.md');
    const text = '\uFEFF# タイトル\r\nline\r\n';
    await writeFileAtomic(file, text);
    const read = await readVersioned(file);
    expect(read.text).toBe(text);
  });
});

describe('isAtomicWriteTemp', () => {
  it('recognises the temporary files writeFileAtomic makes, and only those', async () => {
    const dir = makeTempDir();
    const file = path.join(dir, 'settings.local.json');
    const seen: string[] = [];
    const watcher = (await import('node:fs')).watch(dir, (_event, name) => name && seen.push(name));
    await writeFileAtomic(file, '{}');
    await new Promise((resolve) => setTimeout(resolve, 100));
    watcher.close();
    const temps = seen.filter((name) => name !== 'settings.local.json');
    expect(temps.length).toBeGreaterThan(0);
    expect(temps.every((name) => isAtomicWriteTemp(name))).toBe(true);
    for (const name of ['settings.local.json', '.env', 'notes.lanes.tmp', '.a.lanes-xyz.tmp', 'docs/.a.md.lanes-0123456789ab.tmp.md']) {
      expect(isAtomicWriteTemp(name), name).toBe(false);
    }
  });
});
