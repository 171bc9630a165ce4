import { z } from 'zod';
import { call, event, noArgs } from './define';

/**
 * The requests room: the cross-instance request files (`docs/cross-instance-prs/*.md` and its
 * `done/` folder by default) as a live kanban board.
 *
 * A request is named by `file`, its path relative to the requests folder with forward slashes
 * (`20260413_allen_ai.md`, `done/20260412_groq.md`); moving it into or out of `done/` changes
 * its `file`. Versions are content hashes: a change names the version it was based on and is
 * refused with a `conflict` error when the file changed on disk since.
 */
export const requestStatusSchema = z.enum(['open', 'in-progress', 'blocked', 'done']);
export type RequestStatus = z.infer<typeof requestStatusSchema>;

/** How urgent or important a request is, from its front matter (`urgency: high`). */
export const levelSchema = z.enum(['high', 'low']);
export type Level = z.infer<typeof levelSchema>;

/**
 * A place on the priority matrix: urgent and important (`do-first`), important only
 * (`schedule`), urgent only (`delegate`), neither (`later`).
 */
export const quadrantSchema = z.enum(['do-first', 'schedule', 'delegate', 'later']);
export type Quadrant = z.infer<typeof quadrantSchema>;

/** What Lanes does when a request's last blocker is done: tell its receiver, or also hand it over (`when_unblocked: send`). */
export const whenUnblockedSchema = z.enum(['notify', 'send']);
export type WhenUnblocked = z.infer<typeof whenUnblockedSchema>;

export const requestSummarySchema = z.object({
  file: z.string(),
  /** Repository-relative path, as git shows it. */
  path: z.string(),
  name: z.string(),
  status: requestStatusSchema,
  /** The title without its `(From → To)` part; the file name when the file has no title. */
  title: z.string(),
  /** The sender and receiver as written (`Windows#67`, `VSCode`), from the front matter or the title. */
  from: z.string().nullable(),
  to: z.string().nullable(),
  /** The instance of lanes.yml the sender / receiver names, or null when none matches. */
  fromInstance: z.string().nullable(),
  toInstance: z.string().nullable(),
  /** YYYY-MM-DD from a `YYYYMMDD_slug.md` file name, else null. */
  date: z.string().nullable(),
  slug: z.string(),
  priority: z.string().nullable(),
  urgency: levelSchema.nullable(),
  importance: levelSchema.nullable(),
  /** Its place on the matrix; null (the unsorted tray) until both `urgency` and `importance` are set. */
  quadrant: quadrantSchema.nullable(),
  /**
   * What must be done first, as the front matter's `blocked_by` names it: request file names in
   * the requests folder, with or without `.md` and the date (`20260413_groq.md`, `groq`).
   */
  blockedBy: z.array(z.string()),
  whenUnblocked: whenUnblockedSchema,
  hasFrontMatter: z.boolean(),
  /** What Lanes could not understand, in the user's words. */
  warnings: z.array(z.string()),
  /** False for files Lanes cannot safely rewrite (malformed front matter, not UTF-8 text, binary). */
  editable: z.boolean(),
  modifiedAt: z.string(),
  size: z.number(),
  version: z.string(),
});
export type RequestSummary = z.infer<typeof requestSummarySchema>;

export const requestBoardSchema = z.object({
  /** The requests folder, repository-relative, as lanes.yml names it. */
  folder: z.string(),
  exists: z.boolean(),
  /** Why the board may be incomplete (lanes.yml invalid, folder outside the repository), or null. */
  problem: z.string().nullable(),
  /** Instance names from lanes.yml, for filters and the "unknown receiver" marker. */
  instances: z.array(z.string()),
  requests: z.array(requestSummarySchema),
  /**
   * The done requests left out of `requests` (files), when the caller asked for only the newest
   * of them (`requests.list` with `doneLimit`): the first screenful crosses the wire first, and
   * the Done column still counts every request. Absent from a whole board.
   */
  doneLeftOut: z.array(z.string()).optional(),
});
export type RequestBoard = z.infer<typeof requestBoardSchema>;

/**
 * The board's order within a column: newest first, by the date in the file name (else the file's
 * time), then the file's time, then the name. Main cuts the Done column by it (`doneLimit`), so the
 * cards it sends first are the ones the column draws first.
 */
export function newestFirst(a: RequestSummary, b: RequestSummary): number {
  return descending(a.date ?? a.modifiedAt.slice(0, 10), b.date ?? b.modifiedAt.slice(0, 10)) || descending(a.modifiedAt, b.modifiedAt) || a.name.localeCompare(b.name);
}

/** Dates and times are ISO strings, so plain string order is time order (and cheaper than the locale's). */
function descending(a: string, b: string): number {
  return a < b ? 1 : a > b ? -1 : 0;
}

export const requestDetailSchema = z.object({
  request: requestSummarySchema,
  /** The whole file as text (without a byte-order mark), for the editor. */
  text: z.string(),
  /** The markdown after the front matter, for reading. */
  body: z.string(),
  /** True when only the start of a very large file is shown. */
  truncated: z.boolean(),
});
export type RequestDetail = z.infer<typeof requestDetailSchema>;

