import { promises as fs } from 'node:fs';
import { processExists } from '../process-tree';
import { connectToHost, isNobodyListening } from './client';
import type { HostStatus } from './main';
import { hostPaths } from './paths';
import { HostRefusedError } from './protocol';
import type { HostInfo } from './server';

/** What `lanes host status` and `lanes host stop` print, and their exit code. */
export interface HostReport {
  readonly code: number;
  readonly text: string;
}

export async function describeHost(userDataDir: string): Promise<HostReport> {
  const paths = hostPaths(userDataDir);
  try {
    const client = await connectToHost(paths);
    try {
      const status = await client.call<HostStatus>('host.status');
      const running = status.agents.filter((agent) => agent.pid !== null);
      const lines = [
        `The pty host is running: process ${status.pid}, protocol ${status.version}, since ${status.startedAt}, ${status.clients - 1} Lanes connected besides this command.`,
        running.length === 0 ? 'It runs no agent.' : `It runs ${running.length} agent${running.length === 1 ? '' : 's'}:`,
        ...running.map((agent) => `  ${agent.name} (process ${agent.pid}, ${agent.status}) in ${agent.workspace}`),
      ];
      return { code: 0, text: lines.join('\n') };
    } finally {
      await client.close();
    }
  } catch (error) {
    if (error instanceof HostRefusedError) return { code: 1, text: error.message };
    if (isNobodyListening(error)) return { code: 3, text: `No pty host is running for ${userDataDir}.` };
    throw error;
  }
}

/**
 * Stops the host and every agent it runs. A host of another protocol version cannot be asked:
 * with `force` it gets SIGTERM (it stops its agents and exits), otherwise it is left alone.
 */
export async function stopHost(userDataDir: string, { force = false }: { force?: boolean } = {}): Promise<HostReport> {
  const paths = hostPaths(userDataDir);
  let pid: number;
  try {
    const client = await connectToHost(paths);
    const status = await client.call<HostStatus>('host.status');
    pid = status.pid;
    await client.call('host.stop');
    await client.close();
  } catch (error) {
    if (isNobodyListening(error)) return { code: 0, text: `No pty host is running for ${userDataDir}; nothing to stop.` };
    if (!(error instanceof HostRefusedError) || error.reason !== 'version') throw error;
    if (!force) return { code: 1, text: error.message };
    const info = JSON.parse(await fs.readFile(paths.info, 'utf8')) as HostInfo;
    if (info.pid !== error.hostPid) return { code: 1, text: `The pty host's record ${paths.info} names process ${info.pid}, but process ${error.hostPid} answered; Lanes stopped nothing. Look at both with \`ps\`.` };
    pid = info.pid;
    process.kill(pid, 'SIGTERM');
  }
  // The host stops its agents (up to their grace period) before it exits.
  const deadline = Date.now() + 30_000;
  while (processExists(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  return processExists(pid) ? { code: 1, text: `The pty host (process ${pid}) is still running after 30 s. End it with \`kill ${pid}\`.` } : { code: 0, text: `Stopped the pty host (process ${pid}) and its agents.` };
}
