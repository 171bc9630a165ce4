import { promises as fs } from 'node:fs';
import path from 'node:path';
import { LANES_HOOK_MARKER, setClaudeHooks } from '../shared/agent-files';
import { writeInsideCheckout } from '../shared/checkout-file';
import { errnoCode } from '../shared/errors';
import { gitOrNull, requireGitFolders } from '../shared/git';
import { GUARDED_TOOLS_MATCHER } from './guard';
import { lanesScriptCommand, lanesScriptPath, shellQuote } from './hook-command';

/**
 * Installs `lanes guard` as the checkout's Claude Code PreToolUse hook (git-ignored local
 * settings), for the instances working in it (usually one; several share the main checkout).
 */
export async function installGuard(workspace: string, instances: readonly string[], worktree: string, scriptsDir?: string): Promise<void> {
  const command = lanesScriptCommand('guard', ['--workspace', workspace, ...instances.flatMap((name) => ['--instance', name]), '--worktree', worktree], scriptsDir);
  await setClaudeHooks(worktree, 'PreToolUse', [{ matcher: GUARDED_TOOLS_MATCHER, command, timeout: 10 }]);
}

export type PreCommitInstall =
  | { readonly status: 'installed'; readonly path: string; readonly keptPrevious: boolean }
  | { readonly status: 'managed-elsewhere'; readonly message: string };

export const PREVIOUS_HOOK_SUFFIX = '.before-lanes';

/**
 * Installs the pre-commit hook that runs `lanes check --staged`. Worktrees share the
 * repository's hooks folder, so one hook serves them all; it finds its instance from the
 * worktree it runs in. A hook that was already there is kept next to it and runs first; when
 * hooks live in a tracked folder (`core.hooksPath`, as husky sets), Lanes does not touch it and
 * says what line to add.
 */
export async function installPreCommitHook(workspace: string, scriptsDir?: string): Promise<PreCommitInstall> {
  const check = lanesScriptCommand('check', ['--staged', '--workspace', workspace], scriptsDir);
  const hooksPath = (await gitOrNull(workspace, ['config', '--get', 'core.hooksPath']))?.trim();
  if (hooksPath) {
    return {
      status: 'managed-elsewhere',
      message: `Git hooks in this repository live in \`${hooksPath}\` (core.hooksPath), so Lanes left them alone. To check zones at commit, add this line to its pre-commit hook: ${check}`,
    };
  }
  const gitCommonDir = (await requireGitFolders(workspace)).commonDir;
  const hooksDir = path.join(gitCommonDir, 'hooks');
  await fs.mkdir(hooksDir, { recursive: true });
  const hookFile = path.join(hooksDir, 'pre-commit');
  const previousFile = hookFile + PREVIOUS_HOOK_SUFFIX;
  let existing: string | null = null;
  try {
    existing = await fs.readFile(hookFile, 'utf8');
  } catch (error) {
    if (errnoCode(error) !== 'ENOENT') throw error;
  }
  if (existing !== null && !existing.includes(LANES_HOOK_MARKER)) {
    // Keep the user's hook, byte for byte, and run it before ours.
    await fs.rename(hookFile, previousFile);
  }
  const keptPrevious = await fs.access(previousFile).then(() => true, () => false);
  const script = `#!/bin/sh
# ${LANES_HOOK_MARKER}: Lanes' zone check. It refuses a commit that stages files outside the
# zones of the instance working in this worktree. A hook that was here before Lanes is kept as
# pre-commit${PREVIOUS_HOOK_SUFFIX} and runs first. Remove this file to stop the check.
here=$(dirname "$0")
if [ -x "$here/pre-commit${PREVIOUS_HOOK_SUFFIX}" ]; then
  "$here/pre-commit${PREVIOUS_HOOK_SUFFIX}" "$@" || exit $?
fi
if [ ! -e ${shellQuote(lanesScriptPath('check', scriptsDir))} ]; then
  echo "Lanes is no longer installed where this hook expects it; skipping the zone check." >&2
  exit 0
fi
${check}
`;
  await writeInsideCheckout({ root: gitCommonDir, rootLabel: 'the git folder', what: 'the pre-commit hook' }, 'hooks/pre-commit', script, { mode: 0o755 });
  return { status: 'installed', path: hookFile, keptPrevious };
}
