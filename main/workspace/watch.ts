import path from 'node:path';
import { isAtomicWriteTemp } from '../shared/atomic-file';
import { DisposableStore, type Disposable } from '../shared/disposable';
import { FolderWatch, Settle } from '../shared/folder-engine';
import { gitFolders } from '../shared/git';
import { resolveInside } from '../shared/path-guard';
import { CONFIG_FILE } from './config-file';

/**
 * Notices what the workspace screen shows changing on disk: the branch (HEAD in the git dir),
 * worktrees added or removed, and the coordination files. It watches a handful of folders
 * without recursion through the folder engine, so it costs the same on a repository of any size,
 * and calls `onChange` once per burst of changes in any of them. lanes.yml is the config
 * service's to watch: the session passes its changes in through `changed()`, so they join the
 * same burst.
 */
export class WorkspaceWatcher implements Disposable {
  private readonly owned = new DisposableStore();
  private readonly settle: Settle;

  private constructor(onChange: () => void) {
    this.settle = this.owned.add(new Settle(onChange));
  }

  static async start(root: string, folders: readonly string[], onChange: () => void): Promise<WorkspaceWatcher> {
    const watcher = new WorkspaceWatcher(onChange);
    const git = await gitFolders(root);
    // Each folder with the boundary its watch may climb to while the folder is missing.
    const targets = new Map<string, string>([[root, root]]);
    if (git) {
      targets.set(git.gitDir, git.gitDir);
      targets.set(path.join(git.commonDir, 'worktrees'), git.commonDir);
    }
    for (const folder of folders) {
      try {
        targets.set(resolveInside(root, folder), root);
      } catch {
        // A configured folder outside the repository is reported on the screen, not watched.
      }
    }
    for (const [target, boundary] of targets) {
      // Temporary files of atomic saves come and go; the rename that follows is the change.
      const accept = target === root ? (name: string) => !isAtomicWriteTemp(name) && name !== CONFIG_FILE : (name: string) => !isAtomicWriteTemp(name);
      watcher.owned.add(new FolderWatch(target, boundary, () => watcher.settle.poke(), { accept }));
    }
    return watcher;
  }

  /** Something the screen shows changed elsewhere (lanes.yml): refresh with this burst. */
  changed(): void {
    this.settle.poke();
  }

  dispose(): void {
    this.owned.dispose();
  }
}
