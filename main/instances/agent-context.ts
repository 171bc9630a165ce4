import { promises as fs } from 'node:fs';
import path from 'node:path';
import { excludeFromGit, setClaudeHooks } from '../shared/agent-files';
import { makeFolderInside } from '../shared/path-guard';
import type { WorkspaceConfig, InstanceConfig } from '../workspace/config';

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
  /** The main checkout, where the shared coordination files live for every instance. */
  readonly root: string;
  readonly workspaceName: string;
}

/**
 * What an agent is told once, at start: its role, the zones it owns, the rules, and the
 * session-start ritual. The coordination files are named by absolute path in the main
 * checkout, because that is the copy all instances share (a worktree has its own branch's copy).
 */
export function contextText({ instance, config, root, workspaceName }: ContextInput): string {
  const at = (relative: string) => path.join(root, relative);
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
## Rules
1. Write only inside your zones. Never edit, move or delete files outside them, even to fix something small.
2. When you need a change outside your zones, ask its owner: write a request file in \`${at(config.paths.requests)}\`
   named \`YYYYMMDD_short_topic.md\`, titled \`# What you need (${instance.name} → owner)\`, saying what to change and why.
3. When you finish a request addressed to you, move its file to \`done/\` in that folder.

## Session-start ritual (do this now, before anything else)
1. Read the memory index \`${path.join(at(config.paths.memory), 'MEMORY.md')}\`: recent successes and corrections.
2. Read the shared state \`${at(config.paths.sharedState)}\`: the current snapshot and who owns what.
3. Read the requests in \`${at(config.paths.requests)}\` addressed to you (\`→ ${instance.name}\` in the title) and handle them first.
`;
}

export interface PreparedAgent {
  readonly args: string[];
  /** The context file Lanes wrote, git-excluded, relative to the working folder. */
  readonly contextFile: string;
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
}): Promise<PreparedAgent> {
  const contextFile = path.posix.join('.lanes', 'context', `${options.instanceName}.md`);
  const absolute = path.join(options.cwd, ...contextFile.split('/'));
  await excludeFromGit(options.cwd, ['/.lanes/context/', '/.claude/settings.local.json']);
  await makeFolderInside(options.cwd, path.dirname(absolute));
  await fs.writeFile(absolute, options.context);
  const pointer = `Read ${contextFile}: it gives your role, the zones you own, the rules and the session-start ritual. Follow it.`;
  const args = [...options.args];
  switch (options.kind) {
    case 'claude': {
      await ensureClaudeHooks(options.cwd, options.notifyCommand());
      args.push('--append-system-prompt', options.context);
      break;
    }
    case 'codex':
      args.push(pointer);
      break;
    case 'gemini':
      args.push('--prompt-interactive', pointer);
      break;
    case 'aider':
      args.push('--read', contextFile);
      break;
    default:
      break;
  }
  return { args, contextFile };
}

async function ensureClaudeHooks(cwd: string, notifyCommand: string): Promise<void> {
  for (const event of CLAUDE_HOOK_EVENTS) await setClaudeHooks(cwd, event, [{ command: `${notifyCommand} ${event}`, timeout: 10 }]);
}
