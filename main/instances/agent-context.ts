import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { AGENT_API_ENV, MCP_TOOLS } from '../contract/agents';
import { excludeFromGit, setClaudeHooks, setClaudeMemoryDirectory } from '../shared/agent-files';
import { appRoot } from '../shared/app-root';
import { writeInsideCheckout } from '../shared/checkout-file';
import { LanesError } from '../shared/errors';
import type { WorkspaceConfig, InstanceConfig } from '../workspace/config';
import type { CoordinationPaths } from '../workspace/home';
import { splitCommandLine } from './command-line';

export type AgentKind = 'claude' | 'codex' | 'gemini' | 'aider' | 'shell' | 'other';

const SHELLS = new Set(['bash', 'zsh', 'sh', 'fish', 'dash', 'ksh', 'nu', 'pwsh', 'powershell', 'cmd']);

/** Which agent a program is, by its file name, so Lanes can use that agent's own ways of taking context. */
export function agentKind(program: string): AgentKind {
  const base = (program.split(/[\\/]/).pop() ?? '').toLowerCase().replace(/\.(exe|cmd|bat|ps1)$/, '');
  if (base === 'claude' || base === 'codex' || base === 'gemini' || base === 'aider') return base;
  return SHELLS.has(base) ? 'shell' : 'other';
}

/** Claude Code hook events Lanes listens to, and the status each one means. */
export const CLAUDE_HOOK_EVENTS = ['Notification', 'Stop', 'UserPromptSubmit'] as const;

export interface ContextInput {
  readonly instance: InstanceConfig;
  readonly config: WorkspaceConfig;
  /** The coordination files in the workspace's home, shared by every instance. */
  readonly paths: CoordinationPaths;
  readonly workspaceName: string;
}

/**
 * What an agent is told once, at start: its role, the zones it owns, the rules, and the
 * session-start ritual. The coordination files are named by absolute path in the home (the main
 * checkout), because that is the copy all instances and Lanes share; a worktree's own copy is
 * its branch's, which nobody else reads.
 */
export function contextText({ instance, config, paths, workspaceName }: ContextInput): string {
  const others = config.instances.filter((other) => other.name !== instance.name);
  const zones = instance.zones.length > 0 ? instance.zones.map((zone) => `- \`${zone}\``).join('\n') : '- (none yet: ask before writing any file)';
  const common = config.common && config.common.length > 0 ? `\nEvery instance may also write: ${config.common.map((zone) => `\`${zone}\``).join(', ')}.\n` : '';
  const role = instance.prompt?.trim() || `You are the ${instance.role} instance.`;
  return `# You are "${instance.name}" in the Lanes workspace "${workspaceName}"

${role}

Several AI agents work on this repository in parallel, each in its own lane. ${
    others.length > 0 ? `The others: ${others.map((other) => `${other.name} (${other.role})`).join(', ')}.` : ''
  }

## Your zones (you may write only here)
${zones}
${common}
## Shared coordination files (every instance writes these, by these absolute paths)
- Requests between instances: \`${paths.requests}\` (finished ones in \`${paths.requestsDone}\`)
- Memory: \`${paths.memory}\`, indexed by \`${paths.memoryIndex}\`
- Shared state: \`${paths.sharedState}\` (leave its Instance Scope Table as it is; Lanes keeps it)

They live in the workspace's main checkout \`${paths.home}\`, which every instance and Lanes read. Your worktree may hold its own copies of them: never write those, nobody reads them.
${agentKind(programOf(instance)) === 'claude' ? `Your own auto memory is this memory folder too (Lanes sets \`autoMemoryDirectory\` to \`${paths.memory}\`): keep its entries and its MEMORY.md there, not in ~/.claude/projects.\n` : ''}${MCP_AGENTS.has(agentKind(programOf(instance))) ? `Lanes' own tools are the MCP server \`${LANES_MCP_SERVER}\`: ${Object.keys(MCP_TOOLS).join(', ')}. Prefer them to writing these files by hand: Lanes checks names and keeps the formats.\n` : ''}
## Rules
1. Write only inside your zones and the shared coordination files above. Never edit, move or delete other files, even to fix something small.
2. When you need a change outside your zones, ask its owner: write a request file in \`${paths.requests}\`
   named \`YYYYMMDD_short_topic.md\`, titled \`# What you need (${instance.name} → owner)\`, saying what to change and why.
3. When you finish a request addressed to you, move its file into \`${paths.requestsDone}\`.

## Session-start ritual (do this now, before anything else)
1. Read the memory index \`${paths.memoryIndex}\`: recent successes and corrections.
2. Read the shared state \`${paths.sharedState}\`: the current snapshot and who owns what.
3. Read the requests in \`${paths.requests}\` addressed to you (\`→ ${instance.name}\` in the title) and handle them first.
`;
}

