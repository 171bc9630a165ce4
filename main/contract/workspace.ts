import { z } from 'zod';
import { call, event, noArgs } from './define';

/** The conventions from the field report; every one can be changed per workspace in lanes.yml. */
export const DEFAULT_PATHS = {
  sharedState: 'COMPRESSED_PROMPT_V3.md',
  requests: 'docs/cross-instance-prs',
  memory: 'memory',
} as const;

const repoPath = z
  .string()
  .min(1, 'must not be empty')
  .refine((value) => !value.includes('\0'), 'must not contain a NUL byte');

/** One instance in lanes.yml. Keys Lanes does not know are kept. */
export const instanceConfigSchema = z.looseObject({
  name: z
    .string()
    .min(1, 'must not be empty')
    .max(64, 'must be at most 64 characters')
    .refine((value) => !/[\\/\0]/.test(value), 'must not contain slashes'),
  role: z.string().default('custom'),
  prompt: z.string().optional(),
  agent: z.string().min(1).default('claude'),
  /**
   * Whether the agent command reads typed instructions (hand-off, wrap-up) as prose. Known agent
   * CLIs (claude, codex, gemini, aider) do; a shell does not, and would run the text as a command.
   * Set it for any other agent program.
   */
  takesInstructions: z.boolean().optional(),
  branch: z.string().optional(),
  base: z.string().optional(),
  worktree: z.string().optional(),
  zones: z.array(z.string()).default([]),
  /**
   * The agent's CPU priority as a nice value: 0 is Lanes' own, 19 the lowest. Agents run at 10
   * when it is not set, so Lanes and its window stay responsive while they work.
   */
  priority: z.number().int('must be a whole number from 0 to 19').min(0, 'must be from 0 (as Lanes) to 19 (lowest)').max(19, 'must be from 0 (as Lanes) to 19 (lowest)').optional(),
});

/** C0 and C1 control characters: a terminal takes each as a key press (Enter, ^C, ESC…). */
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * One scheduled instruction of lanes.yml's `sync:` list, typed into every running agent that
 * takes prose: at a time of day (`at: "09:00"`, local time) or every N minutes (`every: 30`).
 */
