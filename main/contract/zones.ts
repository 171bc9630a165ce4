import { z } from 'zod';
import { call, event, noArgs } from './define';

/**
 * The zones room: who owns which paths, the editor's analysis and save, the scope-table
 * import, and the live watcher's violations.
 */
/** Violations kept, in main and in the page alike: the latest ones; the counts keep counting. */
export const VIOLATION_LOG_LIMIT = 5000;

const zonePattern = z.string().max(1024);

export const zoneInstanceSchema = z.object({
  name: z.string().min(1).max(64),
  zones: z.array(zonePattern).max(500),
});

export const zonesInstanceSchema = zoneInstanceSchema.extend({
  role: z.string(),
  worktree: z.string().nullable(),
  branch: z.string().nullable(),
});

/** What Lanes read, so a save can refuse when either file changed on disk since. */
export const zonesVersionsSchema = z.object({
  config: z.string().nullable(),
  sharedState: z.string().nullable(),
});

export const onViolationSchema = z.enum(['warn', 'restore']);

export const zonesStateSchema = z.object({
  instances: z.array(zonesInstanceSchema),
  common: z.array(z.string()),
  sharedState: z.object({
    path: z.string(),
    exists: z.boolean(),
    tableFound: z.boolean(),
    problems: z.array(z.string()),
  }),
  versions: zonesVersionsSchema,
  fileCount: z.number(),
  onViolation: onViolationSchema,
});

export const treeEntrySchema = z.object({
  name: z.string(),
  path: z.string(),
  kind: z.enum(['folder', 'file']),
  files: z.number(),
  owners: z.array(z.object({ name: z.string(), files: z.number() })),
  unowned: z.number(),
  overlapping: z.number(),
  common: z.number(),
});

const pathGroupSchema = z.object({ path: z.string(), files: z.number(), owners: z.array(z.string()) });

export const ownershipSchema = z.object({
  total: z.number(),
  owned: z.number(),
  unowned: z.number(),
  overlapping: z.number(),
  common: z.number(),
  perInstance: z.array(z.object({ name: z.string(), files: z.number(), percent: z.number() })),
  unownedPercent: z.number(),
  overlappingPercent: z.number(),
  patternProblems: z.array(z.object({ instance: z.string(), pattern: z.string(), problem: z.string() })),
  overlaps: z.array(pathGroupSchema),
  unownedPaths: z.array(pathGroupSchema),
  /** The children of each folder asked for ('' is the repository root). */
  folders: z.record(z.string(), z.object({ children: z.array(treeEntrySchema), more: z.number() })),
});

export const scopeImportSchema = z.object({
  path: z.string(),
  found: z.boolean(),
  rows: z.array(z.object({ instance: z.string(), zones: z.array(z.string()), known: z.boolean() })),
  problems: z.array(z.string()),
});

export const violationSchema = z.object({
  id: z.number(),
  at: z.string(),
  checkout: z.string(),
  instance: z.string().nullable(),
  instances: z.array(z.string()),
  path: z.string(),
  owners: z.array(z.string()),
  change: z.enum(['create', 'update', 'delete']),
  writes: z.number(),
  restored: z.boolean(),
});

export const watcherStatusSchema = z.object({
  checkout: z.string(),
  instances: z.array(z.string()),
  state: z.enum(['starting', 'watching', 'failed']),
  message: z.string().nullable(),
});

export const enforcementSchema = z.object({
  watchers: z.array(watcherStatusSchema),
  /** Problems installing the guard or the pre-commit hook, in the user's words. */
  notes: z.array(z.string()),
});

export const violationsSchema = z.object({
  entries: z.array(violationSchema),
  /** Violations per writing instance, for the badges. */
  counts: z.record(z.string(), z.number()),
  total: z.number(),
});

export type ZonesState = z.infer<typeof zonesStateSchema>;
export type ZoneInstance = z.infer<typeof zoneInstanceSchema>;
export type Ownership = z.infer<typeof ownershipSchema>;
export type TreeEntry = z.infer<typeof treeEntrySchema>;
export type ScopeImport = z.infer<typeof scopeImportSchema>;
export type Violation = z.infer<typeof violationSchema>;
export type Violations = z.infer<typeof violationsSchema>;
export type WatcherStatus = z.infer<typeof watcherStatusSchema>;
export type Enforcement = z.infer<typeof enforcementSchema>;

export const leasedPath = z.string().trim().min(1, 'Give the path to lease, relative to the repository.').max(4096);
/** How long a lease lasts unless released first: a minute to a day. */
export const leaseMinutes = z.number().int().min(1, 'A lease lasts at least a minute.').max(1440, 'A lease lasts at most a day (1440 minutes).');

