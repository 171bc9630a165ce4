import { promises as fs } from 'node:fs';
import path from 'node:path';
import { isMap, isSeq } from 'yaml';
import type { ScopeImport, ZoneInstance, ZonesState } from '../contract/zones';
import { readVersionedIfExists, writeFileAtomic } from '../shared/atomic-file';
import { LanesError, errnoCode } from '../shared/errors';
import { resolveInside } from '../shared/path-guard';
import type { LoadedConfig } from '../workspace/config';
import type { ConfigService } from '../workspace/config-service';
import { coordinationProblems } from '../workspace/coordination-check';
import { normalizeRepoPath, patternProblem } from './matcher';
import { parseScopeTable, writeScopeTable } from './scope-table';
import { zonesConfigFrom, type ZonesConfig } from './zones-config';

/**
 * Reading and saving zones: lanes.yml (the source of truth, edited through its YAML document so
 * comments survive) and the shared-state file's scope table (kept in step, the rest of the file
 * untouched). Both are read with their versions so a save can refuse a file changed meanwhile.
 */
export interface ZonesFiles {
  readonly loaded: LoadedConfig;
  readonly zones: ZonesConfig;
  readonly sharedStatePath: string;
  readonly sharedStateText: string | null;
  readonly sharedStateHash: string | null;
}

export async function readZonesFiles(root: string, lanesYml: ConfigService): Promise<ZonesFiles> {
  const loaded = await lanesYml.read();
  const zones = zonesConfigFrom(loaded.config);
  const sharedStatePath = resolveInside(root, loaded.config.paths.sharedState, { rootLabel: 'the repository' });
  let shared: { text: string | null; version: { hash: string | null } };
  try {
    shared = await readVersionedIfExists(sharedStatePath);
  } catch (error) {
    if (errnoCode(error) === 'EISDIR') {
      throw new LanesError('malformed-file', `The shared-state path \`${loaded.config.paths.sharedState}\` is a folder; set \`paths.sharedState\` in lanes.yml to a file.`);
    }
    throw error;
  }
  return { loaded, zones, sharedStatePath, sharedStateText: shared.text, sharedStateHash: shared.version.hash };
}

export function zonesState(files: ZonesFiles, fileCount: number): ZonesState {
  const table = files.sharedStateText === null ? null : parseScopeTable(files.sharedStateText);
  return {
    instances: files.loaded.config.instances.map((instance) => ({
      name: instance.name,
      role: instance.role,
      zones: instance.zones,
      worktree: instance.worktree ?? null,
      branch: instance.branch ?? null,
    })),
    common: [...files.zones.common],
    sharedState: {
      path: files.loaded.config.paths.sharedState,
      exists: files.sharedStateText !== null,
      tableFound: table?.found ?? false,
      problems: [...(table?.problems ?? [])],
    },
    versions: { config: files.loaded.version.hash, sharedState: files.sharedStateHash },
    fileCount,
    onViolation: files.zones.onViolation,
  };
}

export function importScopeTable(files: ZonesFiles): ScopeImport {
  const where = files.loaded.config.paths.sharedState;
  if (files.sharedStateText === null) return { path: where, found: false, rows: [], problems: [`\`${where}\` does not exist yet, so there is no table to import.`] };
  const table = parseScopeTable(files.sharedStateText);
  if (!table.found) {
    return { path: where, found: false, rows: [], problems: [`\`${where}\` has no Instance Scope Table (a \`| Instance | Owned Files |\` table).`] };
  }
  const known = new Set(files.loaded.config.instances.map((instance) => instance.name));
  return {
    path: where,
    found: true,
    rows: table.rows.map((row) => ({ instance: row.instance, zones: [...row.zones], known: known.has(row.instance) })),
    problems: [...table.problems],
  };
}

export interface SaveRequest {
  readonly instances: readonly ZoneInstance[];
  readonly versions: { readonly config: string | null; readonly sharedState: string | null };
}

/**
 * Saves the zones in one step: both files are checked against the versions the editor read
 * before either is written, then each is written atomically (lanes.yml first, as the source of
 * truth). Instances not in lanes.yml yet (from an imported table) are added with a custom role.
 */
