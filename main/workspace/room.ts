import { LanesError } from '../shared/errors';
import type { Room, RoomFactory } from '../core/room';
import { RecentWorkspaces } from './recent';
import { WorkspaceTrust } from './trust';

/** The workspace room keeps which repository is open; the app hands its session to the core. */
export { createWorkspaceSession } from './session';

export const createWorkspaceRoom: RoomFactory = (context): Room => {
  const recent = new RecentWorkspaces(context.userDataDir);
  const trust = new WorkspaceTrust(context);
  context.services.trust = trust;

  return {
    handlers: {
      'workspace.current': async () => (context.currentWorkspace() ? context.workspaceSnapshot() : null),
      'workspace.open': async ({ path }) => {
        const snapshot = await context.openWorkspace(path);
        context.emit('workspace.recentChanged', await recent.remember(snapshot.root));
        return snapshot;
      },
      'workspace.refresh': async () => {
        const snapshot = await context.workspaceSnapshot();
        context.emit('workspace.changed', snapshot);
        return snapshot;
      },
      'workspace.close': async () => {
        await context.closeWorkspace();
        return null;
      },
      'workspace.recent': () => recent.list(),
      'workspace.forgetRecent': async ({ path }) => {
        const list = await recent.forget(path);
        context.emit('workspace.recentChanged', list);
        return list;
      },
      'workspace.pickFolder': async () => {
        if (!context.platform.pickFolder) {
          throw new LanesError('unavailable', 'The web mode cannot show a folder dialog; type the path of the repository instead.');
        }
        return { path: await context.platform.pickFolder() };
      },
      'trust.state': () => trust.state(),
      'trust.grant': ({ commands }) => trust.grant(commands),
      'trust.decline': ({ commands }) => trust.decline(commands),
      'trust.revoke': ({ commands }) => trust.revoke(commands ?? null),
    },

    workspaceOpened: () => trust.opened(),

    async workspaceClosed() {
      trust.closed();
    },

    async dispose() {
      delete context.services.trust;
    },
  };
};
