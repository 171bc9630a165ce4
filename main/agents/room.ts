import type { Room, RoomFactory } from '../core/room';

export const createAgentsRoom: RoomFactory = (): Room => ({ handlers: {} });
