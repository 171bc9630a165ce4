import { LanesError } from '../shared/errors';
import type { Room, RoomFactory } from '../core/room';

export const createAppRoom: RoomFactory = (context): Room => ({
  handlers: {
    'app.info': () => ({
      mode: context.platform.mode,
      version: context.version,
      platform: process.platform,
      runtime: { node: process.versions.node, electron: process.versions.electron ?? null, chrome: process.versions.chrome ?? null },
      capabilities: {
        pickFolder: context.platform.pickFolder !== undefined,
        nativeNotifications: context.platform.notify !== undefined,
      },
    }),
    'app.openExternal': async ({ url }) => {
      if (!context.platform.openExternal) {
        throw new LanesError('unavailable', 'Links open in your browser directly in the web mode.');
      }
      await context.platform.openExternal(url);
      return null;
    },
  },
});
