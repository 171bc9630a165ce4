import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterEach, describe, expect, it } from 'vitest';
import { AGENT_API_ENV } from '../contract/agents';
import { makeTempDir } from '../../test/support/repo';
import type { AgentApiAddress } from './api-client';
import { REQUESTS, agentsWorkspace, startAgents } from './test-support';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/** `lanes <command>` from source: the same code the built `lanes mcp` and `lanes agent` run. */
const LANES_FROM_SOURCE = ['--import', path.join(repoRoot, 'node_modules', 'tsx', 'dist', 'loader.mjs'), path.join(repoRoot, 'test', 'fake-agent', 'lanes-command.mjs')];

const environmentOf = (address: AgentApiAddress): Record<string, string> => ({
  PATH: process.env.PATH ?? '',
  HOME: process.env.HOME ?? '',
  LANES_INSTANCE: address.instance ?? '',
  [AGENT_API_ENV.socket]: address.socket,
  [AGENT_API_ENV.secret]: address.secret,
});

const clients: Client[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) await client.close();
});

/** An MCP client of the real `lanes mcp`, started with an agent's environment as Claude Code starts it. */
async function mcpClientFor(address: AgentApiAddress): Promise<Client> {
  const client = new Client({ name: 'test', version: '1.0.0' });
  clients.push(client);
  await client.connect(new StdioClientTransport({ command: process.execPath, args: [...LANES_FROM_SOURCE, 'mcp'], env: environmentOf(address), cwd: repoRoot }));
  return client;
}

async function tool(client: Client, name: string, args: Record<string, unknown>): Promise<{ text: string; isError: boolean }> {
  const result = (await client.callTool({ name, arguments: args })) as { content: { type: string; text: string }[]; isError?: boolean };
  return { text: result.content.map((part) => part.text).join('\n'), isError: result.isError === true };
}

const json = async (client: Client, name: string, args: Record<string, unknown>): Promise<any> => {
  const result = await tool(client, name, args);
  if (result.isError) throw new Error(`${name} failed: ${result.text}`);
  return JSON.parse(result.text);
};

/** Runs `lanes agent …` as an agent would, with its environment. */
function lanesAgent(address: AgentApiAddress, args: string[], input?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...LANES_FROM_SOURCE, 'agent', ...args], { env: environmentOf(address), cwd: repoRoot });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(input ?? '');
  });
}

describe("lanes mcp: the agents' API as MCP tools", () => {
  it('offers every tool, and each one acts on disk as the instance the secret belongs to', async () => {
    const records = makeTempDir('lanes-records-');
    const root = agentsWorkspace(records);
    const { api, web, events } = await startAgents(root, records);
    const apiAgent = await mcpClientFor(api);
    const webAgent = await mcpClientFor(web);

    const { tools } = await apiAgent.listTools();
    expect(tools.map((entry) => entry.name).sort()).toEqual(['create_request', 'grant_lease', 'list_my_requests', 'mark_request', 'read_request', 'release_lease', 'report_progress', 'take_lease', 'who_owns', 'write_memory']);
    expect(tools.find((entry) => entry.name === 'create_request')?.inputSchema.required).toEqual(['to', 'title', 'body']);

    const created = await json(apiAgent, 'create_request', { to: 'Web', title: 'Show prices', body: 'The API returns `price` now.\n' });
    expect(readFileSync(created.path, 'utf8')).toContain('# Show prices (API → Web)');
    expect((await json(webAgent, 'list_my_requests', {})).map((request: { file: string }) => request.file)).toEqual([created.file]);
    expect((await json(webAgent, 'read_request', { file: created.file })).text).toContain('The API returns `price` now.');
    await json(webAgent, 'mark_request', { file: created.file, status: 'in-progress' });
    expect(readFileSync(created.path, 'utf8')).toMatch(/^status: in-progress$/m);
    const done = await json(webAgent, 'mark_request', { file: created.file, status: 'done' });
    expect(done.path).toBe(path.join(root, REQUESTS, 'done', created.file));
    expect(existsSync(done.path) && !existsSync(created.path)).toBe(true);

    expect(await json(webAgent, 'who_owns', { path: 'src/api/prices.ts' })).toMatchObject({ owners: ['API'], mayWrite: false });
    const entry = await json(webAgent, 'write_memory', { kind: 'correction', name: 'ask before the API', text: '# Ask first\n' });
    expect(readFileSync(entry.path, 'utf8')).toBe('# Ask first\n');
    expect(readFileSync(path.join(root, 'memory', 'MEMORY.md'), 'utf8')).toContain(`(${entry.name})`);
    await json(webAgent, 'report_progress', { text: 'Showing prices', percent: 80 });
    expect(events.filter((event) => event.name === 'agents.progressChanged').map((event) => event.payload.progress)).toMatchObject([{ instance: 'Web', text: 'Showing prices', percent: 80 }]);

    const lease = await json(webAgent, 'take_lease', { path: 'package.json', minutes: 5 });
    expect(lease).toMatchObject({ instance: 'Web', path: 'package.json' });
    expect(await json(apiAgent, 'grant_lease', { to: 'Web', path: 'src/api/prices.ts', minutes: 5 })).toMatchObject({ instance: 'Web', grantedBy: 'API' });
    await json(webAgent, 'release_lease', { path: 'package.json' });
    const history = readFileSync(path.join(root, 'lanes-leases.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    expect(history.map((event) => [event.event, event.instance, event.path])).toEqual([
      ['taken', 'Web', 'package.json'],
      ['granted', 'Web', 'src/api/prices.ts'],
      ['released', 'Web', 'package.json'],
    ]);
  });

  it('answers a refusal as a tool error the agent reads, and writes nothing', async () => {
    const records = makeTempDir('lanes-records-');
    const root = agentsWorkspace(records);
    const { api } = await startAgents(root, records);
    const agent = await mcpClientFor(api);
    expect(await tool(agent, 'create_request', { to: 'API', title: 'x', body: 'x' })).toEqual({ isError: true, text: expect.stringMatching(/^API cannot send a request to itself/) });
    expect(await tool(agent, 'create_request', { to: 'Nobody', title: 'x', body: 'x' })).toMatchObject({ isError: true, text: expect.stringContaining('There is no instance "Nobody"') });
    expect(await tool(agent, 'write_memory', { kind: 'user', name: '../x', text: 'x' })).toMatchObject({ isError: true, text: expect.stringContaining('is not a memory entry name') });
    expect(readFileSync(path.join(root, 'memory', 'MEMORY.md'), 'utf8')).toBe('# Memory\n');

    const stranger = await mcpClientFor({ ...api, secret: 'not-the-secret' });
    expect(await tool(stranger, 'list_my_requests', {})).toMatchObject({ isError: true, text: expect.stringContaining('Lanes does not know this agent') });
  });
});

