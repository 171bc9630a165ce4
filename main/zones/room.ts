import { existsSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { VIOLATION_LOG_LIMIT, type Enforcement, type Leases, type Violation, type Violations, type WatcherStatus } from '../contract/zones';
import type { OpenWorkspace, Room, RoomFactory } from '../core/room';
import { gitOrNull } from '../shared/git';
import { ignoresCase } from '../shared/path-guard';
import type { ConfigService, ConfigState, ConfigSubscription } from '../workspace/config-service';
import { LEASE_HISTORY_FILE_NAME, workspaceHome } from '../workspace/home';
import { installGuard, installPreCommitHook } from './install';
import { LeaseBook } from './lease-book';
import type { Lease } from './leases';
import { FileTree, computeOwnership, listTrackedFiles } from './ownership';
import { ZoneSet } from './zone-set';
import { ZoneWatcher, type WatchTarget } from './watcher';
import { whoOwns } from './who-owns';
import { instanceCheckout, ownCopyOfCoordinationFile, zonesConfigFrom, type ZonesConfig } from './zones-config';
import { importScopeTable, readZonesFiles, saveZones, setOnViolation, syncScopeTable, zonesState } from './zones-store';


/** Everything the zones room holds for the open workspace; disposed when it closes. */
class WorkspaceZones {
  tree: FileTree | null = null;
  config: ZonesConfig | null = null;
  zoneSet = new ZoneSet([], []);
  watcher: ZoneWatcher | null = null;
  watchers: WatcherStatus[] = [];
  notes: string[] = [];
  /** Why the last change to lanes.yml could not be applied, until a good one is. */
  configProblem: string | null = null;
  log: Violation[] = [];
  counts: Record<string, number> = {};
  total = 0;
  starting: Promise<void> = Promise.resolve();
  /** The guards and the pre-commit hook being installed, one set after another. */
  installing: Promise<void> = Promise.resolve();
  /** Which checkouts are guarded and watched, for which instances; a change restarts enforcement. */
  targetsKey = '';
  /** The checkouts whose guard this session installed, with their instances (`targetsKey` of each). */
  readonly guarded = new Set<string>();
  /** Saves in progress from the zones screen, which announce their own change when done. */
  saving = 0;
  closed = false;
  configChanges: ConfigSubscription | null = null;
  leaseBook: LeaseBook | null = null;
  /** The live leases as last read, which the watcher's zone set applies. */
  leases: readonly Lease[] = [];

  constructor(
    readonly workspace: OpenWorkspace,
    readonly lanesYml: ConfigService,
  ) {}
}

export const createZonesRoom: RoomFactory = (context): Room => {
  let current: WorkspaceZones | null = null;
  context.services.zones = {
    expectOwnChange: (checkout, repoPath, content) => current?.watcher?.expectOwnChange(real(checkout), repoPath, content),
    guard: async (instance, checkout) => {
      const zones = current;
      if (!zones || zones.closed) return;
      // As lanes.yml says now: the change that added the instance may not have reached enforcement yet.
      const config = zonesConfigFrom((await zones.lanesYml.read()).config);
      const target = (await watchTargets(zones.workspace.root, config)).find((candidate) => candidate.instances.includes(instance) && real(candidate.checkout) === real(checkout));
      if (!target) return;
      // In line with the other installs: every guard adds to the same git exclude file.
      const installed = zones.installing.then(() => installGuards(zones.workspace.root, config, [target], zones.guarded));
      zones.installing = installed.then(
        () => undefined,
        () => undefined,
      );
      const notes = await installed;
      if (notes.length > 0) console.error(`Lanes: ${notes.join(' ')}`);
    },
  };

  const state = (): WorkspaceZones => {
    const workspace = context.requireWorkspace();
    if (!current || current.workspace.root !== workspace.root) throw new Error('The zones room lost track of the open workspace.');
    return current;
  };

  const tree = async (zones: WorkspaceZones, fresh = false): Promise<FileTree> => {
    if (!zones.tree || fresh) zones.tree = new FileTree(await listTrackedFiles(zones.workspace.root));
    return zones.tree;
  };

  const violations = (zones: WorkspaceZones): Violations => ({ entries: zones.log, counts: zones.counts, total: zones.total });
  const enforcement = (zones: WorkspaceZones): Enforcement => ({
    watchers: zones.watchers,
    notes: zones.configProblem === null ? zones.notes : [...zones.notes, zones.configProblem],
  });

  /** Which instances own which zones: what the scope table shows. */
  const ownershipKey = (config: ZonesConfig | null): string => JSON.stringify(config?.instances.map((instance) => [instance.name, instance.zones]) ?? null);

  const applyConfig = (zones: WorkspaceZones, config: ZonesConfig): void => {
    zones.config = config;
    zones.zoneSet = new ZoneSet(config.instances, config.common, { ignoreCase: ignoresCase(zones.workspace.root) }, zones.leases);
  };

  const leasesChanged = (zones: WorkspaceZones, leases: Leases): void => {
    zones.leases = leases.live;
    if (zones.config) applyConfig(zones, zones.config);
    context.emit('zones.leasesChanged', leases);
  };

  /** The lease book, with lanes.yml's instances and zones as they are now. */
  const leaseBook = async (zones: WorkspaceZones): Promise<LeaseBook> => {
    if (!zones.leaseBook) throw new Error('The zones room lost track of the open workspace.');
    applyConfig(zones, (await readZonesFiles(zones.workspace.root, zones.lanesYml)).zones);
    return zones.leaseBook;
  };

  /**
   * Takes in lanes.yml as the config service parsed it, at once, so a zone given or taken away
   * applies to the next write; a broken file keeps the last good zones in force. A change the
   * zones screen saved itself is announced by its save, once both files are written.
   */
  const configChanged = async (zones: WorkspaceZones, state: ConfigState, announce: boolean): Promise<void> => {
    const hadProblem = zones.configProblem !== null;
    const ownershipBefore = ownershipKey(zones.config);
    try {
      if (state.status === 'invalid') throw state.error;
      const config = zonesConfigFrom(state.loaded.config);
      applyConfig(zones, config);
      zones.configProblem = null;
      if (hadProblem) context.emit('zones.enforcementChanged', enforcement(zones));
      // An instance was added, removed or moved to another worktree: guard and watch the new set.
      const targets = await watchTargets(zones.workspace.root, config);
      if (targetsKey(targets) !== zones.targetsKey) restartEnforcement(zones, { config, targets });
    } catch (error) {
      zones.configProblem = `lanes.yml could not be read, so the last saved zones stay in force: ${messageOf(error)}`;
      context.emit('zones.enforcementChanged', enforcement(zones));
    }
    // A zone save writes the table itself; any other change to the instances or their zones is
    // followed here (a change elsewhere in lanes.yml leaves the table alone).
    if (announce && state.status !== 'invalid' && ownershipKey(zones.config) !== ownershipBefore) {
      await syncScopeTable(zones.workspace.root, zones.lanesYml).catch((error: unknown) => {
        console.error(`Lanes could not bring the Instance Scope Table in step with lanes.yml: ${messageOf(error)}`);
      });
    }
    if (announce) context.emit('zones.changed', null);
  };

  /** Runs a save from the zones screen, announcing the change once when it is written. */
  const save = async (zones: WorkspaceZones, write: () => Promise<void>) => {
    zones.saving += 1;
    try {
      await write();
    } finally {
      zones.saving -= 1;
    }
    const files = await readZonesFiles(zones.workspace.root, zones.lanesYml);
    applyConfig(zones, files.zones);
    context.emit('zones.changed', null);
    return zonesState(files, (await tree(zones)).files.length);
  };

  /** Guards and watches the instances' checkouts, with lanes.yml as read now or as a change just brought it. */
  const startEnforcement = async (zones: WorkspaceZones, changed?: { config: ZonesConfig; targets: WatchTarget[] }): Promise<void> => {
    const root = zones.workspace.root;
    let config: ZonesConfig;
    try {
      config = changed?.config ?? (await readZonesFiles(root, zones.lanesYml)).zones;
    } catch (error) {
      zones.notes = [`Zones are not enforced: ${messageOf(error)}`];
      context.emit('zones.enforcementChanged', enforcement(zones));
      return;
    }
    applyConfig(zones, config);
    const targets = changed?.targets ?? (await watchTargets(root, config));
    zones.targetsKey = targetsKey(targets);
    // A checkout that went away (its worktree removed) gets its guard anew should it come back.
    const current = new Set(targets.map((target) => targetsKey([target])));
    for (const key of zones.guarded) if (!current.has(key)) zones.guarded.delete(key);
    if (zones.closed) return;
    // A running watcher takes the new set as it is: the checkouts it watches stay watched.
    zones.watcher ??= new ZoneWatcher({
      mainCheckout: real(root),
      zones: () => zones.zoneSet,
      mode: () => zones.config?.onViolation ?? 'warn',
      onStatus: (statuses) => {
        zones.watchers = statuses;
        context.emit('zones.enforcementChanged', enforcement(zones));
      },
      onViolations: (added) => record(zones, added),
      isCoordinationCopy: (checkout, repoPath) =>
        zones.config !== null && ownCopyOfCoordinationFile(repoPath, zones.config, { ignoreCase: ignoresCase(checkout) }) !== null,
    });
    const watcher = zones.watcher;
    // Installing the hooks and starting to watch are independent (the watcher never counts
    // .claude/settings.local.json or .git/), so at open both happen at once; the next change to
    // lanes.yml waits only for the watcher, not for the pre-commit hook (git work, slow under load).
    const guarding = zones.installing.then(() => installGuards(root, config, targets, zones.guarded));
    const installing = Promise.all([guarding, zones.installing.then(() => installHook(root, config))]);
    zones.installing = installing.then(
      ([guardNotes, hookNotes]) => {
        zones.notes = [...guardNotes, ...hookNotes];
        // After the guards: installing them adds to info/exclude, which restarts git's ignore checks.
        watcher.prepareIgnoreChecks();
        context.emit('zones.enforcementChanged', enforcement(zones));
      },
      (error: unknown) => {
        zones.notes = [`Zones are not enforced: ${messageOf(error)}`];
        context.emit('zones.enforcementChanged', enforcement(zones));
      },
    );
    // A checkout that a change to lanes.yml adds is guarded before it is watched. The guard's own
    // writes there (.claude/, a temporary file, a rename) would otherwise reach the watcher library
    // just as the watch begins, and its debounce (one per process: 50 ms after any event, restarted
    // by each further one, up to 500 ms) would hold back its report of an agent's first write.
    if (changed) await guarding.catch(() => undefined);
    await watcher.update(targets);
  };

  /** Applies a new set of instances and checkouts; the watches of checkouts that stay are never interrupted. */
  const restartEnforcement = (zones: WorkspaceZones, changed: { config: ZonesConfig; targets: WatchTarget[] }): void => {
    zones.starting = zones.starting
      .then(async () => {
        if (!zones.closed) await startEnforcement(zones, changed);
      })
      .catch((error: unknown) => {
        zones.notes = [`Zones are not enforced: ${messageOf(error)}`];
        context.emit('zones.enforcementChanged', enforcement(zones));
      });
  };

  const record = (zones: WorkspaceZones, added: Violation[]): void => {
    const replaced = new Set(added.map((violation) => violation.id));
    zones.log = [...zones.log.filter((violation) => !replaced.has(violation.id)), ...added].slice(-VIOLATION_LOG_LIMIT);
    for (const violation of added) {
      if (violation.writes > 1) continue;
      zones.total += 1;
      for (const name of violation.instance ? [violation.instance] : violation.instances) zones.counts[name] = (zones.counts[name] ?? 0) + 1;
    }
    context.emit('zones.violationsAdded', { added, counts: zones.counts, total: zones.total });
    const first = added[0];
    if (first) {
      const who = first.instance ?? first.instances.join(' or ');
      const owner = first.owners.length > 0 ? `owned by ${first.owners.join(', ')}` : 'owned by no instance';
      const more = added.length > 1 ? ` and ${added.length - 1} more` : '';
      context.platform.notify?.(`${who} wrote outside its zone`, `${first.path} (${owner})${more}${first.restored ? ' — restored from git' : ''}`);
    }
  };

  return {
    handlers: {
      'zones.owner': async ({ path: asked }) => {
        const zones = state();
        const config = zonesConfigFrom((await zones.lanesYml.read()).config);
        const leases = await (await leaseBook(zones)).state();
        return whoOwns(asked, workspaceHome(zones.workspace.root), config, leases.live);
      },
      'zones.load': async () => {
        const zones = state();
        const files = await readZonesFiles(zones.workspace.root, zones.lanesYml);
        applyConfig(zones, files.zones);
        return zonesState(files, (await tree(zones, true)).files.length);
      },
      'zones.analyze': async ({ instances, common, folders }) => {
        const zones = state();
        const commonZones = common ?? zones.config?.common ?? (await readZonesFiles(zones.workspace.root, zones.lanesYml)).zones.common;
        return computeOwnership(await tree(zones), instances, commonZones, folders, { ignoreCase: ignoresCase(zones.workspace.root) });
      },
      'zones.importTable': async () => {
        const zones = state();
        return importScopeTable(await readZonesFiles(zones.workspace.root, zones.lanesYml));
      },
      // The workspace screen hears of the new lanes.yml from the config service, and of the
      // scope table from its watcher: nothing to refresh here.
      'zones.save': async ({ instances, versions }) => {
        const zones = state();
        return save(zones, () => saveZones(zones.workspace.root, zones.lanesYml, { instances, versions }));
      },
      'zones.setOnViolation': async ({ onViolation, versions }) => {
        const zones = state();
        return save(zones, () => setOnViolation(zones.lanesYml, onViolation, versions));
      },
      'zones.violations': () => violations(state()),
      'zones.clearViolations': ({ instance }) => {
        const zones = state();
        zones.watcher?.clear(instance);
        if (instance === undefined) {
          zones.log = [];
          zones.counts = {};
          zones.total = 0;
        } else {
          const removed = zones.log.filter((violation) => violation.instance === instance || violation.instances.includes(instance)).length;
          zones.log = zones.log.filter((violation) => violation.instance !== instance && !violation.instances.includes(instance));
          zones.total = Math.max(0, zones.total - (zones.counts[instance] ?? removed));
          delete zones.counts[instance];
        }
        context.emit('zones.violationsAdded', { added: [], counts: zones.counts, total: zones.total });
        return violations(zones);
      },
      'zones.leases': async () => (await leaseBook(state())).state(),
      'zones.takeLease': async ({ instance, path: requested, minutes }) => (await leaseBook(state())).take(instance, requested, minutes),
      'zones.grantLease': async ({ instance, path: requested, minutes, by }) => (await leaseBook(state())).grant(instance, requested, minutes, by),
      'zones.releaseLease': async ({ id, instance }) => (await leaseBook(state())).release(id, instance),
      'zones.enforcement': async () => {
        const zones = state();
        await zones.starting;
        await zones.installing;
        return enforcement(zones);
      },
    },
    async workspaceOpened(workspace) {
      const zones = new WorkspaceZones(workspace, context.workspaceConfig());
      current = zones;
      zones.configChanges = zones.lanesYml.onDidChange((changed) => void configChanged(zones, changed, zones.saving === 0));
      const home = workspaceHome(workspace.root);
      zones.leaseBook = new LeaseBook({
        home,
        zones: () => zones.zoneSet,
        ignoreCase: ignoresCase(home),
        beforeWrite: (content) => zones.watcher?.expectOwnChange(real(home), LEASE_HISTORY_FILE_NAME, content),
        onChange: (leases) => leasesChanged(zones, leases),
      });
      // Reads the leases in force (and writes the expiry of those whose time ran out while Lanes was closed).
      void zones.leaseBook.state().then(
        (leases) => leasesChanged(zones, leases),
        (error: unknown) => console.error(`Lanes could not read the lease history: ${messageOf(error)}`),
      );
      // Watching starts in the background so opening stays quick; closing waits for it.
      zones.starting = startEnforcement(zones).catch((error: unknown) => {
        zones.notes = [`Zones are not enforced: ${messageOf(error)}`];
        context.emit('zones.enforcementChanged', enforcement(zones));
      });
    },
    async workspaceClosed() {
      const zones = current;
      current = null;
      if (!zones) return;
      zones.closed = true;
      zones.configChanges?.dispose();
      zones.leaseBook?.dispose();
      await zones.starting;
      await zones.installing;
      await zones.watcher?.stop();
    },
    async dispose() {
      delete context.services.zones;
    },
  };
};

function targetsKey(targets: readonly WatchTarget[]): string {
  return targets
    .map((target) => `${target.checkout}\0${[...target.instances].sort().join('\0')}`)
    .sort()
    .join('\n');
}

/**
 * Installs the guard in each checkout that has instances, except where this session already
 * installed it for the same instances (`guarded`, by `targetsKey` of the one target): the guard
 * reads the zones when it runs, so a change to lanes.yml that adds one worktree rewrites one
 * checkout's settings, not all of them beside the new checkout's first crawl. Returns what
 * failed, in the user's words.
 */
async function installGuards(root: string, config: ZonesConfig, targets: readonly WatchTarget[], guarded: Set<string>): Promise<string[]> {
  const notes: string[] = [];
  if (config.instances.length === 0) return notes;
  // One after another: every worktree's guard adds to the same git exclude file.
  for (const target of targets) {
    const key = targetsKey([target]);
    if (target.instances.length === 0 || guarded.has(key)) continue;
    try {
      await installGuard(root, target.instances, target.checkout);
      guarded.add(key);
    } catch (error) {
      notes.push(`The guard could not be installed for ${target.instances.join(', ')}: ${messageOf(error)}`);
    }
  }
  return notes;
}

/** Installs the pre-commit hook all worktrees share; returns what failed or needs the user. */
async function installHook(root: string, config: ZonesConfig): Promise<string[]> {
  if (config.instances.length === 0) return [];
  try {
    const hook = await installPreCommitHook(root);
    return hook.status === 'managed-elsewhere' ? [hook.message] : [];
  } catch (error) {
    return [`The pre-commit hook could not be installed: ${messageOf(error)}`];
  }
}

/**
 * Which checkout each instance works in: the `worktree` lanes.yml gives it, else the git
 * worktree on its `branch`, else (with neither) the main checkout, as `lanes check` decides. The main checkout is always watched (for
 * changes to lanes.yml, and for the instances working there).
 */
export async function watchTargets(root: string, config: ZonesConfig): Promise<WatchTarget[]> {
  const byBranch = new Map<string, string>();
  // Git is asked only when an instance is found by its branch: on a change to lanes.yml that
  // adds a worktree, starting git (slow on a busy machine) was most of the wait before the new
  // checkout's watch began.
  const needsListing = config.instances.some((instance) => !instance.worktree && instance.branch);
  const listing = needsListing ? ((await gitOrNull(root, ['worktree', 'list', '--porcelain'])) ?? '') : '';
  let worktreePath: string | null = null;
  for (const line of listing.split('\n')) {
    if (line.startsWith('worktree ')) worktreePath = line.slice('worktree '.length);
    else if (line.startsWith('branch refs/heads/') && worktreePath) byBranch.set(line.slice('branch refs/heads/'.length), worktreePath);
  }
  const mainReal = real(root);
  const groups = new Map<string, string[]>([[mainReal, []]]);
  for (const instance of config.instances) {
    // An instance whose branch is checked out nowhere is not working anywhere yet.
    let checkout = instance.worktree ? instanceCheckout(root, instance) : instance.branch ? byBranch.get(instance.branch) : root;
    if (checkout === undefined || !isFolder(checkout)) continue;
    checkout = real(checkout);
    groups.set(checkout, [...(groups.get(checkout) ?? []), instance.name]);
  }
  return [...groups].map(([checkout, instances]) => ({ checkout, instances }));
}

function isFolder(folder: string): boolean {
  try {
    return existsSync(folder) && statSync(folder).isDirectory();
  } catch {
    return false;
  }
}

function real(folder: string): string {
  try {
    return realpathSync(folder);
  } catch {
    return path.resolve(folder);
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
