import type { Room, RoomFactory } from '../core/room';

/** The worktrees room. It handles no calls until its issue lands. */
export const createWorktreesRoom: RoomFactory = (): Room => ({ handlers: {} });
