import { Worker } from 'node:worker_threads';

/**
 * How much disk a worktree takes, measured in a worker thread.
 *
 * A worktree is every file under its folder, node_modules included: tens or hundreds of thousands
 * of files. Walked on the core's own thread with `fs.promises`, each file cost about 50 µs of that
 * thread (a promise, a request to libuv's pool, a Stats object), and the Worktrees list measured
 * every worktree again each time lanes.yml or git's list of worktrees changed: in
 * bench/zones-new-worktree, the core spent 4 of its 16 busy seconds there, and a new worktree's
 * zones were ready later for it. A worker thread walks with synchronous calls (a few µs a file)
 * and leaves the core's thread free; measures asked for within DISK_USE_FRESH_MS of each other
 * share one walk.
 */

/** A measure this recent (or still running) answers the next ask for the same folder. */
export const DISK_USE_FRESH_MS = 10_000;
/** The worker thread ends after this long with nothing to measure (it starts again when asked). */
const WORKER_IDLE_MS = 15_000;

/**
 * The walk's CPU priority (nice), below the core's own threads and the file watchers' crawl: a
 * figure for the Worktrees list is worth less than a checkout watched sooner. Linux only, where
 * the nice value is the thread's (elsewhere it would lower the whole process), as the pty host's
 * screen thread does (screen-worker.ts).
 */
const DISK_USE_THREAD_NICENESS = 10;

/**
 * The walk, run in the worker. Plain JavaScript in a string: the worker starts from it (`eval`),
 * so it needs no file of its own on disk, where the packaged app's archive could not serve one.
 * Apparent sizes; symbolic links counted as links; a folder that went or cannot be read counts 0,
 * as does a file that went between the listing and its stat.
 */
const WALKER = `
const { parentPort } = require('node:worker_threads');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
if (process.platform === 'linux') {
  try {
    os.setPriority(0, Math.max(os.getPriority(0), ${DISK_USE_THREAD_NICENESS}));
  } catch {
    // not allowed here: the walk runs at the core's priority
  }
}
const UNREADABLE = new Set(['ENOENT', 'EACCES', 'ENOTDIR', 'EPERM']);
parentPort.on('message', ({ id, folder }) => {
  try {
    let bytes = 0;
    const folders = [folder];
    while (folders.length > 0) {
      const dir = folders.pop();
      let entries;
      try {
        entries = fs.readdirSync(dir, { withFileTypes: true });
      } catch (error) {
        if (UNREADABLE.has(error && error.code)) continue;
        throw error;
      }
      for (const entry of entries) {
        const file = path.join(dir, entry.name);
        if (entry.isDirectory()) folders.push(file);
        else bytes += fs.lstatSync(file, { throwIfNoEntry: false })?.size ?? 0;
      }
    }
    parentPort.postMessage({ id, bytes });
  } catch (error) {
    parentPort.postMessage({ id, error: error && error.message ? error.message : String(error) });
  }
});
`;

type Answer = { id: number; bytes: number } | { id: number; error: string };

const measures = new Map<string, { startedAt: number; bytes: Promise<number> }>();
const waiting = new Map<number, { folder: string; resolve: (bytes: number) => void; reject: (error: Error) => void }>();
let worker: Worker | null = null;
let idleTimer: NodeJS.Timeout | null = null;
let nextId = 1;

export interface DiskUseOptions {
  /** Walk again even after a recent measure (the user pressed Refresh). */
  readonly fresh?: boolean;
}

/** Bytes the files under `folder` take (apparent size), symbolic links counted as links. */
export function diskUse(folder: string, { fresh = false }: DiskUseOptions = {}): Promise<number> {
  const now = performance.now();
  for (const [measured, { startedAt }] of measures) if (now - startedAt >= DISK_USE_FRESH_MS) measures.delete(measured);
  const recent = measures.get(folder);
  if (recent && !fresh) return recent.bytes;
  const bytes = walkInWorker(folder);
  const measure = { startedAt: now, bytes };
  measures.set(folder, measure);
  // A failed measure is not kept: the next ask tries again.
  bytes.catch(() => {
    if (measures.get(folder) === measure) measures.delete(folder);
  });
  return bytes;
}

function walkInWorker(folder: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const id = nextId++;
    waiting.set(id, { folder, resolve, reject });
    if (idleTimer) clearTimeout(idleTimer);
    idleTimer = null;
    const thread = (worker ??= startWorker());
    // Held open while it owes an answer (a command-line run waits for it), let go once idle.
    thread.ref();
    thread.postMessage({ id, folder });
  });
}

function startWorker(): Worker {
  const thread = new Worker(WALKER, { eval: true });
  thread.on('message', (answer: Answer) => {
    const asked = waiting.get(answer.id);
    if (!asked) return;
    waiting.delete(answer.id);
    if ('bytes' in answer) asked.resolve(answer.bytes);
    else asked.reject(new Error(`Lanes could not measure the disk use of \`${asked.folder}\`: ${answer.error}`));
    if (waiting.size === 0) idle(thread);
  });
  const lost = (why: string) => {
    if (worker !== thread) return;
    worker = null;
    for (const [id, asked] of waiting) {
      waiting.delete(id);
      asked.reject(new Error(`Lanes could not measure the disk use of \`${asked.folder}\`: its worker thread ${why}.`));
    }
  };
  thread.on('error', (error) => lost(`failed (${error.message})`));
  thread.on('exit', (code) => lost(`exited with code ${code}`));
  return thread;
}

function idle(thread: Worker): void {
  thread.unref();
  idleTimer = setTimeout(() => {
    idleTimer = null;
    if (worker !== thread || waiting.size > 0) return;
    worker = null;
    void thread.terminate();
  }, WORKER_IDLE_MS);
  idleTimer.unref();
}