export const leaseSchema = z.object({
  id: z.string(),
  instance: z.string(),
  /** A file or folder, relative to the repository. */
  path: z.string(),
  since: z.string(),
  until: z.string(),
  /** Who granted it ("user" or the owning instance); null when taken on a common path. */
  grantedBy: z.string().nullable(),
});
export type Lease = z.infer<typeof leaseSchema>;

export const leaseEventSchema = z.object({
  at: z.string(),
  event: z.enum(['taken', 'granted', 'released', 'ended', 'expired']),
  id: z.string(),
  instance: z.string(),
  path: z.string(),
  until: z.string().optional(),
  by: z.string().optional(),
});

export const leasesSchema = z.object({
  live: z.array(leaseSchema),
  /** The latest events of the history file, newest last. */
  history: z.array(leaseEventSchema),
  /** The history file, in the workspace's main checkout. */
  file: z.string(),
});
export type Leases = z.infer<typeof leasesSchema>;

/** Who owns one path, as the "Who owns a path…" dialog and the agents' API answer it. */
export const pathOwnerSchema = z.object({
  /** Repository-relative, with `/`. */
  path: z.string(),
  /** The instances whose zones hold it, in lanes.yml's order: none (unowned), or two or more (an overlap). */
  owners: z.array(z.string()),
  /** In the common paths every instance may write. */
  common: z.boolean(),
  /** Which shared coordination file it is ("the requests folder"…), which agents write in the home; null otherwise. */
  coordination: z.string().nullable(),
  /** The live lease on it: while it lasts only its holder may write it. */
  lease: leaseSchema.nullable(),
});
export type PathOwner = z.infer<typeof pathOwnerSchema>;

export const zonesCalls = {
  /** Who owns a path: repository-relative, or absolute inside the main checkout or a worktree. */
  'zones.owner': call(z.object({ path: z.string().trim().min(1, 'Give a path.').max(4096) }).strict(), pathOwnerSchema),
  /** The live leases and the latest history. */
  'zones.leases': call(noArgs, leasesSchema),
  /** An instance takes a lease on a common path (another owner's path needs a grant). */
  'zones.takeLease': call(z.object({ instance: z.string().min(1).max(64), path: leasedPath, minutes: leaseMinutes }).strict(), leaseSchema),
  /**
   * Gives an instance a lease on a path: by the user (any path), or by the instance that owns
   * the path. Recorded in the history as granted, by whom.
   */
  'zones.grantLease': call(
    z.object({ instance: z.string().min(1).max(64), path: leasedPath, minutes: leaseMinutes, by: z.string().min(1).max(64).default('user') }).strict(),
    leaseSchema,
  ),
  /** Ends a lease: released by its holder when `instance` names it, else ended by the user. */
  'zones.releaseLease': call(z.object({ id: z.string().min(1).max(64), instance: z.string().min(1).max(64).optional() }).strict(), leasesSchema),
  /** The instances and their zones as saved, and the versions of lanes.yml and the shared-state file. */
  'zones.load': call(noArgs, zonesStateSchema),
  /** Ownership under draft zones (nothing is saved), with the children of the open folders. */
  'zones.analyze': call(
    z.object({
      instances: z.array(zoneInstanceSchema).max(64),
      common: z.array(zonePattern).max(500).optional(),
      folders: z.array(z.string().max(4096)).max(500).default(['']),
    }),
    ownershipSchema,
  ),
  /** Reads the shared-state file's Instance Scope Table and says what it understood. Saves nothing. */
  'zones.importTable': call(noArgs, scopeImportSchema),
  /** Writes the zones to lanes.yml and the scope table, refusing if either changed since `versions`. */
  'zones.save': call(z.object({ instances: z.array(zoneInstanceSchema).max(64), versions: zonesVersionsSchema }).strict(), zonesStateSchema),
  'zones.setOnViolation': call(z.object({ onViolation: onViolationSchema, versions: zonesVersionsSchema }).strict(), zonesStateSchema),
  'zones.violations': call(noArgs, violationsSchema),
  'zones.clearViolations': call(z.object({ instance: z.string().optional() }).strict(), violationsSchema),
  'zones.enforcement': call(noArgs, enforcementSchema),
};

export const zonesEvents = {
  /** New or repeated writes outside a zone, with the updated counts. */
  'zones.violationsAdded': event(z.object({ added: z.array(violationSchema), counts: z.record(z.string(), z.number()), total: z.number() })),
  'zones.enforcementChanged': event(enforcementSchema),
  /** lanes.yml or the shared-state file changed (saved here, or on disk): reload. */
  'zones.changed': event(z.null()),
  /** A lease was taken, granted, released, ended or expired (or the history file changed). */
  'zones.leasesChanged': event(leasesSchema),
};
