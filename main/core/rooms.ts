import { createAppRoom } from '../app/room';
import { createInstancesRoom } from '../instances/room';
import { createMemoryRoom } from '../memory/room';
import { createRequestsRoom } from '../requests/room';
import { createWorkspaceRoom } from '../workspace/room';
import { createWorktreesRoom } from '../worktrees/room';
import { createZonesRoom } from '../zones/room';
import type { RoomFactory } from './room';

/** Every capability of main, in the order they start; they stop in reverse. */
export const roomFactories: readonly RoomFactory[] = [
  createAppRoom,
  createWorkspaceRoom,
  createZonesRoom,
  createWorktreesRoom,
  createInstancesRoom,
  createRequestsRoom,
  createMemoryRoom,
];
