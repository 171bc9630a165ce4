import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Shared by unit and end-to-end tests; free of any test runner so both can import it. */
export const GIT_ENV = {
  GIT_AUTHOR_NAME: 'Lanes Test',
  GIT_AUTHOR_EMAIL: 'test@lanes.invalid',
  GIT_COMMITTER_NAME: 'Lanes Test',
  GIT_COMMITTER_EMAIL: 'test@lanes.invalid',
  GIT_CONFIG_NOSYSTEM: '1',
};

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, env: { ...process.env, ...GIT_ENV }, encoding: 'utf8' });
}

/** Writes files (path → content) under root, creating folders as needed. */
export function writeFiles(root: string, files: Record<string, string>): void {
  for (const [relative, content] of Object.entries(files)) {
    const target = path.join(root, relative);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, content);
  }
}

/** Makes `root` a git repository on branch `main` with the files in one commit. */
export function initRepo(root: string, files: Record<string, string>): string {
  git(root, 'init', '-q', '-b', 'main');
  writeFiles(root, files);
  git(root, 'add', '-A');
  git(root, 'commit', '-q', '-m', 'initial');
  return root;
}
