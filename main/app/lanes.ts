import { LanesCore, type LanesCoreOptions } from '../core/core';
import type { Composition } from '../core/room';
import { createAgentsRoom } from '../agents/room';
import { createInstancesRoom } from '../instances/room';
import { createMemoryRoom } from '../memory/room';
import { createRadarRoom } from '../radar/room';
import { createRequestsRoom } from '../requests/room';
import { createWorkspaceRoom, createWorkspaceSession } from '../workspace/room';
import { createWorktreesRoom } from '../worktrees/room';
import { createZonesRoom } from '../zones/room';
import { createAppRoom } from './room';

/**
 * Lanes as the adapters serve it: the one place that knows every room. It hands them, in the
 * order they start (they stop in reverse), and the workspace room's session to the core.
 */
export const lanesComposition: Composition = {
  rooms: [createAppRoom, createWorkspaceRoom, createZonesRoom, createWorktreesRoom, createInstancesRoom, createRequestsRoom, createMemoryRoom, createRadarRoom, createAgentsRoom],
  createSession: createWorkspaceSession,
};

/** The core with every room of Lanes. */
export class Lanes extends LanesCore {
  constructor(options: LanesCoreOptions) {
    super(options, lanesComposition);
  }
}
