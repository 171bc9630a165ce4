import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const GIT_ENV = {
  GIT_AUTHOR_NAME: 'Lanes Test',
  GIT_AUTHOR_EMAIL: 'test@lanes.invalid',
  GIT_COMMITTER_NAME: 'Lanes Test',
  GIT_COMMITTER_EMAIL: 'test@lanes.invalid',
  GIT_CONFIG_NOSYSTEM: '1',
};

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, env: { ...process.env, ...GIT_ENV }, encoding: 'utf8' });
}

export function writeFiles(root: string, files: Record<string, string>): void {
  for (const [relative, content] of Object.entries(files)) {
    const target = path.join(root, relative);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, content);
  }
}

/** Temporary folders for one test; `cleanup()` removes them all. */
export class TempFolders {
  private readonly folders: string[] = [];

  dir(prefix = 'lanes-e2e-'): string {
    const dir = realpathSync(mkdtempSync(path.join(os.tmpdir(), prefix)));
    this.folders.push(dir);
    return dir;
  }

  /** A real git repository on branch `main` with the files in one commit. */
  repo(files: Record<string, string> = { 'README.md': '# demo\n' }, name = 'demo'): string {
    const root = path.join(this.dir('lanes-e2e-repo-'), name);
    mkdirSync(root);
    git(root, 'init', '-q', '-b', 'main');
    writeFiles(root, files);
    git(root, 'add', '-A');
    git(root, 'commit', '-q', '-m', 'initial');
    return root;
  }

  cleanup(): void {
    for (const dir of this.folders.splice(0)) rmSync(dir, { recursive: true, force: true });
  }
}
