import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { git, makeGitRepo } from '../../test/support/repo';
import { DEFAULT_PATHS, instanceConfigSchema, workspaceConfigSchema } from '../workspace/config';
import { coordinationPaths } from '../workspace/home';
import { contextText, LANES_MCP_SERVER, lanesMcpServer, prepareAgent } from './agent-context';

describe('Claude Code’s own memory in the home', () => {
  it('points a Claude instance’s autoMemoryDirectory at the home’s memory folder, git-ignored, and names it in the context', async () => {
    const home = makeGitRepo({ 'memory/MEMORY.md': '# Memory\n' });
    const paths = coordinationPaths(home, DEFAULT_PATHS);
    const claude = instanceConfigSchema.parse({ name: 'API', agent: 'claude --model opus' });
    const shell = instanceConfigSchema.parse({ name: 'Shell', agent: 'bash' });
    const config = workspaceConfigSchema.parse({ instances: [claude, shell] });
    const context = contextText({ instance: claude, config, paths, workspaceName: 'web' });
    expect(context).toContain(`Lanes sets \`autoMemoryDirectory\` to \`${paths.memory}\``);
    expect(contextText({ instance: shell, config, paths, workspaceName: 'web' })).not.toContain('autoMemoryDirectory');
    expect(context).toContain("Lanes' own tools are the MCP server `lanes`");
    expect(contextText({ instance: shell, config, paths, workspaceName: 'web' })).not.toContain('MCP');

    await prepareAgent({ cwd: home, kind: 'claude', args: [], instanceName: 'API', context, notifyCommand: () => 'lanes notify', memoryFolder: paths.memory });
    const settings = JSON.parse(readFileSync(path.join(home, '.claude/settings.local.json'), 'utf8'));
    expect(settings.autoMemoryDirectory).toBe(paths.memory);
    expect(Object.keys(settings.hooks)).toEqual(['Notification', 'Stop', 'UserPromptSubmit']);
    expect(git(home, 'status', '--porcelain')).toBe('');
  });
});

describe('Lanes’ MCP server for Claude Code', () => {
  it('registers `lanes mcp` with --mcp-config in a git-excluded file holding no secret, and leaves the project’s .mcp.json alone', async () => {
    const home = makeGitRepo({ '.mcp.json': '{ "mcpServers": {} }\n' });
    const prepared = await prepareAgent({ cwd: home, kind: 'claude', args: ['--model', 'opus'], instanceName: 'API', context: 'context', notifyCommand: () => 'lanes notify' });
    const at = prepared.args.indexOf('--mcp-config');
    expect(prepared.args.slice(0, 2)).toEqual(['--model', 'opus']);
    const file = prepared.args[at + 1]!;
    expect(file).toBe(path.join(home, '.lanes', 'context', 'API.mcp.json'));
    const config = JSON.parse(readFileSync(file, 'utf8'));
    expect(config).toEqual({ mcpServers: { [LANES_MCP_SERVER]: { type: 'stdio', ...lanesMcpServer() } } });
    expect(config.mcpServers.lanes.args.slice(-2)).toEqual([path.join(path.resolve(__dirname, '..', '..'), 'bin', 'lanes.js'), 'mcp']);
    expect(readFileSync(file, 'utf8')).not.toMatch(/SECRET|LANES_AGENT/);
    expect(git(home, 'status', '--porcelain')).toBe('');
    expect(git(home, 'check-ignore', '--no-index', '.lanes/context/API.mcp.json').trim()).toBe('.lanes/context/API.mcp.json');
    expect(readFileSync(path.join(home, '.mcp.json'), 'utf8')).toBe('{ "mcpServers": {} }\n');
  });

  it('gives other agents no --mcp-config', async () => {
    const home = makeGitRepo();
    const prepared = await prepareAgent({ cwd: home, kind: 'codex', args: [], instanceName: 'Codex', context: 'context', notifyCommand: () => 'lanes notify' });
    expect(prepared.args).not.toContain('--mcp-config');
  });
});
