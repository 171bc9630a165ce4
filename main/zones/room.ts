import type { Room, RoomFactory } from '../core/room';

/** The zones room. It handles no calls until its issue lands. */
export const createZonesRoom: RoomFactory = (): Room => ({ handlers: {} });
