import { z } from 'zod';
import { call, event, noArgs } from './define';

/**
 * The memory room: the memory folder (MEMORY.md and the `user_*`, `project_*`,
 * `feedback_success_*`, `feedback_correction_*` files), Claude Code's own per-project memory
 * folder when it exists, the shared-state file, and the session wrap-up.
 *
 * Versions are content hashes (null: the file did not exist). A save or delete names the version
 * it was based on and is refused with a `conflict` error when the file changed on disk since;
 * that error's details carry `theirs` (the text on disk now, null when deleted) and
 * `theirsVersion`, so the screen can show both.
 */
export const memoryKindSchema = z.enum(['index', 'user', 'project', 'success', 'correction', 'other']);
export type MemoryKind = z.infer<typeof memoryKindSchema>;

/** `repo`: the folder named in lanes.yml; `claude`: ~/.claude/projects/<this repo>/memory. */
export const memorySourceIdSchema = z.enum(['repo', 'claude']);
export type MemorySourceId = z.infer<typeof memorySourceIdSchema>;

export const memorySourceSchema = z.object({
  id: memorySourceIdSchema,
  label: z.string(),
  /** Repository-relative for `repo`, absolute for `claude`. */
  path: z.string(),
  exists: z.boolean(),
});
export type MemorySource = z.infer<typeof memorySourceSchema>;

export const memoryFileSchema = z.object({
  name: z.string(),
  kind: memoryKindSchema,
  /** The first heading, or null. */
  title: z.string().nullable(),
  modifiedAt: z.string(),
  size: z.number(),
  lines: z.number(),
});
export type MemoryFile = z.infer<typeof memoryFileSchema>;

export const indexHealthSchema = z.object({
  exists: z.boolean(),
  lines: z.number(),
  limit: z.number(),
  overLimit: z.boolean(),
  /** Entries of MEMORY.md that point to files that do not exist. */
  dangling: z.array(z.object({ line: z.number(), target: z.string() })),
  /** Memory files MEMORY.md does not mention. */
  unlisted: z.array(z.string()),
});
export type IndexHealth = z.infer<typeof indexHealthSchema>;

export const memoryListingSchema = z.object({
  source: memorySourceSchema,
  /** Newest first. */
  files: z.array(memoryFileSchema),
  health: indexHealthSchema,
});
export type MemoryListing = z.infer<typeof memoryListingSchema>;

/**
 * What `memory.changed` carries. `listing`: the whole listing, when the folder appeared, went away
 * or moved. `delta`: the files of `changed` that exist now (`upserted`) and those that do not
 * (`removed`), with the index health; a screen holding this source's listing applies them by name
 * and keeps it newest first, then by name, and one holding no listing (or another folder) asks for it.
 */
export const memoryChangedSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('listing'), listing: memoryListingSchema, changed: z.array(z.string()) }),
  z.object({
    kind: z.literal('delta'),
    source: memorySourceSchema,
    upserted: z.array(memoryFileSchema),
    removed: z.array(z.string()),
    health: indexHealthSchema,
    changed: z.array(z.string()),
  }),
]);
export type MemoryChanged = z.infer<typeof memoryChangedSchema>;

export const memoryDocumentSchema = z.object({
  source: memorySourceIdSchema,
  name: z.string(),
  kind: memoryKindSchema,
  /** The content with line endings as `\n` and without a byte-order mark; saving puts them back. */
  text: z.string(),
  version: z.string().nullable(),
  modifiedAt: z.string(),
  lineEnding: z.enum(['lf', 'crlf']),
  bom: z.boolean(),
  /** Why it cannot be edited here (not valid UTF-8), or null. */
  readOnly: z.string().nullable(),
});
export type MemoryDocument = z.infer<typeof memoryDocumentSchema>;

export const searchHitSchema = z.object({
  name: z.string(),
  kind: memoryKindSchema,
  /** Matching lines: 1-based line number, the line (clipped), and [start, end) ranges to highlight in it. */
  lines: z.array(z.object({ line: z.number(), text: z.string(), ranges: z.array(z.tuple([z.number(), z.number()])) })),
  /** Matches in the whole file, of which `lines` shows the first few. */
  matches: z.number(),
});
export type SearchHit = z.infer<typeof searchHitSchema>;

export const searchResultSchema = z.object({
  query: z.string(),
  hits: z.array(searchHitSchema),
  /** More files matched than were returned. */
  truncated: z.boolean(),
});
export type SearchResult = z.infer<typeof searchResultSchema>;

