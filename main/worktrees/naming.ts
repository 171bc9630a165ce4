import { LanesError } from '../shared/errors';
import { runGit } from '../shared/git';
import type { InstanceConfig } from '../workspace/config';

const CONTROL = /\p{Cc}/u;

/** Checks a new instance's name against lanes.yml's rules and the names already taken. */
export function checkInstanceName(name: string, existing: readonly Pick<InstanceConfig, 'name'>[]): string {
  const trimmed = name.trim();
  if (trimmed === '') throw new LanesError('invalid-argument', 'Give the instance a name, such as "Frontend".');
  if (trimmed.length > 64) throw new LanesError('invalid-argument', `The name "${trimmed.slice(0, 20)}…" is too long; use at most 64 characters.`);
  if (/[\\/]/.test(trimmed) || CONTROL.test(trimmed)) {
    throw new LanesError('invalid-argument', `The name "${printable(trimmed)}" may not contain slashes or control characters.`);
  }
  const taken = existing.find((instance) => instance.name.toLowerCase() === trimmed.toLowerCase());
  if (taken) throw new LanesError('already-exists', `There is already an instance called "${taken.name}". Choose another name.`);
  return trimmed;
}

/** Refuses a branch name git would refuse, with git's rules, before anything is created. */
export async function checkBranchName(root: string, branch: string): Promise<string> {
  const trimmed = branch.trim();
  if (trimmed === '') throw new LanesError('invalid-argument', 'Give the branch a name, such as "lanes/frontend".');
  // A leading dash would read as an option; git's own check would refuse it anyway.
  if (trimmed.startsWith('-') || CONTROL.test(trimmed) || (await runGit(root, ['check-ref-format', '--branch', trimmed])).code !== 0) {
    throw new LanesError(
      'invalid-argument',
      `"${printable(trimmed)}" is not a valid branch name. Use letters, digits, "/", "-", "_" and ".", without spaces, "..", "~", "^", ":", "?", "*" or "[".`,
    );
  }
  return trimmed;
}

/**
 * The commit a base names (a branch, tag, remote branch or commit, as git reads it), or an error
 * that says the base does not exist.
 */
export async function resolveCommit(root: string, ref: string): Promise<string> {
  const trimmed = ref.trim();
  const result =
    trimmed === '' || trimmed.startsWith('-') || CONTROL.test(trimmed)
      ? null
      : await runGit(root, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${trimmed}^{commit}`]);
  if (!result || result.code !== 0 || result.stdout.trim() === '') {
    throw new LanesError('not-found', `The base "${printable(trimmed)}" is not a branch, tag or commit of this repository. Type a branch (main), a remote branch (origin/main), a tag or a commit, or leave it empty to start where the main checkout is.`);
  }
  return result.stdout.trim();
}

export async function branchExists(root: string, branch: string): Promise<boolean> {
  return (await runGit(root, ['show-ref', '--verify', '--quiet', `refs/heads/${branch}`])).code === 0;
}

function printable(text: string): string {
  return text.replace(/\p{Cc}/gu, '?');
}
