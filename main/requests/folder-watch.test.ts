import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeTempDir } from '../../test/support/repo';
import { FolderWatch, type FolderChange } from './folder-watch';
import { waitFor } from './test-support';

// The watching itself is the folder engine's (main/shared/folder-engine.test.ts); this checks the
// requests board's handle on it.
describe('FolderWatch for the requests board', () => {
  it('reports the files of its folder until closed', async () => {
    const root = makeTempDir();
    const changes: FolderChange[] = [];
    const watch = new FolderWatch(root, root, (change) => changes.push(change));
    const control: FolderChange[] = [];
    const controlWatch = new FolderWatch(root, root, (change) => control.push(change));
    const named = (list: FolderChange[], name: string) => list.some((change) => change !== 'all' && change.has(name));
    try {
      writeFileSync(path.join(root, 'open.md'), 'o');
      await waitFor(() => named(changes, 'open.md'), 'open.md to be reported');
      watch.close();
      const count = changes.length;
      // The positive control sees both later writes; a watch still alive would have seen the first.
      writeFileSync(path.join(root, 'late.md'), 'l');
      await waitFor(() => named(control, 'late.md'), 'the control to see late.md');
      writeFileSync(path.join(root, 'later.md'), 'l');
      await waitFor(() => named(control, 'later.md'), 'the control to see later.md');
      expect(changes).toHaveLength(count);
    } finally {
      watch.close();
      controlWatch.close();
    }
  });
});
