import { z } from 'zod';
import { call, event, noArgs, type CallSpec, type EventSpec } from './define';

/**
 * The conflict radar: for every pair of instance branches, and each branch against its base,
 * whether merging them would conflict, predicted by `git merge-tree` without touching any
 * checkout; and the files that more than one instance changed.
 */

export const radarLaneSchema = z.object({
  instance: z.string(),
  branch: z.string().nullable(),
  base: z.string().nullable(),
  /** The branch's commit; null when the branch is unknown or gone. */
  head: z.string().nullable(),
  /** Commits on the branch that its base lacks, and the reverse; null when either is unknown. */
  ahead: z.number().nullable(),
  behind: z.number().nullable(),
  /** Files the branch changed since it left its base. */
  changed: z.array(z.string()),
  /** Why this lane could not be looked at in full, in the user's words; null when all is known. */
  problem: z.string().nullable(),
});
export type RadarLane = z.infer<typeof radarLaneSchema>;

export const radarCellSchema = z.object({
  /** The instance whose branch is merged. */
  instance: z.string(),
  /** The other instance, or null for the instance's own base. */
  other: z.string().nullable(),
  /** `unknown` when a branch is missing or git could not merge them (`problem` says why). */
  outcome: z.enum(['clean', 'conflict', 'unknown']),
  /** The files that would conflict. */
  files: z.array(z.string()),
  problem: z.string().nullable(),
});
export type RadarCell = z.infer<typeof radarCellSchema>;

export const radarOverlapSchema = z.object({
  path: z.string(),
  /** The instances whose branches changed the file, in lanes.yml's order. */
  instances: z.array(z.string()),
  /** Whether lanes.yml lists the path as common (every instance may write it). */
  common: z.boolean(),
});
export type RadarOverlap = z.infer<typeof radarOverlapSchema>;

export const radarReportSchema = z.object({
  /** When the scan finished (ISO time). */
  scannedAt: z.string(),
  durationMs: z.number(),
  lanes: z.array(radarLaneSchema),
  /** One cell per pair of lanes (each pair once) and one per lane against its base. */
  cells: z.array(radarCellSchema),
  overlaps: z.array(radarOverlapSchema),
});
export type RadarReport = z.infer<typeof radarReportSchema>;

export const radarStateSchema = z.object({
  status: z.enum(['loading', 'ready', 'error']),
  /** The last finished scan, kept while a new one runs. */
  report: radarReportSchema.nullable(),
  /** Why the last scan failed, in the user's words. */
  error: z.string().nullable(),
});
export type RadarState = z.infer<typeof radarStateSchema>;

export const radarCalls = {
  /** The radar as it is now; the first call of a workspace waits for its first scan. */
  'radar.state': call(noArgs, radarStateSchema),
  /** Scans again now and answers with the result. */
  'radar.refresh': call(noArgs, radarStateSchema),
} satisfies Record<string, CallSpec>;

export const radarEvents = {
  /** A scan started or finished: after every commit on an instance's branch or its base, and every change of the instances. */
  'radar.changed': event(radarStateSchema),
} satisfies Record<string, EventSpec>;
