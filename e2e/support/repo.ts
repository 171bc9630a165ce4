import { mkdirSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { initRepo } from '../../test/support/git-fixtures';

export { git, writeFiles } from '../../test/support/git-fixtures';

/** Temporary folders for one test; `cleanup()` removes them all. */
export class TempFolders {
  private readonly folders: string[] = [];

  dir(prefix = 'lanes-e2e-'): string {
    const dir = realpathSync(mkdtempSync(path.join(os.tmpdir(), prefix)));
    this.folders.push(dir);
    return dir;
  }

  /** A real git repository on branch `main` with the files in one commit, in a folder named `name`. */
  repo(files: Record<string, string> = { 'README.md': '# demo\n' }, name = 'demo'): string {
    const root = path.join(this.dir('lanes-e2e-repo-'), name);
    mkdirSync(root);
    return initRepo(root, files);
  }

  cleanup(): void {
    for (const dir of this.folders.splice(0)) rmSync(dir, { recursive: true, force: true });
  }
}