export const gitChangeSchema = z.object({
  commit: z.string(),
  author: z.string(),
  at: z.string(),
  subject: z.string(),
});

export const sharedStateSchema = z.object({
  /** Repository-relative, from lanes.yml. */
  path: z.string(),
  exists: z.boolean(),
  /**
   * The file without its Instance Scope Table (the table itself, header to last row), which is replaced by `placeholder`
   * (line endings `\n`, no byte-order mark). Keep the placeholder line when editing: the table
   * goes back there unchanged.
   */
  editable: z.string(),
  /** The Instance Scope Table (header to last row) exactly as on disk, or null when the file has none. */
  scopeTable: z.string().nullable(),
  placeholder: z.string(),
  version: z.string().nullable(),
  modifiedAt: z.string().nullable(),
  /** The last commit that touched the file, or null (never committed, or not in git's history). */
  lastCommit: gitChangeSchema.nullable(),
  /** The file differs from that commit (changes not committed yet). */
  uncommitted: z.boolean(),
  readOnly: z.string().nullable(),
});
export type SharedState = z.infer<typeof sharedStateSchema>;

export const memoryChangeSchema = z.object({
  source: memorySourceIdSchema,
  name: z.string(),
  change: z.enum(['added', 'modified', 'deleted']),
});
export type MemoryChange = z.infer<typeof memoryChangeSchema>;

/** A wrap-up instruction Lanes did not type, for the user to paste, and why. */
export const instructionToPasteSchema = z.object({
  instance: z.string(),
  text: z.string(),
  /** "api runs `bash`, which would run this text as a command; paste it where it belongs." */
  reason: z.string(),
});
export type InstructionToPaste = z.infer<typeof instructionToPasteSchema>;

export const wrapUpStateSchema = z.object({
  /** False when Lanes cannot type into terminals (the instances service is not running). */
  available: z.boolean(),
  instances: z.array(
    z.object({
      name: z.string(),
      running: z.boolean(),
      /** Lanes types the wrap-up into its terminal; otherwise it shows the instruction to paste, with `notTypedBecause`. */
      takesInstructions: z.boolean(),
      notTypedBecause: z.string().nullable(),
    }),
  ),
  /** The last wrap-up sent in this session and the memory files changed since, or null. */
  last: z
    .object({
      sentAt: z.string(),
      /** The instances Lanes typed it into. */
      sentTo: z.array(z.string()),
      /** The instructions for instances whose agents do not take typed prose (a shell). */
      toPaste: z.array(instructionToPasteSchema),
      changed: z.array(memoryChangeSchema),
    })
    .nullable(),
});
export type WrapUpState = z.infer<typeof wrapUpStateSchema>;

export const coordinationAreaSchema = z.enum(['config', 'sharedState', 'requests', 'memory']);
export type CoordinationArea = z.infer<typeof coordinationAreaSchema>;

/** An uncommitted change to one of the home's coordination files; `path` is relative to the home, with `/`. */
export const coordinationChangeSchema = z.object({
  path: z.string(),
  area: coordinationAreaSchema,
  change: z.enum(['added', 'modified', 'deleted']),
});
export type CoordinationChange = z.infer<typeof coordinationChangeSchema>;

/**
 * A change git sees in an instance worktree's own copy of a coordination path: a write that went
 * around the guard (a shell `echo > requests/x.md`), which nobody reads until it is moved home.
 */
export const worktreeCopySchema = z.object({
  /** The worktree, absolute. */
  checkout: z.string(),
  /** The instances working in it. */
  instances: z.array(z.string()),
  /** Relative to the worktree (and to the home: the same place there), with `/`. */
  path: z.string(),
  area: coordinationAreaSchema,
  change: z.enum(['added', 'modified', 'deleted']),
  /** Where it belongs: the same path in the home, absolute. */
  homePath: z.string(),
  /** Why "Move it home" cannot take it (a deletion, lanes.yml), or null when it can. */
  notMovable: z.string().nullable(),
});
export type WorktreeCopy = z.infer<typeof worktreeCopySchema>;

