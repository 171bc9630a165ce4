import type { CallSpec, EventSpec } from './define';

export const agentsCalls = {} satisfies Record<string, CallSpec>;

export const agentsEvents = {} satisfies Record<string, EventSpec>;
