import { promises as fs } from 'node:fs';
import path from 'node:path';
import { errnoCode } from '../shared/errors';
import { gitChecked, runGit } from './git-process';

export type ChangeKind = 'modified' | 'added' | 'deleted' | 'renamed' | 'copied' | 'typechange' | 'untracked' | 'conflicted';

export interface FileChange {
  readonly path: string;
  readonly oldPath: string | null;
  readonly kind: ChangeKind;
  /** True when the change is in the index (staged for the next commit). */
  readonly staged: boolean;
}

/** Parses `git status --porcelain=v1 -z`: `XY path\0`, and `XY new\0old\0` for renames and copies. */
export function parseStatus(output: string): FileChange[] {
  const fields = output.split('\0');
  const changes: FileChange[] = [];
  for (let index = 0; index < fields.length; index += 1) {
    const field = fields[index]!;
    if (field.length < 4) continue;
    const x = field[0]!;
    const y = field[1]!;
    const filePath = field.slice(3);
    let oldPath: string | null = null;
    if (x === 'R' || x === 'C' || y === 'R' || y === 'C') {
      oldPath = fields[index + 1] ?? null;
      index += 1;
    }
    changes.push({ path: filePath, oldPath, kind: changeKind(x, y), staged: x !== ' ' && x !== '?' && x !== '!' });
  }
  return changes;
}

function changeKind(x: string, y: string): ChangeKind {
  const pair = x + y;
  if (pair === '??') return 'untracked';
  if (x === 'U' || y === 'U' || pair === 'AA' || pair === 'DD') return 'conflicted';
  for (const code of [x, y]) {
    if (code === 'R') return 'renamed';
    if (code === 'C') return 'copied';
  }
  if (x === 'A') return 'added';
  if (x === 'D' || y === 'D') return 'deleted';
  if (x === 'T' || y === 'T') return 'typechange';
  return 'modified';
}

/** Uncommitted changes in a checkout, untracked files included (they would be lost with the folder). */
export async function readChanges(cwd: string): Promise<FileChange[]> {
  return parseStatus(await gitChecked(cwd, ['status', '--porcelain=v1', '-z', '--untracked-files=all']));
}

export async function currentBranch(cwd: string): Promise<string | null> {
  const result = await runGit(cwd, ['symbolic-ref', '--short', '-q', 'HEAD']);
  return result.code === 0 ? result.stdout.trim() || null : null;
}

/** Commits `head` has that `base` lacks (ahead) and the reverse (behind). */
export async function aheadBehind(cwd: string, base: string, head: string): Promise<{ ahead: number; behind: number }> {
  const output = await gitChecked(cwd, ['rev-list', '--left-right', '--count', `${base}...${head}`, '--']);
  const [behind, ahead] = output.trim().split(/\s+/).map(Number);
  return { ahead: ahead ?? 0, behind: behind ?? 0 };
}

/**
 * Bytes the files under a folder take (apparent size), symbolic links counted as links.
 * Everything is counted, ignored folders such as node_modules included: that is the disk the
 * worktree costs.
 */
export async function diskUse(folder: string): Promise<number> {
  let total = 0;
  let pending = [folder];
  while (pending.length > 0) {
    const next: string[] = [];
    await Promise.all(
      pending.map(async (dir) => {
        let entries;
        try {
          entries = await fs.readdir(dir, { withFileTypes: true });
        } catch (error) {
          if (['ENOENT', 'EACCES', 'ENOTDIR', 'EPERM'].includes(errnoCode(error) ?? '')) return;
          throw error;
        }
        const files: string[] = [];
        for (const entry of entries) {
          const full = path.join(dir, entry.name);
          if (entry.isDirectory()) next.push(full);
          else files.push(full);
        }
        for (let start = 0; start < files.length; start += 128) {
          const sizes = await Promise.all(
            files.slice(start, start + 128).map((file) =>
              fs.lstat(file).then(
                (stat) => stat.size,
                () => 0,
              ),
            ),
          );
          for (const size of sizes) total += size;
        }
      }),
    );
    pending = next;
  }
  return total;
}