/** The "Coordination changes" panel: what a commit would record, and whether it may. */
export const coordinationStateSchema = z.object({
  /** The main checkout, where the coordination files live and the commit is made. */
  home: z.string(),
  changes: z.array(coordinationChangeSchema),
  /** The commit message's first line for these changes ("Lanes: coordination — 2 requests, 1 memory entry"), or null when there are none. */
  summary: z.string().nullable(),
  /** Why Lanes will not commit now (a merge or rebase in progress in the home), or null. */
  blockedBy: z.string().nullable(),
  /** lanes.yml `coordination.commitOnWrapUp`: commit these files when the agents' wrap-up writes settle. */
  commitOnWrapUp: z.boolean(),
  /** Until when a wrap-up's writes are committed as they settle (ISO time), or null. */
  autoCommitUntil: z.string().nullable(),
  /** The last commit Lanes made of them in this session, or null. */
  lastCommit: z.object({ commit: z.string(), summary: z.string(), at: z.string(), automatic: z.boolean() }).nullable(),
  /** Why the last automatic commit failed, or null. */
  autoCommitError: z.string().nullable(),
  /** Each coordination path relative to the home (and to every worktree), with `/`, to tell a worktree's copy by its path. */
  areaPaths: z.object({ config: z.string(), sharedState: z.string(), requests: z.string(), memory: z.string() }),
  /** Writes in instance worktrees' own copies of the coordination paths, from git status there. */
  worktreeCopies: z.array(worktreeCopySchema),
  /** Worktrees whose git status could not be read, and why. */
  worktreeProblems: z.array(z.string()),
});
export type CoordinationState = z.infer<typeof coordinationStateSchema>;

/** One Claude Code auto-memory folder: the repository's, or the one keyed by an instance's worktree path. */
export const claudeFolderSchema = z.object({
  /** The instance whose checkout keys it, or null for the repository's (the main checkout's) folder. */
  instance: z.string().nullable(),
  folder: z.string(),
  exists: z.boolean(),
  /** The instance runs in the main checkout, so its folder is the repository's. */
  sharesRepositoryFolder: z.boolean(),
  /** The entries (every markdown file but MEMORY.md). */
  entries: z.array(z.object({ name: z.string(), title: z.string().nullable(), size: z.number() })),
  /** The folder has a MEMORY.md. */
  hasIndex: z.boolean(),
});
export type ClaudeFolder = z.infer<typeof claudeFolderSchema>;

export const claudeFoldersSchema = z.object({
  /** The repository's folder (keyed by the main checkout), shared by every worktree in current Claude Code. */
  repository: claudeFolderSchema,
  /** One per instance with a worktree of its own: the folder keyed by that worktree's path. */
  instances: z.array(claudeFolderSchema),
  /** The home's memory folder, where Lanes points each Claude instance's `autoMemoryDirectory`. */
  autoMemoryDirectory: z.string(),
});
export type ClaudeFolders = z.infer<typeof claudeFoldersSchema>;

const sourceArg = memorySourceIdSchema.default('repo');
const nameArg = z.string().min(1, 'Give a file name.').max(255, 'File names are at most 255 characters.');
const versionArg = z.string().nullable();