/** The program an instance's `agent:` command line runs. */
function programOf(instance: InstanceConfig): string {
  try {
    return splitCommandLine(instance.agent)[0]!;
  } catch {
    return instance.agent.trim().split(/\s+/)[0] ?? instance.agent;
  }
}

/** The agents Lanes registers its MCP server for, each in its own way (see prepareAgent). */
const MCP_AGENTS: ReadonlySet<AgentKind> = new Set(['claude', 'codex', 'gemini']);

/** The agents whose prompt takes typed text as a message to act on. */
const PROSE_AGENTS: ReadonlySet<AgentKind> = new Set(['claude', 'codex', 'gemini', 'aider']);

/**
 * Why Lanes must not type an instruction (hand-off, wrap-up) into this instance's terminal, or
 * null when it may. Claude Code, Codex, Gemini and Aider take prose; a shell would run the text
 * as a command; any other program only when lanes.yml marks it `takesInstructions: true`
 * (`false` turns typing off for any agent).
 */
export function whyNotTyped(instance: InstanceConfig): string | null {
  if (instance.takesInstructions === true) return null;
  const program = programOf(instance);
  const shown = program.split(/[\\/]/).pop() || program;
  if (instance.takesInstructions === false) {
    return `${instance.name} is marked \`takesInstructions: false\` in lanes.yml, so Lanes does not type into its terminal; paste it where it belongs.`;
  }
  const kind = agentKind(program);
  if (PROSE_AGENTS.has(kind)) return null;
  if (kind === 'shell') return `${instance.name} runs \`${shown}\`, which would run this text as a command; paste it where it belongs.`;
  return (
    `${instance.name} runs \`${shown}\`, which Lanes does not know to take typed instructions; paste it where it belongs, ` +
    `or set \`takesInstructions: true\` for ${instance.name} in lanes.yml if it reads them.`
  );
}

export interface PreparedAgent {
  readonly args: string[];
  /** Variables the agent's environment needs beside Lanes' own (Gemini's settings file). */
  readonly env: Record<string, string>;
  /** The context file Lanes wrote, git-excluded, relative to the working folder. */
  readonly contextFile: string;
}

/** The name Claude Code knows Lanes' MCP server by: its tools are `mcp__lanes__<tool>`. */
export const LANES_MCP_SERVER = 'lanes';

/** How an agent starts this Lanes' `lanes mcp`: no shell, the same program and app as this Lanes. */
export function lanesMcpServer(): { command: string; args: string[]; env?: Record<string, string> } {
  const args = [path.join(appRoot(), 'bin', 'lanes.js'), 'mcp'];
  return process.versions.electron ? { command: process.execPath, args, env: { ELECTRON_RUN_AS_NODE: '1' } } : { command: process.execPath, args };
}

/**
 * Gives the agent its context without touching tracked files: a git-excluded file in its
 * working folder for every agent, plus the agent's own channel (Claude Code's system prompt and
 * hooks, Codex's and Gemini's initial prompt, Aider's read-only file).
 */
