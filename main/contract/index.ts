import type { z } from 'zod';
import { agentsCalls, agentsEvents } from './agents';
import { appCalls, appEvents } from './app';
import type { CallSpec, EventSpec } from './define';
import { instancesCalls, instancesEvents } from './instances';
import { memoryCalls, memoryEvents } from './memory';
import { radarCalls, radarEvents } from './radar';
import { requestsCalls, requestsEvents } from './requests';
import { workspaceCalls, workspaceEvents } from './workspace';
import { worktreesCalls, worktreesEvents } from './worktrees';
import { zonesCalls, zonesEvents } from './zones';

/**
 * The one contract between main and every renderer: each call and event is declared once, in
 * its room's file, and gathered here. Main validates arguments against it, preload exposes only
 * these names, and the renderer's client is typed by it.
 */
export const calls = {
  ...appCalls,
  ...workspaceCalls,
  ...instancesCalls,
  ...worktreesCalls,
  ...zonesCalls,
  ...requestsCalls,
  ...memoryCalls,
  ...radarCalls,
  ...agentsCalls,
} satisfies Record<string, CallSpec>;

export const events = {
  ...appEvents,
  ...workspaceEvents,
  ...instancesEvents,
  ...worktreesEvents,
  ...zonesEvents,
  ...requestsEvents,
  ...memoryEvents,
  ...radarEvents,
  ...agentsEvents,
} satisfies Record<string, EventSpec>;

export type Calls = typeof calls;
export type Events = typeof events;
export type CallName = keyof Calls;
export type EventName = keyof Events;
export type CallArgs<N extends CallName> = z.input<Calls[N]['args']>;
export type CallResult<N extends CallName> = z.output<Calls[N]['result']>;
export type EventPayload<N extends EventName> = z.output<Events[N]['payload']>;

export const callNames: ReadonlySet<string> = new Set(Object.keys(calls));
export const eventNames: ReadonlySet<string> = new Set(Object.keys(events));

export function isCallName(name: unknown): name is CallName {
  return typeof name === 'string' && callNames.has(name);
}

export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && eventNames.has(name);
}

export type { Envelope, WireError } from './define';
