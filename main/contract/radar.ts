import type { CallSpec, EventSpec } from './define';

export const radarCalls = {} satisfies Record<string, CallSpec>;

export const radarEvents = {} satisfies Record<string, EventSpec>;