export async function prepareAgent(options: {
  readonly cwd: string;
  readonly kind: AgentKind;
  readonly args: readonly string[];
  readonly instanceName: string;
  readonly context: string;
  /** The `lanes notify` command line for hooks (asked only for agents that have hooks). */
  readonly notifyCommand: () => string;
  /**
   * The home's memory folder, absolute: Claude Code's own memory is pointed there, so what it
   * learns lands in the one memory every instance reads, where the guard lets it write.
   */
  readonly memoryFolder?: string;
  /** The environment the agent inherits (where Gemini's system settings may already be named). */
  readonly env?: Readonly<Record<string, string | undefined>>;
}): Promise<PreparedAgent> {
  const contextFile = path.posix.join('.lanes', 'context', `${options.instanceName}.md`);
  // Claude Code reads MCP servers from the file named by --mcp-config, kept beside the context
  // file in the git-excluded .lanes/context/: nothing of it can land in a commit, and the project's
  // own .mcp.json and settings stay as the user wrote them. The server reads its address and
  // secret from the environment it inherits, so the file holds none.
  const mcpConfigFile = path.posix.join('.lanes', 'context', `${options.instanceName}.mcp.json`);
  await excludeFromGit(options.cwd, ['/.lanes/context/', '/.claude/settings.local.json']);
  await writeInsideCheckout({ root: options.cwd, what: "the agent's context" }, contextFile, options.context);
  const pointer = `Read ${contextFile}: it gives your role, the zones you own, the rules and the session-start ritual. Follow it.`;
  const args = [...options.args];
  const env: Record<string, string> = {};
  switch (options.kind) {
    case 'claude': {
      await ensureClaudeHooks(options.cwd, options.notifyCommand());
      if (options.memoryFolder !== undefined) await setClaudeMemoryDirectory(options.cwd, options.memoryFolder);
      const mcpConfig = { mcpServers: { [LANES_MCP_SERVER]: { type: 'stdio', ...lanesMcpServer() } } };
      await writeInsideCheckout({ root: options.cwd, what: "the agent's MCP servers" }, mcpConfigFile, `${JSON.stringify(mcpConfig, null, 2)}\n`);
      args.push('--append-system-prompt', options.context, '--mcp-config', path.join(options.cwd, mcpConfigFile));
      break;
    }
    case 'codex':
      // Codex has no MCP config file flag: `-c` overrides add the server for this run only, and
      // its secret reaches the server through the environment Codex forwards (`env_vars`).
      args.push(...codexMcpOverrides(), pointer);
      break;
    case 'gemini': {
      // Gemini reads a system settings file (named by GEMINI_CLI_SYSTEM_SETTINGS_PATH) over the
      // user's and the project's: Lanes writes one, git-excluded, holding the system file's own
      // settings plus its server. The secret is a `$VAR` reference Gemini resolves when it starts.
      const settingsFile = path.posix.join('.lanes', 'context', `${options.instanceName}.gemini-settings.json`);
      const settings = await geminiSettingsWithLanes(options.env ?? process.env);
      await writeInsideCheckout({ root: options.cwd, what: "the agent's MCP servers" }, settingsFile, `${JSON.stringify(settings, null, 2)}\n`);
      env[GEMINI_SYSTEM_SETTINGS] = path.join(options.cwd, settingsFile);
      args.push('--prompt-interactive', pointer);
      break;
    }
    case 'aider':
      args.push('--read', contextFile);
      break;
    default:
      break;
  }
  return { args, env, contextFile };
}

/** The variables `lanes mcp` reads to reach this Lanes as its instance. */
const MCP_SERVER_VARIABLES = [AGENT_API_ENV.socket, AGENT_API_ENV.secret];

/** Codex's `-c key=value` overrides (values in TOML; JSON strings and arrays are TOML too) that add Lanes' server. */
export function codexMcpOverrides(): string[] {
  const server = lanesMcpServer();
  const prefix = `mcp_servers.${LANES_MCP_SERVER}`;
  const overrides = [
    `${prefix}.command=${JSON.stringify(server.command)}`,
    `${prefix}.args=${JSON.stringify(server.args)}`,
    `${prefix}.env_vars=${JSON.stringify(MCP_SERVER_VARIABLES)}`,
    ...Object.entries(server.env ?? {}).map(([name, value]) => `${prefix}.env.${name}=${JSON.stringify(value)}`),
  ];
  return overrides.flatMap((override) => ['-c', override]);
}

const GEMINI_SYSTEM_SETTINGS = 'GEMINI_CLI_SYSTEM_SETTINGS_PATH';

/** Where Gemini CLI reads its system settings when no variable names the file. */
function defaultGeminiSystemSettings(): string {
  if (process.platform === 'darwin') return '/Library/Application Support/GeminiCli/settings.json';
  if (process.platform === 'win32') return 'C:\\ProgramData\\gemini-cli\\settings.json';
  return '/etc/gemini-cli/settings.json';
}

/**
 * The system settings Gemini would have read, with Lanes' server added. A system file Lanes
 * cannot read as JSON is not replaced: its policy would be lost, so the error says what to fix.
 */
async function geminiSettingsWithLanes(env: Readonly<Record<string, string | undefined>>): Promise<Record<string, unknown>> {
  const file = env[GEMINI_SYSTEM_SETTINGS] || defaultGeminiSystemSettings();
  let system: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(await readFile(file, 'utf8'));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('it is not a JSON object');
    system = parsed as Record<string, unknown>;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new LanesError('malformed-file', `Lanes could not read Gemini's system settings \`${file}\` to add its MCP server (${(error as Error).message}). Fix that file, then start the instance again.`);
    }
  }
  const server = lanesMcpServer();
  const variables = Object.fromEntries(MCP_SERVER_VARIABLES.map((name) => [name, `$${name}`]));
  const servers = typeof system.mcpServers === 'object' && system.mcpServers !== null ? (system.mcpServers as Record<string, unknown>) : {};
  return { ...system, mcpServers: { ...servers, [LANES_MCP_SERVER]: { command: server.command, args: server.args, env: { ...server.env, ...variables } } } };
}

async function ensureClaudeHooks(cwd: string, notifyCommand: string): Promise<void> {
  for (const event of CLAUDE_HOOK_EVENTS) await setClaudeHooks(cwd, event, [{ command: `${notifyCommand} ${event}`, timeout: 10 }]);
}