const fileArg = z.string().min(1, 'Name a request file.').max(1024);
const partyArg = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(80, 'must be at most 80 characters')
  .refine((value) => !/[()（）\r\n]|→|->/.test(value), 'must not contain parentheses, arrows or line breaks');

export const newRequestSchema = z
  .object({
    from: partyArg,
    to: partyArg,
    title: z
      .string()
      .trim()
      .min(1, 'must not be empty')
      .max(200, 'must be at most 200 characters')
      .refine((value) => !/[\r\n]/.test(value), 'must be one line'),
    body: z.string().max(200_000),
    table: z.array(z.object({ key: z.string().max(200), value: z.string().max(2000) })).max(100).default([]),
    priority: z.string().trim().max(40).optional(),
  })
  .strict();
export type NewRequest = z.input<typeof newRequestSchema>;

export const sendResultSchema = z.object({
  instance: z.string(),
  /** The instruction, one line naming the request file and the done folder by absolute path. */
  text: z.string(),
  /** True when Lanes typed it into the agent's terminal; false when the user is to paste it. */
  typed: z.boolean(),
  /** Why Lanes did not type it ("api runs `bash`, which would run this text as a command…"), or null. */
  notTypedBecause: z.string().nullable(),
});
export type SendResult = z.infer<typeof sendResultSchema>;

/** Where agents are told to write requests: absolute paths in the workspace's home (its main checkout). */
export const requestPathsSchema = z.object({ requests: z.string(), done: z.string() });
export type RequestPaths = z.infer<typeof requestPathsSchema>;

/** One `blocked_by` entry and the request it names. */
export const blockerSchema = z.object({
  /** As written in the front matter. */
  ref: z.string(),
  /** The request it names, or null when it names none or several. */
  file: z.string().nullable(),
  /** Why it names no request, in the user's words, or null. */
  problem: z.string().nullable(),
});
export type Blocker = z.infer<typeof blockerSchema>;

export const plannedRequestSchema = z.object({
  file: z.string(),
  blockers: z.array(blockerSchema),
  /** The requests whose `blocked_by` names this one. */
  blocks: z.array(z.string()),
  /** Part of a cycle of `blocked_by`: none of them can start first. */
  inCycle: z.boolean(),
  /** Its wave in the suggested order (0 first); null when done or when it cannot be ordered. */
  wave: z.number().nullable(),
});
export type PlannedRequest = z.infer<typeof plannedRequestSchema>;

/** The dependencies between requests and the order they suggest. */
export const requestPlanSchema = z.object({
  requests: z.array(plannedRequestSchema),
  /** Each cycle of `blocked_by`, as the files in it. */
  cycles: z.array(z.array(z.string())),
  /**
   * The unfinished requests in a topological order broken by priority, in waves: a wave holds at
   * most one request per receiver, all of whose blockers are done or in earlier waves, so a
   * wave's requests can run in parallel.
   */
  waves: z.array(z.array(z.string())),
  /** Unfinished requests no order can place: in a cycle, or waiting on one. */
  unordered: z.array(z.object({ file: z.string(), reason: z.string() })),
});
export type RequestPlan = z.infer<typeof requestPlanSchema>;

/** Which running agents a line (a decision, a sync point) was typed into, and why not into the others. */
const typedIntoSchema = {
  /** The instances it was typed into. */
  typed: z.array(z.string()),
  /** The instances it was not typed into, and why (not running, an agent that does not take prose). */
  notTyped: z.array(z.object({ instance: z.string(), reason: z.string() })),
};

/** A decision recorded in the shared-state file and typed into the running agents. */
export const decisionResultSchema = z.object({
  /** The shared-state file, repository-relative, where the decision was appended. */
  sharedState: z.string(),
  ...typedIntoSchema,
});
export type DecisionResult = z.infer<typeof decisionResultSchema>;

/** lanes.yml's `sync:` schedule and when each agent was last synced. */
export const syncStateSchema = z.object({
  points: z.array(
    z.object({
      /** Its place in lanes.yml's `sync:` list. */
      index: z.number(),
      /** HH:MM, local time, or null for a point that repeats `every` minutes. */
      at: z.string().nullable(),
      every: z.number().nullable(),
      text: z.string(),
      /** When it is typed next (ISO time). */
      next: z.string(),
    }),
  ),
  agents: z.array(
    z.object({
      instance: z.string(),
      /** When a sync point was last typed into it (ISO time), and which; kept across restarts of Lanes; null if never. */
      lastSyncedAt: z.string().nullable(),
      lastText: z.string().nullable(),
      /** Why the last sync point was not typed into it, or null when it was. */
      notSyncedBecause: z.string().nullable(),
    }),
  ),
});
export type SyncState = z.infer<typeof syncStateSchema>;

