import { watch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import { isAtomicWriteTemp } from '../shared/atomic-file';
import { gitOrNull } from '../shared/git';
import { resolveInside } from '../shared/path-guard';
import { CONFIG_FILE } from './config-file';

export const REFRESH_DELAY_MS = 250;

/**
 * Notices what the workspace screen shows changing on disk: the branch (HEAD in the git dir),
 * worktrees added or removed, and the coordination files. It watches a handful of folders
 * without recursion (inotify on Linux), so it costs the same on a repository of any size, and
 * calls `onChange` once per burst of changes. lanes.yml is the config service's to watch: the
 * session passes its changes in through `changed()`, so they join the same burst.
 */
export class WorkspaceWatcher {
  private readonly watchers: FSWatcher[] = [];
  private timer: NodeJS.Timeout | null = null;
  private disposed = false;

  private constructor(private readonly onChange: () => void) {}

  static async start(root: string, folders: readonly string[], onChange: () => void): Promise<WorkspaceWatcher> {
    const watcher = new WorkspaceWatcher(onChange);
    const gitDir = await gitOrNull(root, ['rev-parse', '--absolute-git-dir']);
    const commonDir = await gitOrNull(root, ['rev-parse', '--git-common-dir']);
    const targets = new Set<string>([root]);
    if (gitDir) targets.add(gitDir.trim());
    if (commonDir) targets.add(path.join(path.resolve(root, commonDir.trim()), 'worktrees'));
    for (const folder of folders) {
      try {
        targets.add(resolveInside(root, folder));
      } catch {
        // A configured folder outside the repository is reported on the screen, not watched.
      }
    }
    for (const target of targets) watcher.watch(target, target === root);
    return watcher;
  }

  /** Something the screen shows changed elsewhere (lanes.yml): refresh with this burst. */
  changed(): void {
    this.schedule();
  }

  private watch(target: string, isRoot: boolean): void {
    try {
      const handle = watch(target, { persistent: false }, (_event, fileName) => {
        // Temporary files of atomic saves come and go; the rename that follows is the change.
        if (fileName !== null && (isAtomicWriteTemp(fileName) || (isRoot && fileName === CONFIG_FILE))) return;
        this.schedule();
      });
      handle.on('error', () => handle.close());
      this.watchers.push(handle);
    } catch {
      // Missing folders (no worktrees yet, no memory folder yet) simply are not watched.
    }
  }

  private schedule(): void {
    if (this.disposed || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      if (!this.disposed) this.onChange();
    }, REFRESH_DELAY_MS);
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
    for (const handle of this.watchers.splice(0)) handle.close();
  }
}
