import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, renameSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { makeTempDir } from '../../test/support/repo';
import { waitFor } from '../../test/support/wait';
import { DisposableStore } from './disposable';
import { FolderWatch, Settle, openFolderWatches, readFileIfChanged, readOpenFile, type FolderChange, type FolderWatchOptions } from './folder-engine';

const owner = new DisposableStore();
afterEach(() => owner.clear());

function watch(folder: string, boundary: string, options?: FolderWatchOptions) {
  const changes: FolderChange[] = [];
  const instance = owner.add(new FolderWatch(folder, boundary, (change) => changes.push(change), options));
  const names = () => new Set(changes.flatMap((change) => (change === 'all' ? ['*'] : [...change])));
  return { instance, changes, names };
}

describe('FolderWatch', () => {
  it('gathers a burst of writes into a few reports naming every file', async () => {
    const root = makeTempDir();
    const { changes, names } = watch(root, root);
    for (let index = 0; index < 200; index += 1) writeFileSync(path.join(root, `file-${index}.md`), `# ${index}\n`);
    await waitFor(() => [...Array(200).keys()].every((index) => names().has(`file-${index}.md`)), 'every file to be reported');
    expect(changes.length).toBeLessThan(20);
  });

  it('waits for a missing folder, and reports everything when it appears or goes away', async () => {
    const root = makeTempDir();
    const folder = path.join(root, 'docs', 'requests');
    const { instance, changes } = watch(folder, root);
    expect(instance.exists).toBe(false);
    expect(instance.watchedFolder).toBe(root);
    mkdirSync(path.join(root, 'docs'));
    await waitFor(() => instance.watchedFolder === path.join(root, 'docs'), 'the watch to move down to docs/');
    expect(changes).toEqual([]);
    mkdirSync(folder);
    await waitFor(() => instance.exists, 'the folder to be watched');
    expect(changes).toEqual(['all']);

    writeFileSync(path.join(folder, 'a.md'), 'a');
    await waitFor(() => changes.some((change) => change !== 'all' && change.has('a.md')), 'the file');

    const before = changes.length;
    rmSync(folder, { recursive: true });
    await waitFor(() => !instance.exists && changes.length > before && changes.at(-1) === 'all', 'the folder to be gone');
    mkdirSync(folder);
    await waitFor(() => instance.exists, 'the folder to be watched again');
    writeFileSync(path.join(folder, 'b.md'), 'b');
    await waitFor(() => changes.some((change) => change !== 'all' && change.has('b.md')), 'the file in the folder made anew');
  });

  it('notices a folder replaced by another of the same name, and watches the new one', async () => {
    const root = makeTempDir();
    const folder = path.join(root, 'memory');
    mkdirSync(folder);
    const { instance, changes } = watch(folder, root);
    expect(instance.exists).toBe(true);
    const staged = path.join(root, 'memory-next');
    mkdirSync(staged);
    writeFileSync(path.join(staged, 'note.md'), 'n');
    rmSync(folder, { recursive: true });
    renameSync(staged, folder);
    await waitFor(() => changes.includes('all') && instance.exists, 'the replaced folder to be reported and watched');
    writeFileSync(path.join(folder, 'later.md'), 'l');
    await waitFor(() => changes.some((change) => change !== 'all' && change.has('later.md')), 'a file in the new folder');
  });

  it('reports only the names it accepts, and still sees its folder go away', async () => {
    const root = makeTempDir();
    const folder = path.join(root, 'state');
    mkdirSync(folder);
    const { instance, changes } = watch(folder, root, { accept: (name) => name === 'SHARED.md' });
    writeFileSync(path.join(folder, 'other.md'), 'o');
    writeFileSync(path.join(folder, 'SHARED.md'), 's');
    await waitFor(() => changes.length > 0, 'a report');
    expect(changes).toEqual([new Set(['SHARED.md'])]);
    rmSync(folder, { recursive: true });
    await waitFor(() => !instance.exists && changes.at(-1) === 'all', 'the folder to be gone');
  });

  it('does not watch a folder that is a symbolic link leading out of its boundary', async () => {
    const root = makeTempDir();
    const outside = makeTempDir('lanes-outside-');
    mkdirSync(path.join(root, 'requests'));
    symlinkSync(outside, path.join(root, 'requests', 'done'));
    const { instance, names } = watch(path.join(root, 'requests', 'done'), root);
    expect(instance.exists).toBe(false);

    // The requests folder is watched in its stead, so the link being replaced by a folder is seen.
    writeFileSync(path.join(outside, 'outside.md'), 'x');
    rmSync(path.join(root, 'requests', 'done'));
    mkdirSync(path.join(root, 'requests', 'done'));
    await waitFor(() => instance.exists, 'the real folder to be watched');
    expect(names().has('outside.md')).toBe(false);
  });

  it('does not climb to a sibling whose name starts like the boundary', () => {
    const parent = makeTempDir();
    const boundary = path.join(parent, 'repo');
    mkdirSync(path.join(parent, 'repo-evil'), { recursive: true });
    const { instance } = watch(path.join(parent, 'repo-evil', 'docs'), boundary);
    expect(instance.watchedFolder).toBeNull();
  });

  it('reports nothing once disposed', async () => {
    const root = makeTempDir();
    const { instance, changes } = watch(root, root);
    // The positive control, on the same folder: it must see both writes. By the time it reports
    // the second, a watcher still alive would have reported the first.
    const control = watch(root, root);
    instance.dispose();
    writeFileSync(path.join(root, 'late.md'), 'late');
    await waitFor(() => control.names().has('late.md'), 'the control to see late.md');
    writeFileSync(path.join(root, 'later.md'), 'later');
    await waitFor(() => control.names().has('later.md'), 'the control to see later.md');
    expect(changes).toEqual([]);
  });

  it('counts its native watches, and frees them when disposed', () => {
    const root = makeTempDir();
    const before = openFolderWatches();
    const store = new DisposableStore();
    store.add(new FolderWatch(root, root, () => undefined));
    store.add(new FolderWatch(path.join(root, 'not', 'yet'), root, () => undefined));
    expect(openFolderWatches()).toBe(before + 2);
    store.dispose();
    expect(openFolderWatches()).toBe(before);
  });

  it('does not keep the process alive', async () => {
    const root = makeTempDir();
    const engine = path.resolve(__dirname, 'folder-engine.ts');
    const script = `const { FolderWatch, Settle } = require(${JSON.stringify(engine)});
      new FolderWatch(${JSON.stringify(root)}, ${JSON.stringify(root)}, () => undefined);
      new Settle(() => undefined).poke();
      process.stdout.write('watching');`;
    const child = spawn(process.execPath, ['--import', 'tsx', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    onTestFinished(() => {
      child.kill();
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(output).toBe('watching');
    expect(code).toBe(0);
  });
});

describe('Settle', () => {
  it('runs once for a burst of pokes, and never once disposed', async () => {
    let runs = 0;
    let ran: () => void = () => undefined;
    const settle = owner.add(new Settle(() => {
      runs += 1;
      ran();
    }));
    await new Promise<void>((resolve) => {
      ran = resolve;
      for (let index = 0; index < 50; index += 1) settle.poke();
    });
    expect(runs).toBe(1);

    const cancelled = new Settle(() => (runs += 100));
    cancelled.poke();
    cancelled.dispose();
    // The control: a Settle poked after the cancelled one runs after it would have.
    await new Promise<void>((resolve) => {
      ran = resolve;
      settle.poke();
    });
    expect(runs).toBe(2);
  });
});

describe('readFileIfChanged', () => {
  it('reads a file only when its size or time differs from the stamp known, and never through a link', () => {
    const folder = makeTempDir();
    const file = path.join(folder, 'a.md');
    writeFileSync(file, 'one');
    utimesSync(file, 1_000, 1_000);
    const first = readFileIfChanged(file, undefined)!;
    expect(first.bytes.toString()).toBe('one');
    expect(readFileIfChanged(file, first.stamp)).toBeUndefined();
    writeFileSync(file, 'two');
    utimesSync(file, 1_000, 1_000);
    // Same size and time: the one rule says unchanged, so nothing is read.
    expect(readFileIfChanged(file, first.stamp)).toBeUndefined();
    writeFileSync(file, 'three');
    expect(readFileIfChanged(file, first.stamp)?.bytes.toString()).toBe('three');
    symlinkSync(file, path.join(folder, 'link.md'));
    expect(readFileIfChanged(path.join(folder, 'link.md'), undefined)).toBeNull();
    expect(readFileIfChanged(path.join(folder, 'gone.md'), undefined)).toBeNull();
    mkdirSync(path.join(folder, 'sub.md'));
    expect(readFileIfChanged(path.join(folder, 'sub.md'), undefined)).toBeNull();
  });

  it('reads whole files of any size, and a file that grew or shrank after its fstat as it is now', () => {
    const folder = makeTempDir();
    for (const size of [0, 1, 2047, 2048, 8192, 65_537, 1_000_000]) {
      const content = Buffer.from(Array.from({ length: size }, (_, index) => index % 251));
      writeFileSync(path.join(folder, `f${size}.md`), content);
      expect(readFileIfChanged(path.join(folder, `f${size}.md`), undefined)!.bytes.equals(content), `${size} bytes`).toBe(true);
    }
    writeFileSync(path.join(folder, 'moving.md'), '0123456789');
    const fd = openSync(path.join(folder, 'moving.md'), 'r');
    try {
      expect(readOpenFile(fd, 3).toString()).toBe('0123456789');
      expect(readOpenFile(fd, 20).toString()).toBe('0123456789');
      expect(readOpenFile(fd, 10).toString()).toBe('0123456789');
    } finally {
      closeSync(fd);
    }
  });
});
