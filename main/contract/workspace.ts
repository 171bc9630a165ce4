import { z } from 'zod';
import { call, event, noArgs } from './define';

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
  problem: z
    .object({ message: z.string(), line: z.number().nullable(), column: z.number().nullable() })
    .nullable(),
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
  key: z.enum(['config', 'sharedState', 'requests', 'memory']),
  label: z.string(),
  path: z.string(),
  kind: z.enum(['file', 'folder']),
  health: z.enum(['ok', 'missing', 'problem']),
  /** One line for people: "3 open requests, 12 done", "index has 240 lines (limit 200)". */
  detail: z.string(),
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
};

export const workspaceEvents = {
  /** The open workspace changed (opened, closed, or its files changed); null when none is open. */
  'workspace.changed': event(workspaceSnapshotSchema.nullable()),
  'workspace.recentChanged': event(z.array(recentWorkspaceSchema)),
};
