import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { statSync } from 'node:fs';
import path from 'node:path';
import { gitFolders, spawnGit } from '../shared/git';

/** Any path will do: git answers it after reading the index and the ignore files, which is the cost to pay early. */
const WARM_UP_PATH = '.lanes-warm-up';

interface Pending {
  readonly paths: readonly string[];
  readonly ignored: Set<string>;
  received: number;
  readonly resolve: (ignored: Set<string>) => void;
}

/**
 * Answers "does git ignore this path?" for one checkout through a single long-running
 * `git check-ignore --stdin` (with GIT_FLUSH=1 it answers each path as it reads it), so the
 * watcher does not pay for starting git on every batch of changes. Git reads the ignore files
 * once, so the process restarts when the repository's `info/exclude` changes (Lanes and other
 * tools add their generated files there) and when told a .gitignore changed (`restart()`).
 */
export class IgnoreOracle {
  private child: ChildProcessWithoutNullStreams | null = null;
  private readonly queue: Pending[] = [];
  private fields: string[] = [];
  private partial = '';
  private closed = false;
  private excludeFile: Promise<string | null> | null = null;
  private excludeStamp = '';

  constructor(private readonly checkout: string) {}

  /** The subset of `paths` git ignores (tracked files never count as ignored). */
  async ignored(paths: readonly string[]): Promise<Set<string>> {
    if (paths.length === 0 || this.closed) return new Set();
    if (await this.excludeChanged()) this.stopChild();
    if (this.closed) return new Set();
    return new Promise((resolve) => {
      const child = this.process();
      this.queue.push({ paths, ignored: new Set(), received: 0, resolve });
      child.stdin.write(paths.map((path) => `${path}\0`).join(''));
    });
  }

  /**
   * Starts git and waits for its first answer, so the first real question does not wait for git
   * to start and read the index (100–250 ms on a new worktree, which made the first violation late).
   */
  async prepare(): Promise<void> {
    await this.ignored([WARM_UP_PATH]);
  }

  restart(): void {
    this.stopChild();
  }

  close(): void {
    this.closed = true;
    this.stopChild();
  }

  private process(): ChildProcessWithoutNullStreams {
    if (this.child) return this.child;
    // It lives as long as the watch, so it is started outside the limit on git processes (see spawnGit).
    const child = spawnGit(this.checkout, ['-c', 'core.quotepath=off', 'check-ignore', '-z', '--stdin', '--non-matching', '--verbose'], { GIT_FLUSH: '1' });
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => this.read(chunk));
    child.stderr.resume();
    const finish = () => {
      if (this.child !== child) return;
      this.child = null;
      this.fields = [];
      this.partial = '';
      // Whatever was still waiting is answered "not ignored": reporting a write is safer than missing one.
      for (const pending of this.queue.splice(0)) pending.resolve(pending.ignored);
    };
    child.on('error', finish);
    child.on('close', finish);
    this.child = child;
    return child;
  }

  /** Each answer is four NUL-terminated fields: source, line, pattern, path (empty source: not ignored). */
  private read(chunk: string): void {
    const parts = (this.partial + chunk).split('\0');
    this.partial = parts.pop()!;
    for (const field of parts) {
      this.fields.push(field);
      if (this.fields.length < 4) continue;
      const [source, , , path] = this.fields;
      this.fields = [];
      const pending = this.queue[0];
      if (!pending) continue;
      if (source !== '') pending.ignored.add(path!);
      pending.received += 1;
      if (pending.received === pending.paths.length) {
        this.queue.shift();
        pending.resolve(pending.ignored);
      }
    }
  }

  private async excludeChanged(): Promise<boolean> {
    this.excludeFile ??= gitFolders(this.checkout).then(
      (folders) => (folders === null ? null : path.join(folders.commonDir, 'info', 'exclude')),
      () => null,
    );
    const excludeFile = await this.excludeFile;
    if (excludeFile === null) return false;
    let stamp = 'absent';
    try {
      const stat = statSync(excludeFile);
      stamp = `${stat.mtimeMs}:${stat.size}`;
    } catch {
      // No exclude file: nothing extra is ignored.
    }
    const changed = stamp !== this.excludeStamp;
    this.excludeStamp = stamp;
    return changed;
  }

  private stopChild(): void {
    const child = this.child;
    if (!child) return;
    this.child = null;
    for (const pending of this.queue.splice(0)) pending.resolve(pending.ignored);
    this.fields = [];
    this.partial = '';
    child.stdin.end();
    child.kill();
  }
}
