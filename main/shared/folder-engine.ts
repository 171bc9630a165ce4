import fs from 'node:fs';
import path from 'node:path';
import { disposableTimeout, toDisposable, type Disposable } from './disposable';
import { errnoCode } from './errors';
import { isInside } from './path-guard';

/**
 * How long a folder must be quiet before Lanes looks at it: an agent's save, a `git checkout` or
 * a burst of new request files is many events, and one look after them is enough. Every folder
 * watch in Lanes (requests, memory, the workspace screen, lanes.yml) settles by this one rule.
 */
export const FOLDER_SETTLE_MS = 120;

/**
 * What changed in a watched folder: the names of its entries that changed, or `'all'` when
 * Lanes cannot say which (the platform gave no name, the watch failed, or the folder itself
 * appeared, went away or was replaced). On `'all'` the owner looks at the whole folder again.
 */
export type FolderChange = ReadonlySet<string> | 'all';

/** What an owner remembers of a file to know, without reading it, that it has not changed. */
export interface FileStamp {
  readonly mtimeMs: number;
  readonly size: number;
}

/**
 * The one rule every folder owner uses to skip a read after a change was reported: the same size
 * and the same modification time mean the same file.
 */
export function sameStamp(known: FileStamp | undefined | null, stat: FileStamp): boolean {
  return known !== undefined && known !== null && known.mtimeMs === stat.mtimeMs && known.size === stat.size;
}

/**
 * Reads a regular file when its stamp differs from the one known: `undefined` when unchanged,
 * `null` when it is gone, not a file, or a symbolic link (never followed out of the folder).
 */
export function readFileIfChanged(target: string, known: FileStamp | undefined): { bytes: Buffer; stamp: FileStamp } | null | undefined {
  let fd: number;
  try {
    fd = fs.openSync(target, fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0));
  } catch (error) {
    if (['ENOENT', 'ENOTDIR', 'ELOOP'].includes(errnoCode(error) ?? '')) return null;
    throw error;
  }
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) return null;
    if (sameStamp(known, stat)) return undefined;
    const bytes = readOpenFile(fd, stat.size);
    return { bytes, stamp: { mtimeMs: stat.mtimeMs, size: bytes.byteLength } };
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * The whole of an open file that fstat said is `size` bytes long: one read when it still is (the
 * Memory screen's first look reads thousands of small files; `readFileSync` adds an fstat and a
 * second read to each), the whole file again when it grew meanwhile.
 */
export function readOpenFile(fd: number, size: number): Buffer {
  const buffer = Buffer.allocUnsafe(size + 1);
  let length = 0;
  while (length <= size) {
    const read = fs.readSync(fd, buffer, length, size + 1 - length, length);
    if (read === 0) break;
    length += read;
  }
  return length <= size ? buffer.subarray(0, length) : fs.readFileSync(fd);
}

/** Native watches the engine holds open now, so tests can check that closing an owner freed them. */
let openNativeWatches = 0;

/**
 * How many native folder watches are open. The engine's watches do not keep the process alive,
 * so `process.getActiveResourcesInfo()` does not list them: count them here instead.
 */
export function openFolderWatches(): number {
  return openNativeWatches;
}

export interface FolderWatchOptions {
  /** Which entry names matter; changes to the others are not reported. */
  readonly accept?: (name: string) => boolean;
}

/**
 * Runs `run` once after calls to `poke` stopped for FOLDER_SETTLE_MS, so a burst of events
 * becomes one look. Its timer never keeps the process alive.
 */
export class Settle implements Disposable {
  private timer: Disposable | null = null;
  private disposed = false;

  constructor(private readonly run: () => void) {}

  poke(): void {
    if (this.disposed || this.timer) return;
    this.timer = disposableTimeout(() => {
      this.timer = null;
      if (!this.disposed) this.run();
    }, FOLDER_SETTLE_MS);
  }

  dispose(): void {
    this.disposed = true;
    this.timer?.dispose();
    this.timer = null;
  }
}

/**
 * Watches one folder's own entries (not a tree), whether or not it exists yet. Coordination
 * folders are flat and hold a few dozen to a few thousand files, so one non-recursive `fs.watch`
 * per folder is all they need, on every platform, where a recursive watcher over the repository
 * would cost far more. Watches never keep the process alive.
 *
 * While the folder is missing, the nearest existing folder above it (never above `boundary`) is
 * watched instead, so the folder is picked up the moment it is created; it is then reported as
 * `'all'`, as it is when it goes away or is replaced. A folder that is a symbolic link leading
 * out of `boundary` counts as missing: Lanes does not watch (or list) what lies outside it.
 */
