import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';

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

/** A real git repository on branch `main` with the given files in one commit. */
export function makeGitRepo(files: Record<string, string> = { 'README.md': '# test\n' }): string {
  const root = makeTempDir('lanes-repo-');
  git(root, 'init', '-q', '-b', 'main');
  writeFiles(root, files);
  git(root, 'add', '-A');
  git(root, 'commit', '-q', '-m', 'initial');
  return root;
}