export async function saveZones(root: string, lanesYml: ConfigService, request: SaveRequest): Promise<void> {
  const problems = request.instances.flatMap((instance) =>
    instance.zones.flatMap((zone) => {
      const problem = patternProblem(zone);
      return problem ? [`\`${zone}\` (${instance.name}) ${problem}`] : [];
    }),
  );
  if (problems.length > 0) throw new LanesError('invalid-argument', `Nothing was saved: ${problems.join('; ')}.`);
  const names = new Set<string>();
  for (const instance of request.instances) {
    if (names.has(instance.name.toLowerCase())) throw new LanesError('invalid-argument', `Nothing was saved: the instance "${instance.name}" appears twice.`);
    names.add(instance.name.toLowerCase());
  }

  const files = await readZonesFiles(root, lanesYml);
  const misplaced = coordinationProblems(root, { paths: files.loaded.config.paths, instances: addedZones(files, request.instances) }).filter(
    (problem) => problem.instance !== null || problem.key === 'home',
  );
  if (misplaced.length > 0) throw new LanesError('invalid-argument', `Nothing was saved. ${misplaced.map((problem) => problem.message).join(' ')}`);
  const changed: string[] = [];
  if (files.loaded.version.hash !== request.versions.config) changed.push('lanes.yml');
  if (files.sharedStateHash !== request.versions.sharedState) changed.push(`\`${files.loaded.config.paths.sharedState}\``);
  if (changed.length > 0) {
    throw new LanesError(
      'conflict',
      `${changed.join(' and ')} changed on disk since the editor read ${changed.length > 1 ? 'them' : 'it'}. Nothing was saved; reload to see the new version, then make your change again.`,
    );
  }

  const saved = await saveZonesConfig(lanesYml, files.loaded, request.instances);
  const allInstances = saved.config.instances.map((instance) => ({ name: instance.name, zones: instance.zones }));
  const nextShared = writeScopeTable(files.sharedStateText, allInstances);
  if (nextShared !== files.sharedStateText) {
    await fs.mkdir(path.dirname(files.sharedStatePath), { recursive: true });
    await writeFileAtomic(files.sharedStatePath, nextShared, { expected: { hash: files.sharedStateHash } });
  }
}

/**
 * Keeps an existing scope table in step with lanes.yml's instances after a change made anywhere
 * (an instance added or removed, zones edited by hand): only the table's rows change, and nothing
 * is written over an edit of the shared-state file made since it was read. A file without a table
 * is left alone; saving zones adds one.
 */
export async function syncScopeTable(root: string, lanesYml: ConfigService): Promise<boolean> {
  const files = await readZonesFiles(root, lanesYml);
  if (files.sharedStateText === null || !parseScopeTable(files.sharedStateText).found) return false;
  const instances = files.loaded.config.instances.map((instance) => ({ name: instance.name, zones: instance.zones }));
  const next = writeScopeTable(files.sharedStateText, instances);
  if (next === files.sharedStateText) return false;
  await writeFileAtomic(files.sharedStatePath, next, { expected: { hash: files.sharedStateHash } });
  return true;
}

export async function setOnViolation(lanesYml: ConfigService, onViolation: 'warn' | 'restore', versions: SaveRequest['versions']): Promise<void> {
  await lanesYml.edit((document) => document.setIn(['enforcement', 'onViolation'], onViolation), { expected: versions.config });
}

/**
 * The zones a save adds: those neither lanes.yml nor the scope table gives the instance yet. A
 * save may not add a zone that takes the requests or memory folder every instance writes; a
 * layout that already has one (the field report's `docs/` holds its requests folder) is shown
 * on the Workspace screen instead of blocking every later save.
 */
function addedZones(files: ZonesFiles, instances: readonly ZoneInstance[]): ZoneInstance[] {
  const table = files.sharedStateText === null ? [] : parseScopeTable(files.sharedStateText).rows;
  return instances.map((instance) => {
    const known = [
      ...(files.loaded.config.instances.find((existing) => existing.name === instance.name)?.zones ?? []),
      ...(table.find((row) => row.instance === instance.name)?.zones ?? []),
    ].map((zone) => normalizeRepoPath(zone.trim()));
    return { name: instance.name, zones: instance.zones.filter((zone) => !known.includes(normalizeRepoPath(zone.trim()))) };
  });
}

/** Writes the zones into lanes.yml, refused if it is no longer the version the editor checked. */
function saveZonesConfig(lanesYml: ConfigService, checked: LoadedConfig, instances: readonly ZoneInstance[]): Promise<LoadedConfig> {
  return lanesYml.edit((document) => {
    if (!isSeq(document.get('instances', true))) document.set('instances', document.createNode([]));
    const sequence = document.get('instances', true);
    if (!isSeq(sequence)) return;
    for (const instance of instances) {
      const index = sequence.items.findIndex((item) => isMap(item) && item.get('name') === instance.name);
      if (index === -1) {
        sequence.items.push(document.createNode({ name: instance.name, role: 'custom', zones: [...instance.zones] }));
        continue;
      }
      const item = sequence.items[index];
      if (!isMap(item)) continue;
      const existing = item.get('zones', true);
      const node = document.createNode([...instance.zones]);
      if (isSeq(existing) && existing.flow) node.flow = true;
      if (isSeq(existing) && sameItems(existing.toJSON() as unknown[], instance.zones)) continue;
      item.set('zones', node);
    }
  }, { expected: checked.version.hash });
}

function sameItems(a: readonly unknown[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((value, index) => value === b[index]);
}
