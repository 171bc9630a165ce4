import { mkdirSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';
import { initRepo } from './git-fixtures';

export { GIT_ENV, git, writeFiles } from './git-fixtures';

const created: string[] = [];

/** A fresh folder under the system temp dir, removed after the current test. */
export function makeTempDir(prefix = 'lanes-test-'): string {
  const dir = realpathSync(mkdtempSync(path.join(os.tmpdir(), prefix)));
  created.push(dir);
  return dir;
}

afterEach(() => {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/**
 * A real git repository on branch `main` with the given files in one commit. It sits alone in
 * its own temporary folder, so worktrees beside it (`../wt-…`) never meet another test's.
 */
export function makeGitRepo(files: Record<string, string> = { 'README.md': '# test\n' }): string {
  const root = path.join(makeTempDir('lanes-repo-'), 'repo');
  mkdirSync(root);
  return initRepo(root, files);
}