export class FolderWatch implements Disposable {
  private readonly folder: string;
  private readonly boundary: string;
  private readonly settle = new Settle(() => this.settled());
  private watcher: Disposable | null = null;
  private watching: string | null = null;
  /** The watched folder's inode, to notice it was deleted and made anew between two looks. */
  private watchingIno: bigint | null = null;
  private pending: Set<string> | 'all' | null = null;
  private disposed = false;

  constructor(
    folder: string,
    boundary: string,
    private readonly onChange: (change: FolderChange) => void,
    private readonly options: FolderWatchOptions = {},
  ) {
    this.folder = path.resolve(folder);
    this.boundary = path.resolve(boundary);
    this.attach();
  }

  /** Whether the folder itself is watched (it exists, inside the boundary). */
  get exists(): boolean {
    return this.watching === this.folder;
  }

  /** Where the watch sits: the folder itself, its nearest existing parent while it is missing, or nowhere. */
  get watchedFolder(): string | null {
    return this.watching;
  }

  dispose(): void {
    this.disposed = true;
    this.settle.dispose();
    this.unwatch();
  }

  /** Puts the watch on the folder, or on its nearest existing parent; keeps a live watch that is already there. */
  private attach(): void {
    let target = this.folder;
    let stat = folderInside(target, this.boundary);
    while (!stat) {
      const parent = path.dirname(target);
      if (target === this.boundary || parent === target || !isInside(this.boundary, parent)) {
        this.unwatch();
        return;
      }
      target = parent;
      stat = folderInside(target, this.boundary);
    }
    if (this.watcher && this.watching === target && this.watchingIno === stat.ino) return;
    this.unwatch();
    const watcher = watchNative(target, (name) => this.record(target, name), () => {
      // The watch is dead (its folder went away, or the system ran out of watches): look again.
      if (this.watcher === watcher) this.watcher = null;
      this.record(target, null);
    });
    if (!watcher) return;
    this.watcher = watcher;
    this.watching = target;
    this.watchingIno = stat.ino;
  }

  private unwatch(): void {
    this.watcher?.dispose();
    this.watcher = null;
    this.watching = null;
    this.watchingIno = null;
  }

  private record(target: string, name: string | null): void {
    if (this.disposed) return;
    if (target !== this.folder || name === null || this.watcher === null) this.pending = 'all';
    else if (this.options.accept && !this.options.accept(name)) {
      // Not reported, but still looked at: the event may be the folder itself going away.
    } else if (this.pending === null) this.pending = new Set([name]);
    else if (this.pending !== 'all') this.pending.add(name);
    this.settle.poke();
  }

  private settled(): void {
    if (this.disposed) return;
    let change = this.pending;
    this.pending = null;
    const hadFolder = this.watching === this.folder;
    const stillWatched = hadFolder && this.watcher !== null && folderInside(this.folder, this.boundary)?.ino === this.watchingIno;
    if (!stillWatched) {
      this.attach();
      if (!hadFolder && this.watching !== this.folder) return;
      change = 'all';
    }
    if (change !== null) this.onChange(change);
  }
}

/**
 * One non-recursive native watch that does not keep the process alive; null when the folder
 * cannot be watched (gone between a stat and the watch, or no watches left). On an error the
 * watch is closed before `onError` runs.
 */
function watchNative(target: string, onEvent: (name: string | null) => void, onError: () => void): Disposable | null {
  let handle: fs.FSWatcher;
  try {
    handle = fs.watch(target, { persistent: false }, (_event, name) => onEvent(name === null ? null : String(name)));
  } catch {
    return null;
  }
  openNativeWatches += 1;
  const watch = toDisposable(() => {
    openNativeWatches -= 1;
    handle.close();
  });
  handle.on('error', () => {
    watch.dispose();
    onError();
  });
  return watch;
}

/** The folder's stat when it is a folder inside `boundary` (symbolic links resolved); otherwise null. */
function folderInside(target: string, boundary: string): fs.BigIntStats | null {
  try {
    const stat = fs.statSync(target, { bigint: true });
    return stat.isDirectory() && isInside(fs.realpathSync(boundary), fs.realpathSync(target)) ? stat : null;
  } catch {
    return null;
  }
}
