import type { Room, RoomFactory } from '../core/room';

/** The memory room. It handles no calls until its issue lands. */
export const createMemoryRoom: RoomFactory = (): Room => ({ handlers: {} });