export const syncPointSchema = z
  .looseObject({
    at: z
      .string()
      .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time of day as HH:MM in quotes, such as "09:00"')
      .optional(),
    every: z.number().int('must be a whole number of minutes').min(1, 'must be at least 1 minute').max(1440, 'must be at most 1440 minutes (a day)').optional(),
    text: z
      .string()
      .trim()
      .min(1, 'must not be empty')
      .max(2000, 'must be at most 2000 characters')
      .refine((value) => !CONTROL_CHARACTER.test(value), 'must be one line without control characters')
      .refine((value) => !/^[!/#]/.test(value), "must not start with `!`, `/` or `#`, which an agent's prompt takes as a command"),
  })
  .refine((point) => (point.at === undefined) !== (point.every === undefined), 'needs either `at: "HH:MM"` or `every: <minutes>`, not both');
export type SyncPoint = z.infer<typeof syncPointSchema>;

/**
 * lanes.yml, the workspace config: validated by this schema in main (which names the line of
 * any problem) and carried as such by `config.changed`.
 */
export const workspaceConfigSchema = z
  .looseObject({
    version: z.literal(1).default(1),
    paths: z
      .looseObject({
        sharedState: repoPath.default(DEFAULT_PATHS.sharedState),
        requests: repoPath.default(DEFAULT_PATHS.requests),
        memory: repoPath.default(DEFAULT_PATHS.memory),
        worktrees: z.string().optional(),
      })
      .default({ ...DEFAULT_PATHS }),
    common: z.array(z.string()).optional(),
    /** A command run in every new worktree after it is made (`npm ci`). */
    setup: z.string().optional(),
    /** What the live watcher does with a write outside the writer's zone. */
    enforcement: z.looseObject({ onViolation: z.enum(['warn', 'restore']).optional() }).optional(),
    instances: z.array(instanceConfigSchema).default([]),
    /** Instructions typed into every running agent that takes prose, on a schedule. */
    sync: z.array(syncPointSchema).optional(),
  })
  .superRefine((config, context) => {
    const seen = new Map<string, number>();
    config.instances.forEach((instance, index) => {
      const key = instance.name.toLowerCase();
      if (seen.has(key)) {
        context.addIssue({
          code: 'custom',
          path: ['instances', index, 'name'],
          message: `repeats the instance name "${instance.name}"; each instance needs its own name`,
        });
      }
      seen.set(key, index);
    });
  });

export type InstanceConfig = z.infer<typeof instanceConfigSchema>;
export type WorkspaceConfig = z.infer<typeof workspaceConfigSchema>;

/** Why lanes.yml cannot be used, and where: what the user needs to fix it by hand. */
export const configProblemSchema = z.object({ message: z.string(), line: z.number().nullable(), column: z.number().nullable() });

/** lanes.yml as it is now: its config, or why there is none. */
export const configChangeSchema = z.object({
  /** The workspace whose lanes.yml this is. */
  root: z.string(),
  status: z.enum(['missing', 'ok', 'invalid']),
  /** The file's content hash; null when it does not exist or could not be read. */
  version: z.string().nullable(),
  /** The validated config (the defaults when the file is missing); null when it is invalid. */
  config: workspaceConfigSchema.nullable(),
  problem: configProblemSchema.extend({ code: z.enum(['malformed-file', 'too-large']) }).nullable(),
});
export type ConfigChange = z.infer<typeof configChangeSchema>;

export const instanceSummarySchema = z.object({
  name: z.string(),
  role: z.string(),
  agent: z.string(),
  branch: z.string().nullable(),
  worktree: z.string().nullable(),
  zones: z.array(z.string()),
});

export const configStatusSchema = z.object({
  path: z.string(),
  status: z.enum(['missing', 'ok', 'invalid']),
  /** For an invalid file: what is wrong and where, so the user can fix it by hand. */
  problem: configProblemSchema.nullable(),
  paths: z.object({ sharedState: z.string(), requests: z.string(), memory: z.string() }),
  instances: z.array(instanceSummarySchema),
});

export const worktreeSchema = z.object({
  path: z.string(),
  branch: z.string().nullable(),
  head: z.string().nullable(),
  isMain: z.boolean(),
  bare: z.boolean(),
  detached: z.boolean(),
  locked: z.boolean(),
  prunable: z.boolean(),
});

export const coordinationEntrySchema = z.object({
  /** `home`: the main checkout every instance shares the coordination files in. */
  key: z.enum(['home', 'config', 'sharedState', 'requests', 'memory']),
  label: z.string(),
  path: z.string(),
  kind: z.enum(['file', 'folder']),
  health: z.enum(['ok', 'missing', 'problem']),
  /** One line for people: "3 open requests, 12 done", "index has 240 lines (limit 200)"; for a problem, what is wrong and what to do. */
  detail: z.string(),
  /** The screens where the problem is fixed: the memory index on Memory, a zone taking a shared folder on Zones. */
  fixes: z.array(z.enum(['memory', 'zones'])).optional(),
});

export const workspaceSnapshotSchema = z.object({
  root: z.string(),
  name: z.string(),
  branch: z.object({
    name: z.string().nullable(),
    head: z.string().nullable(),
    detached: z.boolean(),
    unborn: z.boolean(),
  }),
  worktrees: z.array(worktreeSchema),
  config: configStatusSchema,
  coordination: z.array(coordinationEntrySchema),
});

export const recentWorkspaceSchema = z.object({
  path: z.string(),
  name: z.string(),
  openedAt: z.string(),
});

export type WorkspaceSnapshot = z.infer<typeof workspaceSnapshotSchema>;
export type RecentWorkspace = z.infer<typeof recentWorkspaceSchema>;
export type CoordinationEntry = z.infer<typeof coordinationEntrySchema>;
export type Worktree = z.infer<typeof worktreeSchema>;

/** A command from the repository's lanes.yml that Lanes would run: an instance's `agent:` or the workspace's `setup:`. */
export const repositoryCommandSchema = z
  .object({
    kind: z.enum(['agent', 'setup']),
    command: z.string().min(1).max(4096),
    /** The instance an agent runs for; null for the setup command, which runs for every new worktree. */
    instance: z.string().max(64).nullable(),
  })
  .strict();
export type RepositoryCommandArgs = z.infer<typeof repositoryCommandSchema>;

/**
 * Workspace trust for the open repository: every command its lanes.yml names, and whether the
 * user trusted it. Lanes runs none of the untrusted ones.
 */
export const trustStateSchema = z.object({
  root: z.string(),
  commands: z.array(
    repositoryCommandSchema.extend({
      trusted: z.boolean(),
      /** Shown to the user, who chose to browse without running it; Lanes does not ask again on open. */
      declined: z.boolean(),
    }),
  ),
  /** Ask now (the workspace was just opened and holds commands the user was never asked about). */
  ask: z.boolean(),
});
export type TrustState = z.infer<typeof trustStateSchema>;

const trustCommandsArgs = z.object({ commands: z.array(repositoryCommandSchema).min(1).max(500) }).strict();

const pathArgs = z.object({ path: z.string().min(1, 'Give the path of a folder.').max(4096) }).strict();

export const workspaceCalls = {
  'workspace.current': call(noArgs, workspaceSnapshotSchema.nullable()),
  'workspace.open': call(pathArgs, workspaceSnapshotSchema),
  'workspace.refresh': call(noArgs, workspaceSnapshotSchema),
  'workspace.close': call(noArgs, z.null()),
  'workspace.recent': call(noArgs, z.array(recentWorkspaceSchema)),
  'workspace.forgetRecent': call(pathArgs, z.array(recentWorkspaceSchema)),
  /** Shows the native folder dialog (Electron only); null when the user cancels. */
  'workspace.pickFolder': call(noArgs, z.object({ path: z.string().nullable() })),
  /** The open repository's commands and the user's trust in each; null when none is open. */
  'trust.state': call(noArgs, trustStateSchema.nullable()),
  /** Trusts exactly these commands (the ones the user was shown) for the open repository. */
  'trust.grant': call(trustCommandsArgs, trustStateSchema),
  /** "Browse without running": the user saw the commands and trusts none of them for now. */
  'trust.decline': call(trustCommandsArgs, trustStateSchema),
  /** Withdraws trust from these commands, or from every command of the open repository when omitted. */
  'trust.revoke': call(z.object({ commands: z.array(repositoryCommandSchema).min(1).max(500).optional() }).strict(), trustStateSchema),
};

export const workspaceEvents = {
  /** The open workspace changed (opened, closed, or its files changed); null when none is open. */
  'workspace.changed': event(workspaceSnapshotSchema.nullable()),
  'workspace.recentChanged': event(z.array(recentWorkspaceSchema)),
  /**
   * lanes.yml changed: written by Lanes or on disk. Sent once per change of its content (Lanes'
   * own write is not announced again when the file watcher sees it).
   */
  'config.changed': event(configChangeSchema),
  /** The open repository's trust changed: opened, decided, or lanes.yml names other commands; null when none is open. */
  'trust.changed': event(trustStateSchema.nullable()),
};
