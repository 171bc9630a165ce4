import type { Ownership, TreeEntry } from '../contract/zones';
import { git } from '../shared/git';
import { normalizeRepoPath, patternProblem, type MatchOptions } from './matcher';
import { ZoneSet, type InstanceZone } from './zone-set';

/** The repository's tracked files, as git lists them (forward slashes, NFC, not quoted). */
export async function listTrackedFiles(root: string): Promise<string[]> {
  const stdout = await git(root, ['-c', 'core.quotepath=off', 'ls-files', '-z', '--cached']);
  return stdout.split('\0').filter((entry) => entry !== '').map(normalizeRepoPath);
}

interface FolderNode {
  readonly path: string;
  readonly name: string;
  readonly folders: Map<string, FolderNode>;
  /** Indexes into the tree's file list of the files directly in this folder. */
  readonly files: number[];
}

/** The tracked files as a folder tree, built once per listing and reused for every analysis. */
export class FileTree {
  readonly root: FolderNode = { path: '', name: '', folders: new Map(), files: [] };
  private readonly byPath = new Map<string, FolderNode>([['', this.root]]);

  constructor(readonly files: readonly string[]) {
    files.forEach((file, index) => {
      let node = this.root;
      let start = 0;
      for (let slash = file.indexOf('/'); slash !== -1; slash = file.indexOf('/', start)) {
        const name = file.slice(start, slash);
        let child = node.folders.get(name);
        if (!child) {
          child = { path: file.slice(0, slash), name, folders: new Map(), files: [] };
          node.folders.set(name, child);
          this.byPath.set(child.path, child);
        }
        node = child;
        start = slash + 1;
      }
      node.files.push(index);
    });
  }

  folder(path: string): FolderNode | undefined {
    return this.byPath.get(normalizeRepoPath(path));
  }
}

export type { Ownership, TreeEntry };

type PathGroup = Ownership['overlaps'][number];

export const MAX_GROUPS = 100;
export const MAX_CHILDREN = 1000;

interface Tally {
  readonly counts: number[];
  unowned: number;
  overlapping: number;
  common: number;
  total: number;
}

/**
 * Who owns what: every tracked file's owners under the given zones, the totals, the overlaps
 * and unowned areas (grouped into the largest folders that are wholly so), and the children of
 * the folders the editor has open. Paths in the common list count as common, not unowned.
 */
