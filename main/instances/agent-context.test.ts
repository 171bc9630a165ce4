import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { git, makeGitRepo, makeTempDir } from '../../test/support/repo';
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

  it('registers it for Codex with -c overrides for this run only: the command, its args, and the variables to forward, no secret', async () => {
    const home = makeGitRepo();
    const prepared = await prepareAgent({ cwd: home, kind: 'codex', args: ['--model', 'o4'], instanceName: 'Codex', context: 'context', notifyCommand: () => 'lanes notify' });
    expect(prepared.args).not.toContain('--mcp-config');
    expect(prepared.args.slice(0, 2)).toEqual(['--model', 'o4']);
    // Options first, the opening prompt last.
    expect(prepared.args.at(-1)).toMatch(/^Read \.lanes\/context\/Codex\.md/);
    const overrides = new Map(
      prepared.args.flatMap((arg, index) => (prepared.args[index - 1] === '-c' ? [arg] : [])).map((override) => [override.slice(0, override.indexOf('=')), JSON.parse(override.slice(override.indexOf('=') + 1))]),
    );
    expect(overrides.get('mcp_servers.lanes.command')).toBe(lanesMcpServer().command);
    expect(overrides.get('mcp_servers.lanes.args')).toEqual(lanesMcpServer().args);
    expect(overrides.get('mcp_servers.lanes.env_vars')).toEqual(['LANES_AGENT_API', 'LANES_AGENT_SECRET']);
    expect(prepared.env).toEqual({});
    expect(git(home, 'status', '--porcelain')).toBe('');
  });

  it("registers it for Gemini in a git-excluded system settings file that keeps the system file's own settings, the secret as a variable reference", async () => {
    const home = makeGitRepo();
    const systemFile = path.join(makeTempDir(), 'system-settings.json');
    writeFileSync(systemFile, JSON.stringify({ security: { folderTrust: { enabled: true } }, mcpServers: { docs: { command: 'docs-mcp' } } }));
    const prepared = await prepareAgent({
      cwd: home,
      kind: 'gemini',
      args: [],
      instanceName: 'Gem',
      context: 'context',
      notifyCommand: () => 'lanes notify',
      env: { GEMINI_CLI_SYSTEM_SETTINGS_PATH: systemFile },
    });
    const file = prepared.env.GEMINI_CLI_SYSTEM_SETTINGS_PATH!;
    expect(file).toBe(path.join(home, '.lanes', 'context', 'Gem.gemini-settings.json'));
    const settings = JSON.parse(readFileSync(file, 'utf8'));
    expect(settings.security).toEqual({ folderTrust: { enabled: true } });
    expect(settings.mcpServers.docs).toEqual({ command: 'docs-mcp' });
    expect(settings.mcpServers.lanes).toEqual({
      command: lanesMcpServer().command,
      args: lanesMcpServer().args,
      env: { LANES_AGENT_API: '$LANES_AGENT_API', LANES_AGENT_SECRET: '$LANES_AGENT_SECRET' },
    });
    expect(prepared.args.slice(0, 1)).toEqual(['--prompt-interactive']);
    expect(git(home, 'status', '--porcelain')).toBe('');

    // A system file that is not JSON is not replaced (its policy would be lost): the start says what to fix.
    writeFileSync(systemFile, '{ not json');
    await expect(
      prepareAgent({ cwd: home, kind: 'gemini', args: [], instanceName: 'Gem', context: 'context', notifyCommand: () => 'lanes notify', env: { GEMINI_CLI_SYSTEM_SETTINGS_PATH: systemFile } }),
    ).rejects.toThrow(`Lanes could not read Gemini's system settings \`${systemFile}\``);
  });

  it('registers nothing for an agent without MCP support', async () => {
    const home = makeGitRepo();
    const prepared = await prepareAgent({ cwd: home, kind: 'aider', args: [], instanceName: 'Aider', context: 'context', notifyCommand: () => 'lanes notify' });
    expect(prepared.args).toEqual(['--read', '.lanes/context/Aider.md']);
    expect(prepared.env).toEqual({});
  });
});