export const memoryCalls = {
  'memory.sources': call(noArgs, z.array(memorySourceSchema)),
  'memory.list': call(z.object({ source: sourceArg }).strict(), memoryListingSchema),
  'memory.read': call(z.object({ source: sourceArg, name: nameArg }).strict(), memoryDocumentSchema),
  'memory.search': call(
    z.object({ source: sourceArg, query: z.string().max(500), limit: z.number().int().min(1).max(500).default(100) }).strict(),
    searchResultSchema,
  ),
  /** Saves the text (line endings and byte-order mark as the file had them). */
  'memory.save': call(z.object({ source: sourceArg, name: nameArg, text: z.string().max(5_000_000), expectedVersion: versionArg }).strict(), memoryDocumentSchema),
  /** Creates `<kind prefix><slug>.md` (projects get today's date: `project_20260413_<slug>.md`). */
  'memory.create': call(
    z
      .object({
        source: sourceArg,
        kind: memoryKindSchema.exclude(['index']),
        slug: z.string().min(1, 'Give the entry a name.').max(200),
        text: z.string().max(5_000_000).optional(),
        addToIndex: z.boolean().default(true),
      })
      .strict(),
    memoryDocumentSchema,
  ),
  /** Renames a file and the entries of MEMORY.md that point to it. */
  'memory.rename': call(z.object({ source: sourceArg, from: nameArg, to: nameArg, expectedVersion: versionArg }).strict(), memoryDocumentSchema),
  'memory.delete': call(z.object({ source: sourceArg, name: nameArg, expectedVersion: versionArg }).strict(), z.null()),
  /** Adds an entry to MEMORY.md for each memory file it does not mention (creates it if missing). */
  'memory.indexUnlisted': call(z.object({ source: sourceArg }).strict(), memoryListingSchema),
  /**
   * Removes a broken entry from MEMORY.md: line `line`, which must still point to `target`, a file
   * that does not exist. Only that line goes (BOM and line endings kept); refused when the line changed.
   */
  'memory.removeIndexLine': call(
    z.object({ source: sourceArg, line: z.number().int().min(1).max(1_000_000), target: nameArg }).strict(),
    memoryListingSchema,
  ),
  'memory.sharedState': call(noArgs, sharedStateSchema),
  /** Saves `editable` with the placeholder line; the Instance Scope Table on disk goes back in its place unchanged. */
  'memory.saveSharedState': call(z.object({ editable: z.string().max(5_000_000), expectedVersion: versionArg }).strict(), sharedStateSchema),
  'memory.wrapUpState': call(noArgs, wrapUpStateSchema),
  /**
   * Types the wrap-up instruction into one instance's terminal, or every running one's when
   * `instance` is null. An instance whose agent does not take prose gets the instruction in
   * `last.toPaste` instead.
   */
  'memory.wrapUp': call(z.object({ instance: z.string().min(1).max(64).nullable() }).strict(), wrapUpStateSchema),
  /** The uncommitted changes to the home's coordination files (lanes.yml, shared state, requests, memory). */
  'memory.coordinationChanges': call(noArgs, coordinationStateSchema),
  /**
   * Commits those changes in the home and nothing else (other staged or unstaged changes stay as
   * they are); refused while a merge, rebase, cherry-pick or revert is in progress there.
   */
  'memory.commitCoordination': call(noArgs, coordinationStateSchema),
  /**
   * Moves a worktree's own copy of a coordination file to the same path in the home, then puts
   * the worktree's copy back as committed (deleted when git does not track it). Refused when the
   * home has a different file there that is not the version the worktree's copy started from.
   */
  'memory.moveHome': call(
    z.object({ checkout: z.string().min(1).max(4096), path: z.string().min(1, 'Give the path to move.').max(4096) }).strict(),
    z.object({ homePath: z.string(), state: coordinationStateSchema }),
  ),
  /** Claude Code's own memory folders: the repository's, and one per instance worktree. */
  'memory.claudeFolders': call(noArgs, claudeFoldersSchema),
  /**
   * Moves every entry of one Claude Code memory folder (an instance's, or the repository's when
   * `instance` is null) into the home's memory folder, adds each to MEMORY.md, and takes them out
   * of that folder and its MEMORY.md.
   */
  'memory.moveClaudeMemory': call(
    z.object({ instance: z.string().min(1).max(64).nullable() }).strict(),
    z.object({ moved: z.array(z.object({ from: z.string(), to: z.string() })), folders: claudeFoldersSchema }),
  ),
  /** Sets lanes.yml `coordination.commitOnWrapUp`. */
  'memory.setCommitOnWrapUp': call(z.object({ enabled: z.boolean() }).strict(), coordinationStateSchema),
};

export const memoryEvents = {
  /** A memory folder changed on disk (by Lanes or anyone else); `changed` names the files. */
  'memory.changed': event(memoryChangedSchema),
  'memory.sharedStateChanged': event(sharedStateSchema),
  'memory.wrapUpChanged': event(wrapUpStateSchema),
  'memory.coordinationChanged': event(coordinationStateSchema),
};

/**
 * The memory file a Markdown link in MEMORY.md or a memory file points to, or null when it
 * points elsewhere (a URL, an anchor, an absolute path, a subfolder, not a `.md` file). `#67` in
 * `project_Windows版#67.md` is part of the name; `#why` after `.md` is an anchor. The index
 * health check in main and the memory screen's links both read links with it.
 */
export function memoryFileOfLink(raw: string): string | null {
  if (/^[a-z][a-z0-9+.-]*:/i.test(raw) || raw.startsWith('#') || raw.startsWith('/')) return null;
  let target = raw;
  const anchor = /\.md([#?].*)$/i.exec(target);
  if (anchor) target = target.slice(0, target.length - anchor[1]!.length);
  try {
    target = decodeURIComponent(target);
  } catch {
    // A stray % is part of the name, as written.
  }
  target = target.replace(/^(\.\/)+/, '');
  if (target === '' || /[\\/]/.test(target) || !/\.md$/i.test(target)) return null;
  return target;
}
