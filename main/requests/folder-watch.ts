import fs from 'node:fs';
import path from 'node:path';
import { isInside } from '../shared/path-guard';

export type FolderChange = ReadonlySet<string> | 'all';

/**
 * Watches one folder's own entries (not a tree): the requests folder holds a few dozen to a
 * few thousand files, so one non-recursive `fs.watch` per folder is all it needs, where a
 * recursive watcher over the repository would cost far more. Events are gathered for
 * `debounceMs` and reported as the set of names that changed ('all' when the platform did not
 * say which, or when the folder itself appeared or went away).
 *
 * While the folder does not exist, the nearest existing parent (never above `stopAt`) is
 * watched instead, so the folder is picked up the moment it is created. A folder that is a
 * symbolic link leading out of `stopAt` counts as missing: Lanes does not watch (or list) what
 * lies outside the repository.
 */
export class FolderWatch {
  private watcher: fs.FSWatcher | null = null;
  private watching: string | null = null;
  private pending: Set<string> | 'all' | null = null;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    private readonly folder: string,
    private readonly stopAt: string,
    private readonly onChange: (change: FolderChange) => void,
    private readonly debounceMs = 40,
  ) {
    this.attach();
  }

  get exists(): boolean {
    return this.watching === this.folder;
  }

  /** Where the watch sits: the folder itself, or its nearest existing parent while it is missing. */
  get watchedFolder(): string | null {
    return this.watching;
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.watcher?.close();
    this.watcher = null;
  }

  private attach(): void {
    this.watcher?.close();
    this.watcher = null;
    let target = this.folder;
    while (!isFolderInside(target, this.stopAt)) {
      const parent = path.dirname(target);
      if (target === this.stopAt || parent === target || !isInside(this.stopAt, target)) {
        this.watching = null;
        return;
      }
      target = parent;
    }
    try {
      const watcher = fs.watch(target, { persistent: false }, (_event, name) => this.record(target, name ? String(name) : null));
      watcher.on('error', () => this.record(target, null));
      this.watcher = watcher;
      this.watching = target;
    } catch {
      this.watching = null;
    }
  }

  private record(target: string, name: string | null): void {
    if (this.closed) return;
    if (target !== this.folder || name === null) this.pending = 'all';
    else if (this.pending === null) this.pending = new Set([name]);
    else if (this.pending !== 'all') this.pending.add(name);
    this.timer ??= setTimeout(() => this.flush(), this.debounceMs);
  }

  private flush(): void {
    this.timer = null;
    if (this.closed) return;
    let change = this.pending;
    this.pending = null;
    const wasWatchingFolder = this.watching === this.folder;
    if (!wasWatchingFolder || !isFolderInside(this.folder, this.stopAt)) {
      this.attach();
      if (wasWatchingFolder || this.watching === this.folder) change = 'all';
      else return;
    }
    if (change !== null) this.onChange(change);
  }
}

function isFolderInside(target: string, boundary: string): boolean {
  try {
    return fs.statSync(target).isDirectory() && isInside(fs.realpathSync(boundary), fs.realpathSync(target));
  } catch {
    return false;
  }
}
