import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Lanes } from '../app/lanes';
import type { CallArgs, CallName, CallResult, EventName } from '../contract';
import { git, makeTempDir, writeFiles } from '../../test/support/repo';
import { trustAllCommands } from '../../test/support/trust';

/**
 * A real repository at `<temp>/web` (so default worktrees, made beside it, land in the same
 * temp folder and are removed with it), opened in a real Lanes core.
 */
export interface Workbench {
  readonly parent: string;
  readonly root: string;
  readonly core: Lanes;
  readonly events: { name: EventName; payload: unknown }[];
  call<N extends CallName>(name: N, args: CallArgs<N>): Promise<CallResult<N>>;
  /** The error a call failed with: `{ code, message, details }`. Fails the test if it succeeded. */
  fail<N extends CallName>(name: N, args: CallArgs<N>): Promise<{ code: string; message: string; details?: Record<string, unknown> }>;
}

export async function openWorkbench(files: Record<string, string> = { 'README.md': '# web\n' }): Promise<Workbench> {
  const parent = makeTempDir('lanes-wt-');
  const root = path.join(parent, 'web');
  mkdirSync(root);
  git(root, 'init', '-q', '-b', 'main');
  writeFiles(root, files);
  git(root, 'add', '-A');
  git(root, 'commit', '-q', '-m', 'initial');
  return openCore(parent, root);
}

/**
 * A clone at `<temp>/web` of a repository at `<temp>/origin` (branches `main` and `feature`,
 * tag `v1`), its HEAD detached at `main`'s commit as CI systems and `git checkout <commit>`
 * leave it, opened in a real Lanes core.
 */
export async function openDetachedClone(files: Record<string, string> = { 'README.md': '# web\n' }): Promise<Workbench> {
  const parent = makeTempDir('lanes-wt-');
  const origin = path.join(parent, 'origin');
  mkdirSync(origin);
  git(origin, 'init', '-q', '-b', 'main');
  writeFiles(origin, files);
  git(origin, 'add', '-A');
  git(origin, 'commit', '-q', '-m', 'initial');
  git(origin, 'tag', 'v1');
  git(origin, 'checkout', '-q', '-b', 'feature');
  writeFiles(origin, { 'feature.txt': 'feature\n' });
  git(origin, 'add', '-A');
  git(origin, 'commit', '-q', '-m', 'feature');
  git(origin, 'checkout', '-q', 'main');
  const root = path.join(parent, 'web');
  git(parent, 'clone', '-q', origin, root);
  git(root, 'checkout', '-q', '--detach', 'HEAD');
  return openCore(parent, root);
}

async function openCore(parent: string, root: string): Promise<Workbench> {
  const core = new Lanes({ userDataDir: makeTempDir('lanes-user-'), platform: { mode: 'web' }, version: 'test' });
  const events: Workbench['events'] = [];
  core.onEvent((name, payload) => events.push({ name, payload }));
  const call = async <N extends CallName>(name: N, args: CallArgs<N>): Promise<CallResult<N>> => {
    const envelope = await core.call(name, args);
    if (!envelope.ok) throw new Error(`${name} failed: ${envelope.error.code}: ${envelope.error.message}`);
    return envelope.value as CallResult<N>;
  };
  const fail = async <N extends CallName>(name: N, args: CallArgs<N>) => {
    const envelope = await core.call(name, args);
    if (envelope.ok) throw new Error(`${name} succeeded but should have failed`);
    return envelope.error;
  };
  await call('workspace.open', { path: root });
  // These tests are about worktrees, not trust: the repository's setup command is trusted.
  await trustAllCommands(core);
  return { parent, root, core, events, call, fail };
}

/**
 * Commits everything as the instance's agent would. The zones room may have installed its
 * pre-commit hook by now, and these tests are about git state, not zones: skip the hook.
 */
export function commitAll(cwd: string, message: string): void {
  git(cwd, 'add', '-A');
  git(cwd, 'commit', '-q', '--no-verify', '-m', message);
}
