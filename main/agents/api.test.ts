import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCore, waitFor } from '../instances/test-support';
import { git, makeTempDir } from '../../test/support/repo';
import { AgentApiError, callAgentApi } from './api-client';
import { agentApiFolder } from './room';
import { REQUESTS, agentsWorkspace, quit, startAgents, stopTracking } from './test-support';

async function refusal(promise: Promise<unknown>): Promise<AgentApiError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  if (!(error instanceof AgentApiError)) throw new Error(`expected a refusal, got ${String(error)}`);
  return error;
}

const filesUnder = (folder: string): string[] =>
  readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(folder, path.join(entry.parentPath, entry.name)))
    .sort();

describe("the agents' API", () => {
  it('gives each run its own secret on a socket in a 0700 folder, with only hashes in a 0600 file', async () => {
    const records = makeTempDir('lanes-records-');
    const root = agentsWorkspace(records);
    const { api, web, userDataDir } = await startAgents(root, records);
    const folder = agentApiFolder(userDataDir);
    expect(api.socket).toBe(path.join(folder, 'lanes.sock'));
    expect(web.socket).toBe(api.socket);
    expect(api.secret).not.toBe(web.secret);
    expect(Buffer.from(api.secret, 'base64url')).toHaveLength(32);
    expect(statSync(folder).mode & 0o777).toBe(0o700);
    expect(statSync(path.join(folder, 'runs.json')).mode & 0o777).toBe(0o600);
    const stored = readFileSync(path.join(folder, 'runs.json'), 'utf8');
    expect(stored).toContain('"API"');
    expect(stored).not.toContain(api.secret);
  });

  it('carries a request from one agent to the other: created in the home, listed for its receiver, marked in progress and done with git mv', async () => {
    const records = makeTempDir('lanes-records-');
    const root = agentsWorkspace(records);
    const { api, web } = await startAgents(root, records);

    const created = await callAgentApi(api, 'requests.create', { to: 'web', title: 'Show the new price field', body: 'The API now returns `price`.\n', priority: 'high' });
    expect(created).toMatchObject({ from: 'API', to: 'Web', status: 'open', priority: 'high' });
    expect(path.dirname(created.path)).toBe(path.join(root, REQUESTS));
    const text = readFileSync(created.path, 'utf8');
    expect(text).toContain('# Show the new price field (API → Web)');
    expect(text).toContain('The API now returns `price`.');

    expect(await callAgentApi(api, 'requests.mine', {})).toEqual([]);
    const mine = await callAgentApi(web, 'requests.mine', {});
    expect(mine.map((request) => request.file)).toEqual([created.file]);
    expect((await callAgentApi(web, 'requests.read', { file: created.path })).text).toBe(text);

    git(root, 'add', '--', path.join(REQUESTS, created.file));
    // Past the zones' pre-commit hook, which holds both instances of this checkout to their zones.
    git(root, 'commit', '--no-verify', '-qm', 'request');
    const started = await callAgentApi(web, 'requests.mark', { file: created.file, status: 'in-progress' });
    expect(started.status).toBe('in-progress');
    expect(readFileSync(created.path, 'utf8')).toMatch(/^status: in-progress$/m);
    const done = await callAgentApi(web, 'requests.mark', { file: created.file, status: 'done' });
    expect(done.path).toBe(path.join(root, REQUESTS, 'done', created.file));
    expect(existsSync(created.path)).toBe(false);
    expect(existsSync(done.path)).toBe(true);
    expect(git(root, 'status', '--porcelain', '--', REQUESTS)).toMatch(new RegExp(`^R. .*-> ${REQUESTS}/done/${created.file}`, 'm'));
    expect(await callAgentApi(web, 'requests.mine', {})).toEqual([]);
    expect((await callAgentApi(web, 'requests.mine', { all: true })).map((request) => request.status)).toEqual(['done']);
  });

  it('says who owns a path and whether the agent may write it', async () => {
    const records = makeTempDir('lanes-records-');
    const root = agentsWorkspace(records);
    const { api } = await startAgents(root, records);
    expect(await callAgentApi(api, 'zones.owner', { path: 'src/api/prices.ts' })).toMatchObject({ path: 'src/api/prices.ts', owners: ['API'], mayWrite: true });
    expect(await callAgentApi(api, 'zones.owner', { path: path.join(root, 'src/web/App.tsx') })).toMatchObject({
      path: 'src/web/App.tsx',
      owners: ['Web'],
      mayWrite: false,
      why: 'Web owns it: ask with a request.',
    });
    expect(await callAgentApi(api, 'zones.owner', { path: './package.json' })).toMatchObject({ common: true, mayWrite: true });
    expect(await callAgentApi(api, 'zones.owner', { path: `${REQUESTS}/20260101_x.md` })).toMatchObject({ coordination: true, owners: [], mayWrite: true });
    expect(await callAgentApi(api, 'zones.owner', { path: 'README.md' })).toMatchObject({ owners: [], mayWrite: false, why: 'Nobody owns it: ask the user before writing it.' });
    expect((await refusal(callAgentApi(api, 'zones.owner', { path: '../elsewhere/a.ts' }))).code).toBe('outside-workspace');
    expect((await refusal(callAgentApi(api, 'zones.owner', { path: '/etc/passwd' }))).message).toContain('is not inside this repository');
  });

  it('takes, grants and releases leases as the calling instance, recorded in the history, refusing what the zones room refuses', async () => {
    const records = makeTempDir('lanes-records-');
    const root = agentsWorkspace(records);
    const { api, web, call } = await startAgents(root, records);
    const taken = await callAgentApi(api, 'leases.take', { path: 'package.json', minutes: 10 });
    expect(taken).toMatchObject({ instance: 'API', path: 'package.json', grantedBy: null });
    // Web may not take what API holds, and may not release API's lease.
    expect((await refusal(callAgentApi(web, 'leases.take', { path: 'package.json', minutes: 10 }))).message).toMatch(/API/);
    expect((await refusal(callAgentApi(web, 'leases.release', { path: 'package.json' }))).code).toBe('not-found');
    // An owner lends its own path; a grant to oneself is refused before anything is written.
    expect((await refusal(callAgentApi(web, 'leases.grant', { to: 'Web', path: 'src/web/App.tsx', minutes: 5 }))).code).toBe('invalid-argument');
    expect(await callAgentApi(web, 'leases.grant', { to: 'API', path: 'src/web/App.tsx', minutes: 5 })).toMatchObject({ instance: 'API', path: 'src/web/App.tsx', grantedBy: 'Web' });
    // While the lease lasts, who_owns tells the owner it may not write its own file, and the holder that it may.
    expect(await callAgentApi(web, 'zones.owner', { path: 'src/web/App.tsx' })).toMatchObject({ owners: ['Web'], mayWrite: false, why: expect.stringContaining('API holds a lease') });
    expect(await callAgentApi(api, 'zones.owner', { path: 'src/web/App.tsx' })).toMatchObject({ mayWrite: true, why: expect.stringContaining('API holds a lease') });
    expect(await callAgentApi(api, 'leases.release', { path: 'package.json' })).toMatchObject({ released: { id: taken.id } });
    const leases = await call('zones.leases');
    expect(leases.live.map((lease: { path: string }) => lease.path)).toEqual(['src/web/App.tsx']);
    expect(readFileSync(leases.file, 'utf8').trim().split('\n').map((line) => JSON.parse(line).event)).toEqual(['taken', 'granted', 'released']);
  });

  it('writes a memory entry by kind and name, indexed in MEMORY.md', async () => {
    const records = makeTempDir('lanes-records-');
    const root = agentsWorkspace(records);
    const { api } = await startAgents(root, records);
    const entry = await callAgentApi(api, 'memory.write', { kind: 'success', name: 'small commits', text: '# Small commits\n\nThey review fast.\n' });
    expect(entry).toEqual({ name: 'feedback_success_small_commits.md', path: path.join(root, 'memory', 'feedback_success_small_commits.md') });
    expect(readFileSync(entry.path, 'utf8')).toBe('# Small commits\n\nThey review fast.\n');
    expect(readFileSync(path.join(root, 'memory', 'MEMORY.md'), 'utf8')).toContain('(feedback_success_small_commits.md)');
  });

  it('keeps the progress each agent reports and tells the screens', async () => {
    const records = makeTempDir('lanes-records-');
    const root = agentsWorkspace(records);
    const { api, events, call } = await startAgents(root, records);
    const reported = await callAgentApi(api, 'progress.report', { text: 'Adding the price field', percent: 40 });
    expect(reported).toMatchObject({ instance: 'API', text: 'Adding the price field', percent: 40 });
    expect(events.filter((event) => event.name === 'agents.progressChanged').map((event) => event.payload.progress)).toEqual([reported]);
    expect(await call('agents.progress')).toEqual([reported]);
    await call('instances.stop', { name: 'API' });
    await waitFor(() => events.some((event) => event.name === 'agents.progressChanged' && event.payload.progress === null), 'the progress to end with the run');
    expect(await call('agents.progress')).toEqual([]);
  });

  it('refuses bad input with a clear error and writes nothing', async () => {
    const records = makeTempDir('lanes-records-');
    const root = agentsWorkspace(records);
    const { api, web, call } = await startAgents(root, records);
    const between = await callAgentApi(web, 'requests.create', { to: 'API', title: 'Between the two', body: 'x\n' });
    const before = { requests: filesUnder(path.join(root, REQUESTS)), memory: filesUnder(path.join(root, 'memory')), index: readFileSync(path.join(root, 'memory', 'MEMORY.md'), 'utf8') };

    const unknown = await refusal(callAgentApi(api, 'requests.create', { to: 'Mobile', title: 'x', body: 'x' }));
    expect(unknown).toMatchObject({ code: 'not-found', message: 'There is no instance "Mobile" in lanes.yml. The instances are: API, Web.' });
    expect((await refusal(callAgentApi(api, 'requests.create', { to: 'API', title: 'x', body: 'x' }))).message).toMatch(/^API cannot send a request to itself/);
    expect((await refusal(callAgentApi(api, 'requests.mark', { file: '../../README.md', status: 'done' }))).code).toBe('outside-workspace');
    expect((await refusal(callAgentApi(web, 'requests.mark', { file: between.file, status: 'done' }))).message).toContain('is addressed to API, not Web');
    expect((await refusal(callAgentApi(api, 'memory.write', { kind: 'user', name: '../../escape', text: 'x' }))).code).toBe('outside-workspace');
    expect((await refusal(callAgentApi(api, 'memory.write', { kind: 'index' as never, name: 'x', text: 'x' }))).code).toBe('invalid-argument');

    const wrongSecret = await refusal(callAgentApi({ ...api, secret: Buffer.alloc(32, 7).toString('base64url') }, 'requests.mine', {}));
    expect(wrongSecret).toMatchObject({ code: 'unauthorized', message: expect.stringContaining('Lanes does not know this agent') });
    const claimingWeb = await refusal(callAgentApi({ ...api, instance: 'Web' }, 'requests.mine', {}));
    expect(claimingWeb.message).toBe("This secret is API's, not Web's: an agent acts and reads only as the instance Lanes started it for.");

    // A third instance's request: neither its sender nor its receiver may be asked about by another.
    writeFileSync(path.join(root, REQUESTS, '20260101_private.md'), '# Private (Web → Web)\n');
    await waitFor(async () => (await call('requests.list')).requests.some((request: { file: string }) => request.file === '20260101_private.md'), 'the board to show it');
    expect((await refusal(callAgentApi(api, 'requests.read', { file: '20260101_private.md' }))).message).toContain('API reads only the requests it sent or received');

    expect(filesUnder(path.join(root, REQUESTS))).toEqual([...before.requests, '20260101_private.md'].sort());
    expect(filesUnder(path.join(root, 'memory'))).toEqual(before.memory);
    expect(readFileSync(path.join(root, 'memory', 'MEMORY.md'), 'utf8')).toBe(before.index);
  });

  it("stops serving a run when it ends, and serves a run that outlived Lanes after a restart", async () => {
    const records = makeTempDir('lanes-records-');
    const root = agentsWorkspace(records);
    const userDataDir = makeTempDir('lanes-user-');
    const { api, web, call, core } = await startAgents(root, records, userDataDir);
    await call('instances.stop', { name: 'API' });
    await waitFor(async () => (await callAgentApi(api, 'requests.mine', {}).then(() => null, (error: AgentApiError) => error.code)) === 'unauthorized', "API's secret to stop working");
    expect(await callAgentApi(web, 'requests.mine', {})).toEqual([]);

    // Lanes quits while Web's agent keeps running (as under the pty host): its run stays on file.
    const runs = readFileSync(path.join(agentApiFolder(userDataDir), 'runs.json'), 'utf8');
    stopTracking(core);
    await quit(core, userDataDir);
    writeFileSync(path.join(agentApiFolder(userDataDir), 'runs.json'), runs);
    expect((await refusal(callAgentApi(web, 'requests.mine', {}))).code).toBe('unavailable');

    const restarted = await openCore(root, userDataDir);
    try {
      expect(await callAgentApi(web, 'requests.mine', {})).toEqual([]);
      expect((await refusal(callAgentApi(api, 'requests.mine', {}))).code).toBe('unauthorized');
    } finally {
      await restarted.core.dispose();
    }
  });
});
