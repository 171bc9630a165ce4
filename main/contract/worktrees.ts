import { z } from 'zod';
import { call, event, noArgs } from './define';

/**
 * The worktrees room: creating instances with their git worktree and branch, and each
 * instance's git state (status, diff against its base, merge back, removal, pruning).
 */

const instanceName = z.string().min(1, 'Give the name of an instance.').max(64);
const instanceArgs = z.object({ instance: instanceName }).strict();
/** `fresh`: the user asked (Refresh), so disk use is measured again rather than taken from a measure of the last seconds. */
const freshArg = { fresh: z.boolean().optional() };

export const agentChoiceSchema = z.union([
  /** One of the agent presets (`worktrees.options`); the shell preset resolves on the machine. */
  z.object({ preset: z.string().min(1).max(32) }).strict(),
  /** Any command line, saved as typed. */
  z.object({ command: z.string().trim().min(1, 'Type the command that starts the agent.').max(2000) }).strict(),
]);

export const worktreeChoiceSchema = z.union([
  /** `<paths.worktrees or the repository's parent>/<repo>-<instance>`. */
  z.object({ mode: z.literal('default') }).strict(),
  /** A folder of the user's choosing, absolute or relative to the repository. */
  z.object({ mode: z.literal('path'), path: z.string().trim().min(1, 'Type the folder for the worktree.').max(4096) }).strict(),
  /** No worktree: the agent runs in the main checkout. */
  z.object({ mode: z.literal('none') }).strict(),
]);

export const createInstanceArgsSchema = z
  .object({
    /** Chosen by the caller so it can match the progress events to this request. */
    operation: z.string().min(1).max(64).optional(),
    name: z.string().max(200),
    /** A role preset id or "custom". */
    role: z.string().min(1).max(64),
    prompt: z.string().max(20_000).optional(),
    agent: agentChoiceSchema,
    /**
     * For a typed command: it reads typed instructions as prose, so hand-off and wrap-up may be
     * typed into it (lanes.yml `takesInstructions: true`). The known agent presets do already.
     */
    takesInstructions: z.boolean().optional(),
    /**
     * Branch, tag, remote branch or commit to start from. When omitted: the main checkout's
     * branch, or its current commit when HEAD is detached.
     */
    base: z.string().max(255).optional(),
    /** The new branch; `lanes/<instance>` when omitted. An existing branch is refused. */
    branch: z.string().max(255).optional(),
    worktree: worktreeChoiceSchema,
    zones: z.array(z.string().max(4096)).max(500).optional(),
    /** Run the workspace's `setup:` command in the new worktree (default true). */
    runSetup: z.boolean().optional(),
  })
  .strict();
export type CreateInstanceArgs = z.infer<typeof createInstanceArgsSchema>;

export const setupResultSchema = z.object({
  command: z.string(),
  exitCode: z.number().nullable(),
  signal: z.string().nullable(),
  /** The last part of the output, for the dialog to show after the fact. */
  tail: z.string(),
});
export type SetupResult = z.infer<typeof setupResultSchema>;

export const createInstanceResultSchema = z.object({
  instance: z.string(),
  branch: z.string().nullable(),
  base: z.string().nullable(),
  /** Absolute folder of the new worktree; null when the instance runs in the main checkout. */
  worktree: z.string().nullable(),
  /** Repository paths copied from the main checkout because `.worktreeinclude` lists them. */
  copied: z.array(z.string()),
  setup: setupResultSchema.nullable(),
  /** Why the workspace's setup command was not run (not trusted for this repository); the worktree is made all the same. */
  setupNotRun: z.string().nullable(),
});
export type CreateInstanceResult = z.infer<typeof createInstanceResultSchema>;

export const instanceOptionsSchema = z.object({
  roles: z.array(z.object({ id: z.string(), label: z.string(), prompt: z.string() })),
  agents: z.array(z.object({ id: z.string(), label: z.string(), command: z.string().nullable() })),
  /** Local branches, most recently committed first. */
  branches: z.array(z.string()),
  /** Remote branches and tags, offered as bases too (any other ref or commit can be typed). */
  otherRefs: z.array(z.string()),
  /** The main checkout's branch, the default base; null when detached. */
  currentBranch: z.string().nullable(),
  /** The main checkout's commit, abbreviated: the default base when HEAD is detached; null before the first commit. */
  currentCommit: z.string().nullable(),
  worktreesFolder: z.string(),
  setup: z.string().nullable(),
  hasWorktreeInclude: z.boolean(),
  instances: z.array(z.string()),
});
export type InstanceOptions = z.infer<typeof instanceOptionsSchema>;

export const suggestionSchema = z.object({ branch: z.string(), path: z.string() });

export const changeKindSchema = z.enum(['modified', 'added', 'deleted', 'renamed', 'copied', 'typechange', 'untracked', 'conflicted']);
export const fileChangeSchema = z.object({
  path: z.string(),
  oldPath: z.string().nullable(),
  kind: changeKindSchema,
  staged: z.boolean(),
});
export type FileChange = z.infer<typeof fileChangeSchema>;

export const worktreeStatusSchema = z.object({
  instance: z.string(),
  /** The folder the instance works in. */
  path: z.string(),
  /** False when the instance runs in the main checkout. */
  hasWorktree: z.boolean(),
  /** False when the worktree folder is gone (offer to prune). */
  exists: z.boolean(),
  branch: z.string().nullable(),
  base: z.string().nullable(),
  /** Commits on the branch that the base lacks, and the reverse; null when either is unknown. */
  ahead: z.number().nullable(),
  behind: z.number().nullable(),
  changes: z.array(fileChangeSchema),
  /** Bytes in the worktree folder (everything, ignored files too); null without a worktree. */
  diskBytes: z.number().nullable(),
  /** What keeps this status from being complete, in the user's words; null when all is known. */
  problem: z.string().nullable(),
});
export type WorktreeStatus = z.infer<typeof worktreeStatusSchema>;

