import type { Room, RoomFactory } from '../core/room';

/** The requests room. It handles no calls until its issue lands. */
export const createRequestsRoom: RoomFactory = (): Room => ({ handlers: {} });
