import os from 'node:os';
import path from 'node:path';

/**
 * Where Claude Code keeps its own memory for a repository:
 * `<config dir>/projects/<repository root with every character but A–Z, a–z, 0–9 as "-">/memory`.
 * The config dir is `$CLAUDE_CONFIG_DIR` or `~/.claude`. Worktrees of one repository share it,
 * because Claude Code keys it by the main checkout's root.
 */
export function claudeProjectsFolder(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(env.CLAUDE_CONFIG_DIR || path.join(os.homedir(), '.claude'), 'projects');
}

export function claudeMemoryFolder(repositoryRoot: string, env: NodeJS.ProcessEnv = process.env): string {
  return path.join(claudeProjectsFolder(env), repositoryRoot.replace(/[^a-zA-Z0-9]/g, '-'), 'memory');
}