export const diffLineSchema = z.object({
  kind: z.enum(['context', 'add', 'delete', 'note']),
  text: z.string(),
  oldLine: z.number().nullable(),
  newLine: z.number().nullable(),
});
export const diffFileSchema = z.object({
  path: z.string(),
  oldPath: z.string().nullable(),
  status: z.enum(['added', 'deleted', 'modified', 'renamed', 'copied']),
  binary: z.boolean(),
  additions: z.number(),
  deletions: z.number(),
  hunks: z.array(z.object({ header: z.string(), lines: z.array(diffLineSchema) })),
  truncated: z.boolean(),
});
export type DiffFile = z.infer<typeof diffFileSchema>;

export const worktreeDiffSchema = z.object({
  instance: z.string(),
  base: z.string(),
  /** The commit the branch forked from: the diff's left side. */
  mergeBase: z.string(),
  files: z.array(diffFileSchema),
  /** New files git does not track yet (not in the diff until added). */
  untracked: z.array(z.string()),
});
export type WorktreeDiff = z.infer<typeof worktreeDiffSchema>;

export const mergeArgsSchema = z
  .object({
    instance: instanceName,
    /** auto: fast-forward when possible, else a merge commit. */
    mode: z.enum(['auto', 'fast-forward', 'merge-commit']).default('auto'),
  })
  .strict();

export const mergeResultSchema = z.object({
  outcome: z.enum(['up-to-date', 'fast-forward', 'merge-commit', 'conflict']),
  base: z.string(),
  branch: z.string(),
  baseHead: z.string(),
  conflicts: z.array(z.string()),
  message: z.string(),
  /** Uncommitted changes left in the instance's worktree, which a merge does not carry. */
  uncommitted: z.number(),
});
export type MergeResult = z.infer<typeof mergeResultSchema>;

export const removeArgsSchema = z
  .object({
    instance: instanceName,
    /** The instance's name typed by the user; required when the worktree holds uncommitted or unmerged work. */
    confirm: z.string().max(200).optional(),
    /** Also delete the branch (it is kept unless asked). */
    deleteBranch: z.boolean().optional(),
    /**
     * Remove only the worktree: the instance stays in lanes.yml (zones, prompt, branch and
     * folder kept), so it can get its worktree back later.
     */
    keepInstance: z.boolean().optional(),
  })
  .strict();

export const removeResultSchema = z.object({
  instance: z.string(),
  /** True when the instance is still in lanes.yml (only its worktree was removed). */
  keptInstance: z.boolean(),
  removedWorktree: z.string().nullable(),
  deletedBranch: z.string().nullable(),
  keptBranch: z.string().nullable(),
});

export const worktreeEntrySchema = z.object({
  path: z.string(),
  branch: z.string().nullable(),
  head: z.string().nullable(),
  isMain: z.boolean(),
  /** The instance whose worktree this is, per lanes.yml. */
  instance: z.string().nullable(),
  exists: z.boolean(),
  /** git knows this worktree but its folder is gone: `worktrees.prune` forgets it. */
  prunable: z.boolean(),
  locked: z.boolean(),
  diskBytes: z.number().nullable(),
});
export type WorktreeEntry = z.infer<typeof worktreeEntrySchema>;

export const worktreesCalls = {
  'worktrees.options': call(noArgs, instanceOptionsSchema),
  'worktrees.suggest': call(z.object({ name: z.string().max(200) }).strict(), suggestionSchema),
  'worktrees.createInstance': call(createInstanceArgsSchema, createInstanceResultSchema),
  'worktrees.status': call(instanceArgs.extend(freshArg), worktreeStatusSchema),
  'worktrees.diff': call(instanceArgs, worktreeDiffSchema),
  'worktrees.merge': call(mergeArgsSchema, mergeResultSchema),
  /**
   * Removes the instance's worktree from disk and the instance from lanes.yml, or with
   * `keepInstance` only the worktree. Refused while the instance is running.
   */
  'worktrees.remove': call(removeArgsSchema, removeResultSchema),
  /** Makes the worktree again for an instance whose worktree was removed: on its branch if kept, else a new one from its base. */
  'worktrees.restoreWorktree': call(instanceArgs, z.object({ instance: z.string(), worktree: z.string(), branch: z.string(), createdBranch: z.boolean() })),
  'worktrees.list': call(z.object(freshArg).strict(), z.array(worktreeEntrySchema)),
  'worktrees.prune': call(noArgs, z.object({ pruned: z.array(z.string()) })),
};

export const progressStepSchema = z.enum(['check', 'worktree', 'include', 'config', 'setup', 'done', 'failed']);

export const worktreesEvents = {
  /** A step of `worktrees.createInstance`; `percent` while git checks out files. */
  'worktrees.progress': event(
    z.object({
      operation: z.string().nullable(),
      instance: z.string(),
      step: progressStepSchema,
      message: z.string(),
      percent: z.number().nullable(),
    }),
  ),
  /** Output of the setup command, as it comes. */
  'worktrees.setupOutput': event(z.object({ operation: z.string().nullable(), instance: z.string(), data: z.string() })),
  /** An instance's worktree or branch changed through Lanes (created, merged, removed, pruned). */
  'worktrees.changed': event(z.object({ instance: z.string().nullable() })),
};
