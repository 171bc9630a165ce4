import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { callAgentApi } from '../../../main/agents/api-client';
import { AGENT_API_ENV } from '../../../main/contract/agents';
import { fakeAgent, lanesYml, waitFor } from '../../../main/instances/test-support';
import { makeTempDir } from '../../../test/support/repo';
import { trustAllCommands } from '../../../test/support/trust';
import { bridgedCore, stateWhere } from '../test-support';

describe('the agents store', () => {
  it('shows the progress an agent reports through the API, and drops it when the run ends', async () => {
    const records = makeTempDir('lanes-records-');
    const record = path.join(records, 'API.json');
    const { core } = await bridgedCore({ 'README.md': '# web\n', 'lanes.yml': lanesYml([{ name: 'API', agent: fakeAgent(`--record=${record}`, '--wait') }]) });
    await trustAllCommands(core);
    const { useAgents } = await import('./store');
    await useAgents.getState().load();
    expect(useAgents.getState()).toMatchObject({ progress: {}, error: null });

    expect((await core.call('instances.start', { name: 'API' })).ok).toBe(true);
    const recorded = await waitFor(() => (existsSync(record) ? readFileSync(record, 'utf8') : null), "the agent's environment");
    const { env } = JSON.parse(recorded) as { env: Record<string, string> };
    await callAgentApi({ socket: env[AGENT_API_ENV.socket]!, secret: env[AGENT_API_ENV.secret]!, instance: 'API' }, 'progress.report', { text: 'Migrating the schema', percent: 25 });
    const shown = await stateWhere(useAgents, (state) => state.progress.API !== undefined, 'the reported progress');
    expect(shown.progress.API).toMatchObject({ instance: 'API', text: 'Migrating the schema', percent: 25 });

    expect((await core.call('instances.stop', { name: 'API' })).ok).toBe(true);
    await stateWhere(useAgents, (state) => state.progress.API === undefined, 'the progress to go with the run');
  });
});
