import { readdirSync } from 'node:fs';
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
  return path.join(claudeProjectsFolder(env), claudeProjectName(checkout, env), 'memory');
}

/** Claude Code keeps this many characters of a long sanitized path, then adds a hash of the path. */
const CLAUDE_NAME_LIMIT = 200;

/**
 * The folder name Claude Code gives a checkout under `projects/`: every character but A–Z, a–z,
 * 0–9 as "-". A name over 200 characters is cut to 200, then "-" and a hash of the path are
 * added. The hash differs between Claude Code's builds (a 32-bit string hash in base 36 under
 * Node; the native build hashes otherwise), so a folder that exists with that 200-character
 * start is taken when it is the only one; else the Node build's name is answered.
 */
export function claudeProjectName(checkout: string, env: NodeJS.ProcessEnv = process.env): string {
  const sanitized = checkout.replace(/[^a-zA-Z0-9]/g, '-');
  if (sanitized.length <= CLAUDE_NAME_LIMIT) return sanitized;
  const start = `${sanitized.slice(0, CLAUDE_NAME_LIMIT)}-`;
  const computed = `${start}${Math.abs(stringHash(checkout)).toString(36)}`;
  let existing: string[] = [];
  try {
    existing = readdirSync(claudeProjectsFolder(env)).filter((name) => name.startsWith(start));
  } catch {
    // No projects folder yet: Claude Code has not run here.
  }
  return existing.includes(computed) || existing.length !== 1 ? computed : existing[0]!;
}

/** A 32-bit string hash over UTF-16 code units (h = 31·h + c), as Claude Code's Node build computes it. */
function stringHash(text: string): number {
  let hash = 0;
  for (let index = 0; index < text.length; index += 1) hash = (hash * 31 + text.charCodeAt(index)) | 0;
  return hash;
}
