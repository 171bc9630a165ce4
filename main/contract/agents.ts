import { z } from 'zod';
import { call, event, noArgs, type CallSpec, type EventSpec } from './define';
import { memoryKindSchema } from './memory';
import { requestStatusSchema } from './requests';
import { leaseMinutes, leaseSchema, leasedPath as leasePath } from './zones';

/**
 * The agents room: the agents' own API (the `lanes mcp` server and `lanes agent`), and the
 * progress each agent reports, shown on its instance's card.
 */
export const agentProgressSchema = z.object({
  instance: z.string(),
  text: z.string(),
  /** 0–100 when the agent gave one, else null. */
  percent: z.number().nullable(),
  at: z.string(),
});
export type AgentProgress = z.infer<typeof agentProgressSchema>;

export const agentsCalls = {
  /** The last progress each instance reported in this session. */
  'agents.progress': call(noArgs, z.array(agentProgressSchema)),
} satisfies Record<string, CallSpec>;

export const agentsEvents = {
  /** An agent reported progress, or its run ended (`progress` null: its card shows none). */
  'agents.progressChanged': event(z.object({ instance: z.string(), progress: agentProgressSchema.nullable() })),
} satisfies Record<string, EventSpec>;

/**
 * The operations an agent may run on the API, each for itself only: the instance is the one its
 * secret was issued to, never an argument. `lanes mcp` offers each as a tool and `lanes agent`
 * as a subcommand. Leases (`leases.take`, `leases.release`) join this list once the zones room
 * has calls for them.
 */
const fileArg = z.string().trim().min(1, 'Name a request file.').max(1024);
const requestRefSchema = z.object({
  /** Relative to the requests folder (`done/…` once done). */
  file: z.string(),
  /** Absolute, in the home. */
  path: z.string(),
  title: z.string(),
  from: z.string().nullable(),
  to: z.string().nullable(),
  status: requestStatusSchema,
  priority: z.string().nullable(),
  blockedBy: z.array(z.string()),
});
export type RequestRef = z.infer<typeof requestRefSchema>;

export const agentOperations = {
  'requests.mine': {
    description: 'List the requests addressed to me (not done ones unless `all` is true).',
    args: z.object({ all: z.boolean().default(false) }).strict(),
    result: z.array(requestRefSchema),
  },
  'requests.read': {
    description: 'Read one request addressed to me or sent by me: its whole text.',
    args: z.object({ file: fileArg }).strict(),
    result: z.object({ request: requestRefSchema, text: z.string() }),
  },
  'requests.create': {
    description: "Ask another instance for a change outside my zones: Lanes writes the request file in the home, in the field report's format.",
    args: z
      .object({
        to: z.string().trim().min(1, 'Name the instance the request is for.').max(80),
        title: z.string().trim().min(1, 'Give the request a title.').max(200),
        body: z.string().max(200_000),
        priority: z.string().trim().max(40).optional(),
      })
      .strict(),
    result: requestRefSchema,
  },
  'requests.mark': {
    description: 'Mark a request addressed to me in progress or done (Lanes moves it into done/, with git mv when git tracks it).',
    args: z.object({ file: fileArg, status: z.enum(['in-progress', 'done']) }).strict(),
    result: requestRefSchema,
  },
  'zones.owner': {
    description: 'Who owns a path (repository-relative, or absolute inside the workspace), and whether I may write it.',
    args: z.object({ path: z.string().trim().min(1, 'Give a path.').max(4096) }).strict(),
    result: z.object({
      /** Repository-relative, with `/`. */
      path: z.string(),
      owners: z.array(z.string()),
      common: z.boolean(),
      /** One of the shared coordination files every instance writes in the home. */
      coordination: z.boolean(),
      mayWrite: z.boolean(),
      why: z.string(),
    }),
  },
  'memory.write': {
    description: 'Write a memory entry of a kind (user, project, success, correction, other) by name; Lanes adds it to MEMORY.md.',
    args: z
      .object({
        kind: memoryKindSchema.exclude(['index']),
        name: z.string().trim().min(1, 'Give the entry a name.').max(200),
        text: z.string().min(1, 'Give the entry a text.').max(1_000_000),
      })
      .strict(),
    result: z.object({ name: z.string(), path: z.string() }),
  },
  'progress.report': {
    description: 'Report what I am doing now; Lanes shows it on my card.',
    args: z
      .object({
        text: z.string().trim().min(1, 'Say what you are doing.').max(300).refine((value) => !/[\r\n]/.test(value), 'must be one line'),
        percent: z.number().min(0).max(100).optional(),
      })
      .strict(),
    result: agentProgressSchema,
  },
  'leases.take': {
    description: 'Take a time-limited exclusive lease on a common path (another owner\'s path needs their grant). While it lasts only I may write it.',
    args: z.object({ path: leasePath, minutes: leaseMinutes }).strict(),
    result: leaseSchema,
  },
  'leases.grant': {
    description: 'Let another instance lease a path I own, for some minutes; the grant is recorded in the lease history.',
    args: z.object({ to: z.string().trim().min(1, 'Name the instance to grant it to.').max(64), path: leasePath, minutes: leaseMinutes }).strict(),
    result: leaseSchema,
  },
  'leases.release': {
    description: 'Release my lease on a path before it ends.',
    args: z.object({ path: leasePath }).strict(),
    result: z.object({ released: leaseSchema }),
  },
} as const satisfies Record<string, { description: string; args: z.ZodType; result: z.ZodType }>;

export type AgentOperation = keyof typeof agentOperations;
export type AgentOperationArgs<O extends AgentOperation> = z.input<(typeof agentOperations)[O]['args']>;
export type AgentOperationResult<O extends AgentOperation> = z.infer<(typeof agentOperations)[O]['result']>;

/** The tools `lanes mcp` offers, each one operation. */
export const MCP_TOOLS: Readonly<Record<string, AgentOperation>> = {
  list_my_requests: 'requests.mine',
  read_request: 'requests.read',
  create_request: 'requests.create',
  mark_request: 'requests.mark',
  who_owns: 'zones.owner',
  write_memory: 'memory.write',
  report_progress: 'progress.report',
  take_lease: 'leases.take',
  grant_lease: 'leases.grant',
  release_lease: 'leases.release',
};

export function isAgentOperation(name: string): name is AgentOperation {
  return Object.prototype.hasOwnProperty.call(agentOperations, name);
}

/** Where the API listens and this run's secret: what `environmentFor` gives each agent run. */
export const AGENT_API_ENV = { socket: 'LANES_AGENT_API', secret: 'LANES_AGENT_SECRET' } as const;
