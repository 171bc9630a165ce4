import { z } from 'zod';
import { call, event, noArgs } from './define';

/**
 * The instances room: agents running in ptys, their terminals and their status. The ptys live in
 * the pty host, a process of their own that outlives Lanes: a restarted Lanes finds them again.
 * Terminal output is pushed as `instances.output`; a viewer that draws it (attached with
 * `instances.attach`) acknowledges what it drew with `instances.ack`, so a flood cannot outrun
 * the UI (flow control), and says `instances.detach` when it closes.
 */

/**
 * A viewer acknowledges at least every this many characters drawn. Main pauses an agent whose
 * viewers are 512,000 characters behind and resumes it below 256,000 (main/instances/host/output-pipe.ts):
 * over the web mode a round trip through the browser takes milliseconds, and a window of
 * several 200,000-character batches keeps the pipeline full while it does.
 */
export const TERMINAL_ACK_CHARS = 32_768;
export const instanceStatusSchema = z.enum([
  /** Not running and never started in this session. */
  'stopped',
  'starting',
  /** Output is flowing or the agent is working. */
  'running',
  /** At a prompt or asked a question: it needs the user. */
  'waiting',
  /** Quiet, not at a prompt (or finished its turn). */
  'idle',
  /** Ended with an exit code, or stopped by the user. */
  'exited',
  /** Ended by a signal nobody sent, or could not start. */
  'crashed',
]);
export type InstanceStatus = z.infer<typeof instanceStatusSchema>;

export const instanceUsageSchema = z.object({
  /** Percent of one core, summed over the process tree. */
  cpu: z.number(),
  /** Resident memory of the process tree, bytes. */
  memory: z.number(),
  processes: z.number(),
});

export const instanceStateSchema = z.object({
  name: z.string(),
  role: z.string(),
  agent: z.string(),
  zones: z.array(z.string()),
  /** The folder the agent runs in: its worktree, or the main checkout. */
  cwd: z.string(),
  worktree: z.string().nullable(),
  status: instanceStatusSchema,
  /** Where the status came from: the agent's hooks, the terminal screen, or the process itself. */
  statusSource: z.enum(['hook', 'screen', 'process']),
  /** One line for people: "asked: Continue? [y/N]", "stopped by you", "exited with code 3". */
  statusDetail: z.string().nullable(),
  statusSince: z.string(),
  pid: z.number().nullable(),
  exitCode: z.number().nullable(),
  signal: z.number().nullable(),
  startedAt: z.string().nullable(),
  usage: instanceUsageSchema.nullable(),
  /** Why it cannot start as configured (missing worktree folder, agent not found), or null. */
  problem: z.string().nullable(),
});
export type InstanceState = z.infer<typeof instanceStateSchema>;

export const instanceListSchema = z.object({
  instances: z.array(instanceStateSchema),
  /** lanes.yml could not be read: what is wrong, in the user's words. */
  configProblem: z.string().nullable(),
});
export type InstanceList = z.infer<typeof instanceListSchema>;

const nameArgs = z.object({ name: z.string().min(1).max(64) }).strict();
const viewerId = z.string().min(1).max(32);

export const terminalSnapshotSchema = z.object({
  /** The terminal's screen and scrollback as escape sequences, to draw before the live `instances.output` events. */
  data: z.string(),
  /** The `seq` of the last batch drawn in `data`; later events have a larger `seq`. */
  seq: z.number(),
  cols: z.number(),
  rows: z.number(),
  running: z.boolean(),
  /** This view's id for `instances.ack` and `instances.detach`: each view is paced on its own. */
  viewer: z.string(),
});
export type TerminalSnapshot = z.infer<typeof terminalSnapshotSchema>;

export const instanceNotificationSchema = z.object({
  instance: z.string(),
  kind: z.enum(['waiting', 'exited', 'crashed']),
  title: z.string(),
  body: z.string(),
});

/**
 * Quitting Lanes (or closing a workspace) keeps its agents running in the pty host, or stops
 * them. `remembered`: the user ticked "Do not ask again", so the desktop app does not ask at quit.
 */
export const quitChoiceSchema = z.object({ choice: z.enum(['keep', 'stop']), remembered: z.boolean() }).strict();
export type QuitChoice = z.infer<typeof quitChoiceSchema>;

export const instancesCalls = {
  'instances.list': call(noArgs, instanceListSchema),
  'instances.start': call(nameArgs, instanceStateSchema),
  'instances.stop': call(nameArgs, instanceStateSchema),
  'instances.restart': call(nameArgs, instanceStateSchema),
  'instances.startAll': call(noArgs, instanceListSchema),
  'instances.stopAll': call(noArgs, instanceListSchema),
  /** Keystrokes or pasted text, as the terminal produced them. */
  'instances.write': call(z.object({ name: nameArgs.shape.name, data: z.string().max(1_000_000) }).strict(), z.null()),
  'instances.resize': call(
    z.object({ name: nameArgs.shape.name, cols: z.number().int().min(2).max(1000), rows: z.number().int().min(1).max(500) }).strict(),
    z.null(),
  ),
  /** The recent output of a terminal, for a viewer that (re)opens it; turns on flow control. */
  'instances.attach': call(nameArgs, terminalSnapshotSchema),
  /** A viewer drew `chars` characters of output; lets a paused agent continue. */
  'instances.ack': call(z.object({ name: nameArgs.shape.name, viewer: viewerId, chars: z.number().int().min(0) }).strict(), z.null()),
  /** A viewer closed the terminal: it no longer counts for flow control. */
  'instances.detach': call(z.object({ name: nameArgs.shape.name, viewer: viewerId }).strict(), z.null()),
  /** What quitting does to running agents (default: keep them running). */
  'instances.quitChoice': call(noArgs, quitChoiceSchema),
  'instances.setQuitChoice': call(quitChoiceSchema, quitChoiceSchema),
};

export const instancesEvents = {
  'instances.changed': event(instanceListSchema),
  /** A batch of terminal output; `seq` grows by one per batch for each instance. */
  /** `echo`: likely the echo of a keystroke; the web mode sends it ahead of other terminals' output waiting for the page. */
  'instances.output': event(z.object({ instance: z.string(), data: z.string(), seq: z.number(), echo: z.literal(true).optional() })),
  /** An instance started waiting for input or ended by itself: worth telling the user. */
  'instances.notification': event(instanceNotificationSchema),
};
