import fs from 'node:fs';
import path from 'node:path';

export interface Disposable {
  dispose(): void;
}

/**
 * Watches a folder for changes to the files directly in it, whether or not it exists yet. While
 * the folder is missing it watches the nearest existing folder above it (never above `boundary`),
 * and moves down when the folder appears or back up when it is deleted. Events are gathered for
 * `delayMs` so an agent's burst of writes gives one callback.
 *
 * Node's fs.watch is used because memory folders are flat: one native watch per folder, on every
 * platform, with no recursive crawl.
 */
export function watchFolder(
  folder: string,
  boundary: string,
  onChange: (changedNames: string[] | null) => void,
  delayMs = 120,
  filter?: (fileName: string) => boolean,
): Disposable {
  let watcher: fs.FSWatcher | null = null;
  let watched: string | null = null;
  let timer: NodeJS.Timeout | null = null;
  let disposed = false;
  /** Names events reported since the last callback; null when some event could not say (look at everything). */
  let names: Set<string> | null = new Set();

  const target = path.resolve(folder);
  const limit = path.resolve(boundary);

  const nearestExisting = (): string | null => {
    let candidate = target;
    for (;;) {
      try {
        if (fs.statSync(candidate).isDirectory()) return candidate;
      } catch {
        // Not there (yet): look one level up.
      }
      if (candidate === limit) return null;
      const parent = path.dirname(candidate);
      if (parent === candidate || !parent.startsWith(limit)) return null;
      candidate = parent;
    }
  };

  const schedule = (name: string | null) => {
    if (disposed) return;
    if (name === null) names = null;
    else names?.add(name);
    if (timer) return;
    timer = setTimeout(() => {
      timer = null;
      if (disposed) return;
      const before = watched;
      arm();
      const reported = names === null || watched !== before ? null : [...names];
      names = new Set();
      onChange(reported);
    }, delayMs);
  };

  const arm = () => {
    if (disposed) return;
    const next = nearestExisting();
    if (next === watched && watcher) return;
    watcher?.close();
    watcher = null;
    watched = next;
    if (next === null) return;
    try {
      watcher = fs.watch(next, (_event, fileName) => {
        const name = fileName?.toString() ?? null;
        if (watched !== target) schedule(null);
        else if (name === null) schedule(null);
        else if (!filter || filter(name)) schedule(name);
      });
      watcher.on('error', () => {
        watcher?.close();
        watcher = null;
        watched = null;
        schedule(null);
      });
    } catch {
      watched = null;
    }
  };

  arm();
  return {
    dispose() {
      disposed = true;
      if (timer) clearTimeout(timer);
      watcher?.close();
      watcher = null;
    },
  };
}
