import path from 'node:path';
import { AGENT_API_ENV, type AgentProgress } from '../contract/agents';
import type { Room, RoomFactory } from '../core/room';
import { workspaceHome } from '../workspace/home';
import { AgentApiServer } from './api-server';
import { createOperations } from './operations';
import { RunSecrets } from './run-secrets';

/** The API's folder in Lanes' settings folder: 0700, holding the socket and the runs' secrets. */
export function agentApiFolder(userDataDir: string): string {
  return path.join(userDataDir, 'agent-api');
}

/**
 * The agents room: the agents' own API (`lanes mcp`, `lanes agent`). It gives each agent run its
 * address and secret, serves each run as its own instance only, and keeps the progress agents
 * report for their cards.
 */
export const createAgentsRoom: RoomFactory = (context): Room => {
  const folder = agentApiFolder(context.userDataDir);
  const secrets = new RunSecrets(folder);
  const progress = new Map<string, AgentProgress>();
  const runOperation = createOperations(context, (reported) => {
    progress.set(reported.instance, reported);
    context.emit('agents.progressChanged', { instance: reported.instance, progress: reported });
  });
  const server = new AgentApiServer(path.join(folder, 'lanes.sock'), secrets, runOperation);

  context.services.agentApi = {
    async environmentFor(instanceName) {
      const home = workspaceHome(context.requireWorkspace().root);
      await server.start();
      const secret = await secrets.issue(instanceName, home);
      return { [AGENT_API_ENV.socket]: server.socketPath, [AGENT_API_ENV.secret]: secret };
    },
    revoke(instanceName) {
      if (progress.delete(instanceName)) context.emit('agents.progressChanged', { instance: instanceName, progress: null });
      secrets.revoke(instanceName).catch((error: unknown) => console.error(`Lanes could not revoke ${instanceName}'s API secret:`, error));
    },
  };

  return {
    handlers: {
      'agents.progress': () => [...progress.values()],
    },

    async workspaceOpened(opened) {
      // Agents that outlived a Lanes restart reach the new Lanes at the same address.
      const home = workspaceHome(opened.root);
      if ((await secrets.load()).some((run) => run.workspace === home)) {
        await server.start().catch((error: unknown) => console.error("Lanes could not serve the agents' API:", error));
      }
    },

    async workspaceClosed() {
      progress.clear();
      await server.close();
    },

    async dispose() {
      await server.close();
      // A run ended just before quitting: its secret is revoked on disk before Lanes goes.
      await secrets.settled();
      delete context.services.agentApi;
    },
  };
};
