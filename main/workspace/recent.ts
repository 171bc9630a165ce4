import path from 'node:path';
import { z } from 'zod';
import { recentWorkspaceSchema, type RecentWorkspace } from '../contract/workspace';
import { readUserDataFile, writeUserDataFile } from '../shared/user-data-file';

const RECENT_FILE = 'recent-workspaces.json';
export const RECENT_LIMIT = 10;

const recentFileSchema = z.object({ version: z.literal(1), workspaces: z.array(recentWorkspaceSchema) });

/**
 * The list of recently opened workspaces, kept in Lanes' user-data folder. Lanes alone writes
 * this file; a damaged one is set aside (renamed, not deleted) and the list starts empty.
 */
export class RecentWorkspaces {
  constructor(private readonly userDataDir: string) {}

  private get file(): string {
    return path.join(this.userDataDir, RECENT_FILE);
  }

  async list(): Promise<RecentWorkspace[]> {
    return (await readUserDataFile(this.file, recentFileSchema, 'the recent-workspaces list'))?.workspaces ?? [];
  }

  async remember(root: string, now = new Date()): Promise<RecentWorkspace[]> {
    const entry: RecentWorkspace = { path: root, name: path.basename(root), openedAt: now.toISOString() };
    const others = (await this.list()).filter((item) => item.path !== root);
    return this.save([entry, ...others].slice(0, RECENT_LIMIT));
  }

  async forget(root: string): Promise<RecentWorkspace[]> {
    return this.save((await this.list()).filter((item) => item.path !== root));
  }

  private async save(workspaces: RecentWorkspace[]): Promise<RecentWorkspace[]> {
    await writeUserDataFile(this.file, { version: 1, workspaces });
    return workspaces;
  }
}
