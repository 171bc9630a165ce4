import { watch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import { gitOrNull } from '../shared/git';
import { resolveInside } from '../shared/path-guard';

export const REFRESH_DELAY_MS = 250;

/**
 * Notices what the workspace screen shows changing on disk: the branch (HEAD in the git dir),
 * worktrees added or removed, lanes.yml and the coordination files at the root. It watches a
 * handful of folders without recursion (inotify on Linux), so it costs the same on a repository
 * of any size, and calls `onChange` once per burst of changes.
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
    for (const target of targets) watcher.watch(target);
    return watcher;
  }

  private watch(target: string): void {
    try {
      const handle = watch(target, { persistent: false }, () => this.schedule());
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