export function computeOwnership(
  tree: FileTree,
  instances: readonly InstanceZone[],
  common: readonly string[],
  openFolders: readonly string[] = [''],
  rule: MatchOptions = {},
): Ownership {
  const zones = new ZoneSet(instances, common, rule);
  // Most files have zero or one owner: keep those in a flat array and only overlaps in a map.
  const NONE = -1;
  const COMMON = -2;
  const MANY = -3;
  const single = new Int32Array(tree.files.length);
  const many = new Map<number, number[]>();
  const found: number[] = [];
  tree.files.forEach((file, index) => {
    found.length = 0;
    zones.ownerIndexes(file, found);
    if (found.length === 1) single[index] = found[0]!;
    else if (found.length > 1) {
      single[index] = MANY;
      many.set(index, [...found]);
    } else single[index] = zones.isCommon(file) ? COMMON : NONE;
  });
  const ownersAt = (index: number): readonly number[] => {
    const value = single[index]!;
    return value >= 0 ? [value] : value === MANY ? many.get(index)! : [];
  };

  const tallies = new Map<FolderNode, Tally>();
  const tally = (node: FolderNode): Tally => {
    const result: Tally = { counts: new Array(instances.length).fill(0), unowned: 0, overlapping: 0, common: 0, total: 0 };
    for (const child of node.folders.values()) {
      const sub = tally(child);
      for (let i = 0; i < result.counts.length; i += 1) result.counts[i]! += sub.counts[i]!;
      result.unowned += sub.unowned;
      result.overlapping += sub.overlapping;
      result.common += sub.common;
      result.total += sub.total;
    }
    for (const index of node.files) {
      const value = single[index]!;
      result.total += 1;
      if (value >= 0) result.counts[value]! += 1;
      else if (value === COMMON) result.common += 1;
      else if (value === NONE) result.unowned += 1;
      else {
        result.overlapping += 1;
        for (const owner of many.get(index)!) result.counts[owner]! += 1;
      }
    }
    tallies.set(node, result);
    return result;
  };
  const all = tally(tree.root);

  const entry = (kind: 'folder' | 'file', name: string, path: string, counts: Tally): TreeEntry => ({
    name,
    path,
    kind,
    files: counts.total,
    owners: instances.map((instance, i) => ({ name: instance.name, files: counts.counts[i]! })).filter((owner) => owner.files > 0),
    unowned: counts.unowned,
    overlapping: counts.overlapping,
    common: counts.common,
  });

  const folders: Record<string, { children: TreeEntry[]; more: number }> = {};
  for (const requested of openFolders) {
    const node = tree.folder(requested);
    if (!node) continue;
    const children: TreeEntry[] = [];
    for (const child of [...node.folders.values()].sort(byName)) children.push(entry('folder', child.name, child.path, tallies.get(child)!));
    const files = [...node.files].sort((a, b) => byName({ name: tree.files[a]! }, { name: tree.files[b]! }));
    for (const index of files) {
      const one: Tally = { counts: new Array(instances.length).fill(0), unowned: 0, overlapping: 0, common: 0, total: 0 };
      addFile(one, ownersAt(index), single[index] === COMMON);
      const file = tree.files[index]!;
      children.push(entry('file', file.slice(file.lastIndexOf('/') + 1), file, one));
      if (children.length >= MAX_CHILDREN) break;
    }
    folders[node.path] = { children, more: node.folders.size + node.files.length - children.length };
  }

  const percent = (count: number) => (all.total === 0 ? 0 : Math.round((count / all.total) * 1000) / 10);
  const ownerNames = (index: number) => ownersAt(index).map((i) => instances[i]!.name);
  return {
    total: all.total,
    owned: all.total - all.unowned - all.common,
    unowned: all.unowned,
    overlapping: all.overlapping,
    common: all.common,
    perInstance: instances.map((instance, i) => ({ name: instance.name, files: all.counts[i]!, percent: percent(all.counts[i]!) })),
    unownedPercent: percent(all.unowned),
    overlappingPercent: percent(all.overlapping),
    patternProblems: instances.flatMap((instance) =>
      instance.zones.flatMap((pattern) => {
        const problem = patternProblem(pattern);
        return problem ? [{ instance: instance.name, pattern, problem }] : [];
      }),
    ),
    overlaps: groups(tree, tallies, (t) => t.overlapping, (index) => single[index] === MANY, ownerNames),
    unownedPaths: groups(tree, tallies, (t) => t.unowned, (index) => single[index] === NONE, () => []),
    folders,
  };
}

function addFile(tally: Tally, owners: readonly number[], common: boolean): void {
  tally.total += 1;
  for (const owner of owners) tally.counts[owner]! += 1;
  if (owners.length > 1) tally.overlapping += 1;
  if (owners.length === 0) {
    if (common) tally.common += 1;
    else tally.unowned += 1;
  }
}

/** The largest folders wholly in a condition, else the single files, top-down, at most MAX_GROUPS. */
function groups(
  tree: FileTree,
  tallies: Map<FolderNode, Tally>,
  count: (tally: Tally) => number,
  fileMatches: (index: number) => boolean,
  ownerNames: (index: number) => string[],
): PathGroup[] {
  const out: PathGroup[] = [];
  const visit = (node: FolderNode): void => {
    for (const child of [...node.folders.values()].sort(byName)) {
      if (out.length >= MAX_GROUPS) return;
      const tally = tallies.get(child)!;
      const matching = count(tally);
      if (matching === 0) continue;
      if (matching === tally.total) {
        const names = new Set<string>();
        collect(child, (index) => ownerNames(index).forEach((name) => names.add(name)));
        out.push({ path: `${child.path}/`, files: matching, owners: [...names] });
      } else {
        visit(child);
      }
    }
    for (const index of node.files) {
      if (out.length >= MAX_GROUPS) return;
      if (fileMatches(index)) out.push({ path: tree.files[index]!, files: 1, owners: ownerNames(index) });
    }
  };
  visit(tree.root);
  return out;
}

function collect(node: FolderNode, each: (index: number) => void): void {
  for (const index of node.files) each(index);
  for (const child of node.folders.values()) collect(child, each);
}

function byName(a: { name: string }, b: { name: string }): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}