export const syncResultSchema = z.object({ text: z.string(), at: z.string(), ...typedIntoSchema });
export type SyncResult = z.infer<typeof syncResultSchema>;

export const requestsCalls = {
  /**
   * The board. With `doneLimit`, only the newest that many done requests are sent, and the rest are
   * named in `doneLeftOut`: the page draws that first and asks for the whole board after.
   */
  'requests.list': call(z.object({ doneLimit: z.number().int().min(0).max(1_000_000).optional() }).strict(), requestBoardSchema),
  'requests.read': call(z.object({ file: fileArg }).strict(), requestDetailSchema),
  /** Changes the state: writes the front matter or moves the file into or out of `done/`. */
  'requests.move': call(
    z.object({ file: fileArg, status: requestStatusSchema, version: z.string().optional() }).strict(),
    requestSummarySchema,
  ),
  /** Replaces the whole text of a request, refused when the file changed since `version`. */
  'requests.save': call(z.object({ file: fileArg, text: z.string().max(5_000_000), version: z.string() }).strict(), requestSummarySchema),
  'requests.create': call(newRequestSchema, requestSummarySchema),
  /** Files whose text (title, parties, body) contains the query, case-insensitive. */
  'requests.search': call(z.object({ query: z.string().max(500) }).strict(), z.object({ files: z.array(z.string()) })),
  /**
   * Hands a request to its receiver: types a one-line instruction into its terminal when its
   * agent takes prose (Claude, Codex, Gemini, Aider, or `takesInstructions: true`), else answers
   * the instruction for the user to paste, with the reason.
   */
  'requests.send': call(z.object({ file: fileArg }).strict(), sendResultSchema),
  'requests.paths': call(noArgs, requestPathsSchema),
  /**
   * Places a request on the priority matrix: writes only its front matter's `urgency:` and
   * `importance:` (both removed for null, the unsorted tray), refused when the file changed since `version`.
   */
  'requests.prioritize': call(
    z.object({ file: fileArg, quadrant: quadrantSchema.nullable(), version: z.string().optional() }).strict(),
    requestSummarySchema,
  ),
  /**
   * Takes one name off a request's `blocked_by:` (one that finds no request, or a blocker the user
   * lets go), keeping the rest of the file; refused when the file changed since `version`.
   */
  'requests.unblock': call(z.object({ file: fileArg, blocker: z.string().min(1).max(500), version: z.string().optional() }).strict(), requestSummarySchema),
  'requests.plan': call(noArgs, requestPlanSchema),
  /**
   * A decision entered once: appended to the Decisions section of the shared-state file (its
   * scope table untouched, refused over a change made meanwhile), then typed into every running
   * agent that takes prose.
   */
  'requests.decide': call(
    z
      .object({
        text: z
          .string()
          .trim()
          .min(1, 'must not be empty')
          .max(2000, 'must be at most 2000 characters')
          .refine((value) => !/[\r\n]/.test(value), 'must be one line'),
      })
      .strict(),
    decisionResultSchema,
  ),
  'requests.syncState': call(noArgs, syncStateSchema),
  /**
   * Types a sync point of lanes.yml into every running agent that takes prose now, as its
   * schedule would. `text` is the point's text as the screen showed it: refused when lanes.yml changed since.
   */
  'requests.syncNow': call(z.object({ point: z.number().int().min(0).max(10_000), text: z.string().max(2000) }).strict(), syncResultSchema),
};

export const requestChangeSchema = z.discriminatedUnion('kind', [
  /** The whole board (workspace opened, folder appeared or moved); null when no workspace is open. */
  z.object({ kind: z.literal('board'), board: requestBoardSchema.nullable() }),
  /** Some files appeared or changed (`upserted`) or went away (`removed`, by `file`). */
  z.object({ kind: z.literal('delta'), upserted: z.array(requestSummarySchema), removed: z.array(z.string()) }),
]);
export type RequestChange = z.infer<typeof requestChangeSchema>;

/** A request whose last blocker reached done, and how its receiver was told. */
export const unblockedSchema = z.object({
  file: z.string(),
  title: z.string(),
  /** The receiving instance of lanes.yml, or null when the request names none. */
  instance: z.string().nullable(),
  /** The titles of its blockers, all done now. */
  blockers: z.array(z.string()),
  /** True when Lanes typed the hand-off into the receiver's terminal (`when_unblocked: send`). */
  handedOff: z.boolean(),
  /** Why a hand-off the request asked for was not typed, or null. */
  notHandedOffBecause: z.string().nullable(),
});
export type Unblocked = z.infer<typeof unblockedSchema>;

export const requestsEvents = {
  'requests.changed': event(requestChangeSchema),
  /** The dependencies changed: the whole plan again (null when no workspace is open). */
  'requests.planned': event(requestPlanSchema.nullable()),
  'requests.unblocked': event(unblockedSchema),
  /** The sync schedule changed or a sync point was typed: the whole state again (null when no workspace is open). */
  'requests.synced': event(syncStateSchema.nullable()),
};
