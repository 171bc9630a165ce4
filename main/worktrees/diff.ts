import { git } from '../shared/git';

export type DiffLineKind = 'context' | 'add' | 'delete' | 'note';

export interface DiffLine {
  readonly kind: DiffLineKind;
  readonly text: string;
  readonly oldLine: number | null;
  readonly newLine: number | null;
}

export interface DiffHunk {
  readonly header: string;
  readonly lines: DiffLine[];
}

export interface DiffFile {
  path: string;
  oldPath: string | null;
  status: 'added' | 'deleted' | 'modified' | 'renamed' | 'copied';
  binary: boolean;
  additions: number;
  deletions: number;
  hunks: DiffHunk[];
  /** The file's diff was longer than Lanes shows; the counts are still complete. */
  truncated: boolean;
}

/** Lines shown per file and overall, so a generated or vendored file cannot flood the UI. */
export const DIFF_LIMITS = { linesPerFile: 2000, totalLines: 20000 } as const;

/**
 * Everything an instance changed since it forked from its base: committed work and the
 * uncommitted edits in its worktree, against the merge base (what a pull request would show).
 */
export async function diffAgainstBase(cwd: string, mergeBase: string): Promise<DiffFile[]> {
  const output = await git(cwd, [
    '-c',
    'core.quotePath=false',
    'diff',
    '--no-color',
    '--no-ext-diff',
    '--no-textconv',
    '--find-renames',
    '--src-prefix=a/',
    '--dst-prefix=b/',
    mergeBase,
    '--',
  ]);
  return parseUnifiedDiff(output);
}

/** Parses `git diff` output into files, hunks and numbered lines, within DIFF_LIMITS. */
export function parseUnifiedDiff(output: string, limits: { linesPerFile: number; totalLines: number } = DIFF_LIMITS): DiffFile[] {
  const files: DiffFile[] = [];
  let file: DiffFile | null = null;
  let hunk: DiffHunk | null = null;
  let oldLine = 0;
  let newLine = 0;
  let shown = 0;
  let shownInFile = 0;

  const lines = output.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  for (const line of lines) {
    if (line.startsWith('diff --git ')) {
      const names = parseGitHeader(line.slice('diff --git '.length));
      file = { path: names.newPath, oldPath: null, status: 'modified', binary: false, additions: 0, deletions: 0, hunks: [], truncated: false };
      files.push(file);
      hunk = null;
      shownInFile = 0;
      continue;
    }
    if (!file) continue;
    if (hunk === null) {
      if (line.startsWith('new file mode')) file.status = 'added';
      else if (line.startsWith('deleted file mode')) file.status = 'deleted';
      else if (line.startsWith('rename from ')) {
        file.status = 'renamed';
        file.oldPath = line.slice('rename from '.length);
      } else if (line.startsWith('rename to ')) file.path = line.slice('rename to '.length);
      else if (line.startsWith('copy from ')) {
        file.status = 'copied';
        file.oldPath = line.slice('copy from '.length);
      } else if (line.startsWith('copy to ')) file.path = line.slice('copy to '.length);
      else if (line.startsWith('Binary files ')) file.binary = true;
      else if (line.startsWith('--- ') || line.startsWith('+++ ')) {
        const name = line.slice(4);
        if (name !== '/dev/null' && line.startsWith('+++ ')) file.path = stripPrefix(name, 'b/');
        if (name !== '/dev/null' && line.startsWith('--- ') && file.status === 'modified') {
          const old = stripPrefix(name, 'a/');
          if (old !== file.path) file.oldPath = old;
        }
      }
    }
    const header = /^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(line);
    if (header) {
      oldLine = Number(header[1]);
      newLine = Number(header[2]);
      hunk = { header: line, lines: [] };
      if (shownInFile < limits.linesPerFile && shown < limits.totalLines) file.hunks.push(hunk);
      else file.truncated = true;
      continue;
    }
    if (!hunk) continue;
    const marker = line[0];
    let entry: DiffLine;
    if (marker === '+') {
      file.additions += 1;
      entry = { kind: 'add', text: line.slice(1), oldLine: null, newLine: newLine++ };
    } else if (marker === '-') {
      file.deletions += 1;
      entry = { kind: 'delete', text: line.slice(1), oldLine: oldLine++, newLine: null };
    } else if (marker === '\\') {
      entry = { kind: 'note', text: line.slice(1).trim(), oldLine: null, newLine: null };
    } else {
      entry = { kind: 'context', text: line.slice(1), oldLine: oldLine++, newLine: newLine++ };
    }
    if (shownInFile < limits.linesPerFile && shown < limits.totalLines) {
      hunk.lines.push(entry);
      shownInFile += 1;
      shown += 1;
    } else {
      file.truncated = true;
    }
  }
  return files;
}

/** `a/x b/x` from `diff --git a/x b/x`; with spaces in names the halves are equal for unrenamed files. */
function parseGitHeader(rest: string): { newPath: string } {
  const quoted = /^"a\/(.*)" "b\/(.*)"$/.exec(rest);
  if (quoted) return { newPath: quoted[2]! };
  const half = (rest.length - 1) / 2;
  if (Number.isInteger(half) && rest.slice(0, half).startsWith('a/') && rest.slice(half + 1).startsWith('b/')) {
    return { newPath: rest.slice(half + 3) };
  }
  const split = rest.indexOf(' b/');
  return { newPath: split === -1 ? rest : rest.slice(split + 3) };
}

function stripPrefix(name: string, prefix: string): string {
  const unquoted = name.startsWith('"') && name.endsWith('"') ? name.slice(1, -1) : name;
  return unquoted.startsWith(prefix) ? unquoted.slice(prefix.length) : unquoted;
}
