import { git, runGit } from '../shared/git';

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
  return parseStatus(await git(cwd, ['status', '--porcelain=v1', '-z', '--untracked-files=all']));
}

export async function currentBranch(cwd: string): Promise<string | null> {
  const result = await runGit(cwd, ['symbolic-ref', '--short', '-q', 'HEAD']);
  return result.code === 0 ? result.stdout.trim() || null : null;
}

/** What a checkout has checked out: its branch (null when HEAD is detached) and commit (null before the first commit). */
export interface CheckoutHead {
  readonly branch: string | null;
  readonly commit: string | null;
}

export async function checkoutHead(cwd: string): Promise<CheckoutHead> {
  const [branch, commit] = await Promise.all([currentBranch(cwd), runGit(cwd, ['rev-parse', '--verify', '-q', 'HEAD^{commit}'])]);
  return { branch, commit: commit.code === 0 ? commit.stdout.trim() || null : null };
}

/** The abbreviation people see for a commit, as `git log --oneline` shows it. */
export function shortCommit(commit: string): string {
  return commit.slice(0, 7);
}

/** Commits `head` has that `base` lacks (ahead) and the reverse (behind). */
export async function aheadBehind(cwd: string, base: string, head: string): Promise<{ ahead: number; behind: number }> {
  const output = await git(cwd, ['rev-list', '--left-right', '--count', `${base}...${head}`, '--']);
  const [behind, ahead] = output.trim().split(/\s+/).map(Number);
  return { ahead: ahead ?? 0, behind: behind ?? 0 };
}