describe("lanes agent: the agents' API as subcommands", () => {
  // Ten commands, each a Node process loading the source through tsx: slow on a busy machine.
  it('runs the same operations, printing text or --json, with clear errors', { timeout: 120_000 }, async () => {
    const records = makeTempDir('lanes-records-');
    const root = agentsWorkspace(records);
    const { api, web } = await startAgents(root, records);

    const sent = await lanesAgent(api, ['request', 'Web', 'Show prices', '--priority', 'high'], 'Body from stdin.\n');
    expect(sent).toMatchObject({ code: 0, stderr: '' });
    const file = /Wrote (.*)$/m.exec(sent.stdout)![1]!;
    expect(readFileSync(file, 'utf8')).toContain('Body from stdin.');
    const listed = await lanesAgent(web, ['requests', '--json']);
    expect(JSON.parse(listed.stdout)).toMatchObject([{ title: 'Show prices', from: 'API', priority: 'high', status: 'open' }]);
    expect((await lanesAgent(web, ['requests'])).stdout).toContain(`open        ${path.basename(file)}  Show prices (from API) [high]`);
    expect(await lanesAgent(web, ['done', path.basename(file)])).toMatchObject({ code: 0, stdout: `Moved to ${path.join(root, REQUESTS, 'done', path.basename(file))}\n` });
    expect((await lanesAgent(api, ['owner', 'src/web/a.ts'])).stdout).toBe('src/web/a.ts: you may not write it. Web owns it: ask with a request.\n');
    expect((await lanesAgent(api, ['memory', 'success', 'stdin works', '--text', '# Works\n'])).code).toBe(0);
    expect(readFileSync(path.join(root, 'memory', 'feedback_success_stdin_works.md'), 'utf8')).toBe('# Works\n');
    expect((await lanesAgent(api, ['progress', 'Writing', 'tests', '--percent', '10'])).stdout).toBe('Reported: Writing tests (10%)\n');

    expect(await lanesAgent(api, ['request', 'API', 'x', '--body', 'x'])).toMatchObject({ code: 1, stdout: '', stderr: expect.stringMatching(/^lanes agent request: API cannot send a request to itself/) });
    const refused = await lanesAgent({ ...api, secret: 'wrong' }, ['requests', '--json']);
    expect(refused.code).toBe(1);
    expect(JSON.parse(refused.stderr)).toMatchObject({ error: { code: 'unauthorized' } });
    expect(await lanesAgent(api, ['fly'])).toMatchObject({ code: 1, stderr: expect.stringContaining('there is no operation "fly"') });
  });
});
