import type { Room, RoomFactory } from '../core/room';

export const createRadarRoom: RoomFactory = (): Room => ({ handlers: {} });
