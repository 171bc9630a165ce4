import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach } from 'vitest';
import { AGENT_API_ENV } from '../contract/agents';
import type { LanesCore } from '../core/core';
import { fakeAgent, openCore, waitFor } from '../instances/test-support';
import { makeGitRepo, makeTempDir } from '../../test/support/repo';
import type { AgentApiAddress } from './api-client';
import { agentApiFolder } from './room';

const cores: { core: LanesCore; userDataDir: string }[] = [];
afterEach(async () => {
  for (const { core, userDataDir } of cores.splice(0)) await quit(core, userDataDir);
});

/** Disposes a core (its agents stop with it) and checks their runs were revoked on file by the time it was disposed. */
export async function quit(core: LanesCore, userDataDir: string): Promise<void> {
  await core.dispose();
  const file = path.join(agentApiFolder(userDataDir), 'runs.json');
  const left = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { runs: { instance: string }[] }).runs : [];
  if (left.length > 0) throw new Error(`Lanes was disposed with runs not yet revoked on file: ${left.map((run) => run.instance).join(', ')}`);
}

export const REQUESTS = 'docs/cross-instance-prs';

/** A workspace of two instances, API and Web, each a fake agent that records its environment and waits. */
export function agentsWorkspace(records: string): string {
  const instance = (name: string, zones: string[]) =>
    `  - name: ${name}\n    role: ${name.toLowerCase()}\n    agent: ${JSON.stringify(fakeAgent(`--record=${path.join(records, `${name}.json`)}`, '--wait'))}\n    zones: ${JSON.stringify(zones)}\n`;
  return makeGitRepo({
    'lanes.yml': `instances:\n${instance('API', ['src/api/'])}${instance('Web', ['src/web/'])}common:\n  - package.json\n`,
    'src/api/.keep': '',
    'src/web/.keep': '',
    'package.json': '{}\n',
    'memory/MEMORY.md': '# Memory\n',
    [`${REQUESTS}/.keep`]: '',
  });
}

/** Opens the workspace, starts both agents and answers each one's API address as its environment gives it. */
export async function startAgents(root: string, records: string, userDataDir = makeTempDir('lanes-user-')) {
  const opened = await openCore(root, userDataDir);
  cores.push({ core: opened.core, userDataDir });
  await opened.call('instances.start', { name: 'API' });
  await opened.call('instances.start', { name: 'Web' });
  const addressOf = async (name: string): Promise<AgentApiAddress> => {
    const file = path.join(records, `${name}.json`);
    const recorded = await waitFor(() => (existsSync(file) ? readFileSync(file, 'utf8') : null), `${name}'s environment`);
    const { env } = JSON.parse(recorded) as { env: Record<string, string> };
    return { socket: env[AGENT_API_ENV.socket]!, secret: env[AGENT_API_ENV.secret]!, instance: env.LANES_INSTANCE };
  };
  return { ...opened, api: await addressOf('API'), web: await addressOf('Web') };
}

/** The test disposes this core itself. */
export function stopTracking(core: LanesCore): void {
  const index = cores.findIndex((entry) => entry.core === core);
  if (index !== -1) cores.splice(index, 1);
}
