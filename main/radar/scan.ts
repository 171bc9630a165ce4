import type { RadarCell, RadarLane, RadarOverlap, RadarReport } from '../contract/radar';
import { git, requireGitFolders, runGit } from '../shared/git';
import { compilePatterns, normalizeRepoPath } from '../zones/matcher';

/** One instance as the radar needs it: its branch and the base it merges back into. */
export interface LaneSource {
  readonly instance: string;
  /** Null when lanes.yml names none and the instance has no worktree on a branch. */
  readonly branch: string | null;
  readonly base: string | null;
}

export interface ScanOptions {
  /** lanes.yml's `common:` patterns, to mark overlaps on common files. */
  readonly common?: readonly string[];
  readonly ignoreCase?: boolean;
}

/**
 * Scans every lane: each branch against its base and against every other branch, with
 * `git merge-tree --write-tree`, which merges in git's object store and never touches a
 * checkout, the index or a ref. The work is as many git commands as there are pairs; the
 * process-wide git limit runs them a few at a time.
 */
export async function scanRadar(root: string, sources: readonly LaneSource[], options: ScanOptions = {}): Promise<RadarReport> {
  const started = performance.now();
  const commits = new Commits(root);
  const lanes = await Promise.all(sources.map((source) => readLane(root, source, commits)));
  const cells: Promise<RadarCell>[] = [];
  lanes.forEach((lane, index) => {
    cells.push(mergeCell(root, lane, null, lane.baseHead));
    for (const other of lanes.slice(index + 1)) cells.push(mergeCell(root, lane, other, other.lane.head));
  });
  const finished = await Promise.all(cells);
  return {
    scannedAt: new Date().toISOString(),
    durationMs: Math.round(performance.now() - started),
    lanes: lanes.map((lane) => lane.lane),
    cells: finished,
    overlaps: overlapsOf(
      lanes.map((lane) => lane.lane),
      options,
    ),
  };
}

interface ReadLane {
  readonly lane: RadarLane;
  readonly baseHead: string | null;
}

async function readLane(root: string, source: LaneSource, commits: Commits): Promise<ReadLane> {
  const empty: RadarLane = { instance: source.instance, branch: source.branch, base: source.base, head: null, ahead: null, behind: null, changed: [], problem: null };
  if (!source.branch) return { lane: { ...empty, problem: `"${source.instance}" has no branch: lanes.yml names none and it has no worktree on a branch.` }, baseHead: null };
  const [head, baseHead] = await Promise.all([commits.ofBranch(source.branch), source.base ? commits.of(source.base) : Promise.resolve(null)]);
  if (!head) return { lane: { ...empty, problem: `The branch "${source.branch}" of "${source.instance}" no longer exists.` }, baseHead };
  if (!source.base) return { lane: { ...empty, head, problem: `"${source.instance}" has no base: set \`base:\` for it in lanes.yml.` }, baseHead: null };
  if (!baseHead) return { lane: { ...empty, head, problem: `The base "${source.base}" of "${source.instance}" no longer exists. Set another base in lanes.yml.` }, baseHead: null };
  const [counts, changed] = await Promise.all([
    runGit(root, ['rev-list', '--left-right', '--count', `${baseHead}...${head}`]),
    runGit(root, ['-c', 'core.quotepath=off', 'diff', '--name-only', '-z', '--no-renames', `${baseHead}...${head}`]),
  ]);
  if (counts.code !== 0 || changed.code !== 0) {
    return { lane: { ...empty, head, problem: `"${source.branch}" has no common history with its base "${source.base}".` }, baseHead };
  }
  const [behind, ahead] = counts.stdout.trim().split(/\s+/).map(Number);
  return { lane: { ...empty, head, ahead: ahead ?? null, behind: behind ?? null, changed: splitNul(changed.stdout) }, baseHead };
}

/**
 * The commits the lanes' refs name, read once per scan: every local branch in one
 * `for-each-ref`, and any other base (a tag, a remote branch) once however many lanes name it.
 */
class Commits {
  private branches: Promise<Map<string, string>> | null = null;
  private readonly others = new Map<string, Promise<string | null>>();

  constructor(private readonly root: string) {}

  /** The branch's commit, or null when it is gone. */
  async ofBranch(branch: string): Promise<string | null> {
    this.branches ??= git(this.root, ['for-each-ref', '--format=%(objectname)%00%(refname)', 'refs/heads/']).then((output) => {
      const map = new Map<string, string>();
      for (const line of output.split('\n')) {
        const [commit, ref] = line.split('\0');
        if (commit && ref) map.set(ref.slice('refs/heads/'.length), commit);
      }
      return map;
    });
    return (await this.branches).get(branch) ?? null;
  }

  /** What a base names, as git reads it (a branch first, then a tag, a remote branch or a commit). */
  async of(ref: string): Promise<string | null> {
    const local = await this.ofBranch(ref);
    if (local) return local;
    let found = this.others.get(ref);
    if (!found) {
      found = runGit(this.root, ['rev-parse', '--verify', '-q', '--end-of-options', `${ref}^{commit}`]).then((result) => (result.code === 0 ? result.stdout.trim() : null));
      this.others.set(ref, found);
    }
    return found;
  }
}

async function mergeCell(root: string, lane: ReadLane, other: ReadLane | null, otherHead: string | null): Promise<RadarCell> {
  const cell = { instance: lane.lane.instance, other: other?.lane.instance ?? null };
  const head = lane.lane.head;
  if (!head || !otherHead) {
    const missing = !head ? lane.lane : other ? other.lane : lane.lane;
    return { ...cell, outcome: 'unknown', files: [], problem: missing.problem ?? `"${missing.instance}" has nothing to merge.` };
  }
  if (!other && lane.lane.problem) return { ...cell, outcome: 'unknown', files: [], problem: lane.lane.problem };
  // Exit 0: a clean merge; 1: conflicts, listed after the tree; anything else: git could not merge them.
  const result = await runGit(root, ['-c', 'core.quotepath=off', 'merge-tree', '--write-tree', '--name-only', '-z', '--no-messages', otherHead, head]);
  if (result.code === 0) return { ...cell, outcome: 'clean', files: [], problem: null };
  if (result.code === 1) return { ...cell, outcome: 'conflict', files: [...new Set(splitNul(result.stdout).slice(1))], problem: null };
  const said = result.stderr.replace(/^(fatal|error): /gm, '').trim();
  return { ...cell, outcome: 'unknown', files: [], problem: `git could not merge them: ${said || `merge-tree exited with code ${result.code}`}` };
}

function overlapsOf(lanes: readonly RadarLane[], options: ScanOptions): RadarOverlap[] {
  const isCommon = compilePatterns(options.common ?? [], { ignoreCase: options.ignoreCase === true });
  const changedBy = new Map<string, string[]>();
  for (const lane of lanes) {
    for (const file of lane.changed) {
      const instances = changedBy.get(file);
      if (instances) instances.push(lane.instance);
      else changedBy.set(file, [lane.instance]);
    }
  }
  return [...changedBy]
    .filter(([, instances]) => instances.length > 1)
    .map(([file, instances]) => ({ path: file, instances, common: isCommon(normalizeRepoPath(file)) }))
    .sort((a, b) => b.instances.length - a.instances.length || a.path.localeCompare(b.path));
}

function splitNul(output: string): string[] {
  return output.split('\0').filter((part) => part !== '');
}

/** The repository's common git folder (where every branch's ref lives), absolute. */
export async function commonGitDir(root: string): Promise<string> {
  return (await requireGitFolders(root)).commonDir;
}
