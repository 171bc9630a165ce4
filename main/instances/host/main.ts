import { HostAgents } from './agents';
import { hostPaths } from './paths';
import { PROTOCOL_VERSION } from './protocol';
import { ScreenThread } from './screen-thread';
import { HostCallError, HostServer } from './server';

/**
 * The pty host: one per user (per Lanes user-data folder), started by Lanes on demand, running
 * under plain Node. It keeps the agents running while Lanes quits, crashes or updates, and
 * exits by itself once no agent runs and no Lanes has been connected for a while.
 *
 *   host.cjs --user-data <folder> [--idle-seconds <n>]
 */
const DEFAULT_IDLE_SECONDS = 60;
const SOCKET_CHECK_MS = 5_000;

export interface HostStatus {
  readonly pid: number;
  readonly version: number;
  readonly startedAt: string;
  readonly clients: number;
  readonly agents: ReadonlyArray<{ workspace: string; name: string; pid: number | null; status: string }>;
}

async function runHost(argv: string[]): Promise<void> {
  const option = (name: string) => {
    const at = argv.indexOf(`--${name}`);
    return at === -1 ? undefined : argv[at + 1];
  };
  const userDataDir = option('user-data');
  if (!userDataDir) throw new HostCallError('invalid-argument', 'The pty host needs --user-data <folder>.');
  const idleMs = Number(option('idle-seconds') ?? DEFAULT_IDLE_SECONDS) * 1000;
  const startedAt = new Date().toISOString();
  const paths = hostPaths(userDataDir);

  let idleTimer: NodeJS.Timeout | null = null;
  let exiting = false;
  const checkIdle = () => {
    const idle = server.clientCount === 0 && agents.runningCount === 0;
    if (!idle) {
      if (idleTimer) clearTimeout(idleTimer);
      idleTimer = null;
    } else idleTimer ??= setTimeout(() => void exit('no agent ran and no Lanes connected for a while'), idleMs);
  };
  const exit = async (why: string) => {
    if (exiting) return;
    exiting = true;
    console.log(`${new Date().toISOString()} pty host ${process.pid} exits: ${why}`);
    await agents.dispose();
    await server.close();
    await screens.close();
    process.exit(0);
  };

  // The agents' screens are parsed and serialized in a thread of their own (see screen-thread.ts).
  const screens = new ScreenThread();
  const agents = new HostAgents(userDataDir, (name, payload, lane) => server.broadcast(name, payload, lane), () => checkIdle(), screens.open);
  const server: HostServer = new HostServer(
    paths,
    {
      ...agents.handlers(),
      'host.status': (): HostStatus => ({
        pid: process.pid,
        version: PROTOCOL_VERSION,
        startedAt,
        clients: server.clientCount,
        agents: agents.list().map((agent) => ({ workspace: agent.workspace, name: agent.name, pid: agent.state.pid, status: agent.state.status })),
      }),
      /** Lanes quits with "Stop agents": the host goes too, unless it still serves someone else. */
      'host.exitIfIdle': () => {
        if (agents.runningCount === 0 && server.clientCount <= 1) setImmediate(() => void exit('the last Lanes quit and stopped its agents'));
        return null;
      },
      'host.stop': () => {
        // Answer first; the agents end and the host exits right after.
        setImmediate(() => void exit('asked to stop'));
        return null;
      },
    },
    { connected: () => checkIdle(), disconnected: (connection) => (agents.disconnected(connection), checkIdle()) },
  );
  try {
    await server.listen();
  } catch (error) {
    await agents.dispose();
    throw error;
  }
  console.log(`${startedAt} pty host ${process.pid} listens on ${paths.socket} (protocol ${PROTOCOL_VERSION})`);
  process.on('SIGTERM', () => void exit('SIGTERM'));
  process.on('SIGINT', () => void exit('SIGINT'));
  process.on('SIGHUP', () => undefined);
  // A host nobody can reach (its folder deleted, its socket taken over) would hold its agents for
  // good: it stops them and exits instead.
  setInterval(() => {
    void server.socketIsOurs().then((ours) => {
      if (!ours) void exit(`its socket ${paths.socket} was removed or replaced, so no Lanes can reach its agents`);
    });
  }, SOCKET_CHECK_MS);
  checkIdle();
}

runHost(process.argv.slice(2)).catch((error: unknown) => {
  console.error(`pty host ${process.pid} could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(error instanceof HostCallError && error.code === 'already-running' ? 0 : 1);
});
