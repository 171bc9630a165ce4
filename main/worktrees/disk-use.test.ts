import fs, { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { makeTempDir, writeFiles } from '../../test/support/repo';
import { DISK_USE_FRESH_MS, diskUse } from './disk-use';

afterEach(() => {
  vi.restoreAllMocks();
  vi.useRealTimers();
});

describe('diskUse', () => {
  it('adds up every file in every folder, links as links; a folder that is gone counts 0', async () => {
    const root = makeTempDir();
    const files: Record<string, string> = {};
    let expected = 0;
    for (let folder = 0; folder < 30; folder += 1) {
      for (let file = 0; file < 20; file += 1) {
        const content = 'x'.repeat(folder * 20 + file + 1);
        files[`d${folder % 5}/sub${folder}/deeper/f${file}.txt`] = content;
        expected += content.length;
      }
    }
    writeFiles(root, files);
    symlinkSync('/nonexistent/target/of/some/length', path.join(root, 'link'));
    expected += '/nonexistent/target/of/some/length'.length;
    expect(await diskUse(root)).toBe(expected);
    expect(await diskUse(path.join(root, 'missing'))).toBe(0);
    const file = path.join(root, 'd0', 'sub0', 'deeper', 'f0.txt');
    expect(await diskUse(file)).toBe(0); // not a folder: nothing under it
  });

  it("walks in a worker thread, never with the core's own file-system calls", async () => {
    const root = makeTempDir();
    writeFiles(root, { 'a/one.txt': '1', 'a/b/two.txt': '22', 'three.txt': '333' });
    const spies = [vi.spyOn(fs.promises, 'lstat'), vi.spyOn(fs.promises, 'readdir'), vi.spyOn(fs.promises, 'stat'), vi.spyOn(fs, 'lstatSync'), vi.spyOn(fs, 'readdirSync')];
    expect(await diskUse(root)).toBe(6);
    for (const spy of spies) expect(spy).not.toHaveBeenCalled();
  });

  it.runIf(process.platform === 'linux')("walks at a lower CPU priority than the core's own thread", async () => {
    const root = makeTempDir();
    writeFiles(root, { 'one.txt': '1' });
    expect(await diskUse(root)).toBe(1);
    // The worker thread stays a while after its walk: one of this process's threads is at nice 10.
    const nice = (task: string) => Number(readFileSync(`/proc/self/task/${task}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ')[16]);
    const niceness = readdirSync('/proc/self/task').map(nice);
    expect(nice(String(process.pid))).toBeLessThan(10);
    expect(niceness).toContain(10);
  });

  it('answers asks that come together, or within DISK_USE_FRESH_MS, with one walk', async () => {
    vi.useFakeTimers({ toFake: ['performance'] });
    const root = makeTempDir();
    writeFiles(root, { 'one.txt': 'x'.repeat(100) });
    const [first, second] = await Promise.all([diskUse(root), diskUse(root)]);
    expect([first, second]).toEqual([100, 100]);
    writeFileSync(path.join(root, 'two.txt'), 'y'.repeat(50));
    vi.advanceTimersByTime(DISK_USE_FRESH_MS - 1_000);
    expect(await diskUse(root)).toBe(100);
    vi.advanceTimersByTime(1_000);
    expect(await diskUse(root)).toBe(150);
  });

  it('walks again when asked for a fresh figure (the user pressed Refresh), and later asks get it', async () => {
    const root = makeTempDir();
    writeFiles(root, { 'one.txt': 'x'.repeat(100) });
    expect(await diskUse(root)).toBe(100);
    writeFileSync(path.join(root, 'two.txt'), 'y'.repeat(50));
    expect(await diskUse(root)).toBe(100);
    expect(await diskUse(root, { fresh: true })).toBe(150);
    expect(await diskUse(root)).toBe(150);
  });

  it('says which folder it could not measure, and goes on measuring others', async () => {
    const tooLong = path.join(makeTempDir(), 'x'.repeat(5000));
    await expect(diskUse(tooLong)).rejects.toThrow(/^Lanes could not measure the disk use of `.+`: ENAMETOOLONG/);
    const root = makeTempDir();
    writeFiles(root, { 'one.txt': '1' });
    expect(await diskUse(root)).toBe(1);
  });

  it('measures folders side by side, each its own', async () => {
    const roots = Array.from({ length: 4 }, (_, index) => {
      const root = makeTempDir();
      mkdirSync(path.join(root, 'deep', 'er'), { recursive: true });
      writeFileSync(path.join(root, 'deep', 'er', 'file.bin'), Buffer.alloc(1000 * (index + 1)));
      return root;
    });
    expect(await Promise.all(roots.map((root) => diskUse(root)))).toEqual([1000, 2000, 3000, 4000]);
  });
});
