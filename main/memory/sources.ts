import os from 'node:os';
import path from 'node:path';

/**
 * Where Claude Code keeps its own ("auto") memory for a checkout:
 * `<config dir>/projects/<path with every character but A–Z, a–z, 0–9 as "-">/memory`.
 * The config dir is `$CLAUDE_CONFIG_DIR` or `~/.claude`. Claude Code's docs
 * (https://code.claude.com/docs/en/memory) key it by the git repository, so every worktree shares
 * the main checkout's folder; older versions keyed it by the worktree's own path, one folder each.
 * Lanes computes both (see claude-memory.ts).
 */
export function claudeProjectsFolder(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(env.CLAUDE_CONFIG_DIR || path.join(os.homedir(), '.claude'), 'projects');
}

export function claudeMemoryFolder(checkout: string, env: NodeJS.ProcessEnv = process.env): string {
  return path.join(claudeProjectsFolder(env), checkout.replace(/[^a-zA-Z0-9]/g, '-'), 'memory');
}
