import type { Room, RoomFactory } from '../core/room';

/** The instances room. It handles no calls until its issue lands. */
export const createInstancesRoom: RoomFactory = (): Room => ({ handlers: {} });
