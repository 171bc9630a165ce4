import path from 'node:path';
import { readInsideCheckout, writeInsideCheckout, type WritePlace } from './checkout-file';
import { LanesError } from './errors';
import { requireGitFolders } from './git';

/** Marks hook entries Lanes wrote, so it can replace its own and leave the user's alone. */
export const LANES_HOOK_MARKER = 'LANES_HOOK=1';

export interface ClaudeHookEntry {
  /** Tool-name pattern for PreToolUse/PostToolUse (e.g. `Edit|Write`); omitted for other events. */
  readonly matcher?: string;
  /** The shell command Claude Code runs. Lanes prefixes it with the marker. */
  readonly command: string;
  readonly timeout?: number;
}

type Json = Record<string, unknown>;

/** Claude Code's own git-excluded settings in a worktree, where Lanes installs its hooks. */
export const CLAUDE_LOCAL_SETTINGS = '.claude/settings.local.json';

/**
 * Sets Lanes' hook entries for one Claude Code event in the worktree's git-ignored local
 * settings (`.claude/settings.local.json`), keeping every other setting and every hook the user
 * wrote. A malformed settings file is reported and left untouched.
 */
export async function setClaudeHooks(worktree: string, eventName: string, entries: readonly ClaudeHookEntry[]): Promise<void> {
  await editClaudeLocalSettings(worktree, "Claude Code's hook settings (the zone guard and status reports)", (settings) => {
    const hooks = (typeof settings.hooks === 'object' && settings.hooks !== null ? settings.hooks : {}) as Json;
    const existing = Array.isArray(hooks[eventName]) ? (hooks[eventName] as unknown[]) : [];
    const theirs = existing.filter((group) => !JSON.stringify(group).includes(LANES_HOOK_MARKER));
    const ours = entries.map((entry) => ({
      ...(entry.matcher === undefined ? {} : { matcher: entry.matcher }),
      hooks: [{ type: 'command', command: `${LANES_HOOK_MARKER} ${entry.command}`, ...(entry.timeout ? { timeout: entry.timeout } : {}) }],
    }));
    return { ...settings, hooks: { ...hooks, [eventName]: [...theirs, ...ours] } };
  });
}

/**
 * Points Claude Code's own ("auto") memory at `folder` with its documented `autoMemoryDirectory`
 * setting, in the same git-ignored local settings, where Claude Code reads it (its docs refuse
 * the setting in the shared project settings). Claude Code takes only an absolute path there.
 */
export async function setClaudeMemoryDirectory(worktree: string, folder: string): Promise<void> {
  if (!path.isAbsolute(folder)) throw new LanesError('invalid-argument', `Claude Code's memory folder must be an absolute path; \`${folder}\` is not.`);
  await editClaudeLocalSettings(worktree, "Claude Code's memory folder setting", (settings) => (settings.autoMemoryDirectory === folder ? null : { ...settings, autoMemoryDirectory: folder }));
}

/** Read-modify-write of `.claude/settings.local.json`; `edit` returns null to leave it as it is. */
async function editClaudeLocalSettings(worktree: string, what: string, edit: (settings: Json) => Json | null): Promise<void> {
  // Excluded first, with the temporary file of its atomic write, so git never sees an untracked
  // change, not even for a moment.
  await excludeFromGit(worktree, ['/.claude/settings.local.json', '/.claude/.settings.local.json.lanes-*.tmp']);
  await oneAtATime(path.join(worktree, CLAUDE_LOCAL_SETTINGS), async () => {
    const place: WritePlace = { root: worktree, what };
    const read = await readInsideCheckout(place, CLAUDE_LOCAL_SETTINGS);
    let settings: Json = {};
    if (read.text !== null && read.text.trim() !== '') {
      try {
        const parsed: unknown = JSON.parse(read.text.replace(/^\uFEFF/, ''));
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
        settings = parsed as Json;
      } catch {
        throw new LanesError(
          'malformed-file',
          `\`${CLAUDE_LOCAL_SETTINGS}\` in \`${worktree}\` is not valid JSON, so Lanes did not change it. Fix or delete it, then start the instance again.`,
        );
      }
    }
    const next = edit(settings);
    if (next === null) return;
    await writeInsideCheckout(place, CLAUDE_LOCAL_SETTINGS, `${JSON.stringify(next, null, 2)}\n`, { expected: read.version });
  });
}

/**
 * Adds patterns to the repository's `info/exclude` (shared by all worktrees), so files Lanes
 * generates never show up as changes and never dirty tracked files. The git folder of a linked
 * worktree's repository may lie anywhere, so the rule there is: no symbolic link below it.
 */
export async function excludeFromGit(worktree: string, patterns: readonly string[]): Promise<void> {
  const gitFolder = (await requireGitFolders(worktree)).commonDir;
  const place: WritePlace = { root: gitFolder, rootLabel: 'the git folder', what: 'the list of files git ignores (info/exclude)' };
  await oneAtATime(path.join(gitFolder, 'info', 'exclude'), () => addExcludes(place, patterns));
}

async function addExcludes(place: WritePlace, patterns: readonly string[]): Promise<void> {
  const read = await readInsideCheckout(place, 'info/exclude');
  const current = read.text ?? '';
  const lines = new Set(current.split(/\r?\n/));
  const missing = patterns.filter((pattern) => !lines.has(pattern));
  if (missing.length === 0) return;
  const prefix = current === '' || current.endsWith('\n') ? current : `${current}\n`;
  await writeInsideCheckout(place, 'info/exclude', `${prefix}${missing.join('\n')}\n`, { expected: read.version });
}

const queues = new Map<string, Promise<unknown>>();

/**
 * Runs read-modify-write tasks on one file one after another within this process, so two rooms
 * preparing the same worktree at once do not trip each other's conflict check. Changes made by
 * other programs are still caught by that check.
 */
function oneAtATime<T>(file: string, task: () => Promise<T>): Promise<T> {
  const previous = queues.get(file) ?? Promise.resolve();
  const run = previous.then(task, task);
  const settled = run.catch(() => undefined);
  queues.set(file, settled);
  void settled.then(() => {
    if (queues.get(file) === settled) queues.delete(file);
  });
  return run;
}
