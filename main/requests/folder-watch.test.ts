import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../test/support/repo';
import { FolderWatch, type FolderChange } from './folder-watch';
import { waitFor } from './test-support';

const watches: FolderWatch[] = [];
afterEach(() => {
  for (const watch of watches.splice(0)) watch.close();
});

function watch(folder: string, stopAt: string) {
  const changes: FolderChange[] = [];
  const instance = new FolderWatch(folder, stopAt, (change) => changes.push(change));
  watches.push(instance);
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
    mkdirSync(folder);
    await waitFor(() => instance.exists, 'the folder to be watched');
    expect(changes).toContain('all');

    writeFileSync(path.join(folder, 'a.md'), 'a');
    await waitFor(() => changes.some((change) => change !== 'all' && change.has('a.md')), 'the file');

    const before = changes.length;
    rmSync(folder, { recursive: true });
    await waitFor(() => !instance.exists && changes.length > before && changes.at(-1) === 'all', 'the folder to be gone');
    mkdirSync(folder);
    writeFileSync(path.join(folder, 'b.md'), 'b');
    await waitFor(() => instance.exists, 'the folder to be watched again');
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

  it('reports nothing once closed', async () => {
    const root = makeTempDir();
    const { instance, changes } = watch(root, root);
    // The positive control, on the same folder: it must see both writes. By the time it reports
    // the second, a watcher still alive would have reported the first.
    const control = watch(root, root);
    instance.close();
    writeFileSync(path.join(root, 'late.md'), 'late');
    await waitFor(() => control.names().has('late.md'), 'the control to see late.md');
    writeFileSync(path.join(root, 'later.md'), 'later');
    await waitFor(() => control.names().has('later.md'), 'the control to see later.md');
    expect(changes).toEqual([]);
  });
});
