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
  blockedBy: z.array(z.string()),
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
});
export type RequestBoard = z.infer<typeof requestBoardSchema>;

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

export const requestsCalls = {
  'requests.list': call(noArgs, requestBoardSchema),
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
};

export const requestChangeSchema = z.discriminatedUnion('kind', [
  /** The whole board (workspace opened, folder appeared or moved); null when no workspace is open. */
  z.object({ kind: z.literal('board'), board: requestBoardSchema.nullable() }),
  /** Some files appeared or changed (`upserted`) or went away (`removed`, by `file`). */
  z.object({ kind: z.literal('delta'), upserted: z.array(requestSummarySchema), removed: z.array(z.string()) }),
]);
export type RequestChange = z.infer<typeof requestChangeSchema>;

export const requestsEvents = {
  'requests.changed': event(requestChangeSchema),
};
