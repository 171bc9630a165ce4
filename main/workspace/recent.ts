import { promises as fs } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { recentWorkspaceSchema, type RecentWorkspace } from '../contract/workspace';
import { writeFileAtomic } from '../shared/atomic-file';
import { errnoCode } from '../shared/errors';

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
    let text: string;
    try {
      text = await fs.readFile(this.file, 'utf8');
    } catch (error) {
      if (errnoCode(error) === 'ENOENT') return [];
      throw error;
    }
    try {
      return recentFileSchema.parse(JSON.parse(text)).workspaces;
    } catch {
      const aside = `${this.file}.damaged-${Date.now()}`;
      await fs.rename(this.file, aside);
      console.warn(`Lanes: the recent-workspaces list was damaged and was moved to ${aside}.`);
      return [];
    }
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
    await fs.mkdir(this.userDataDir, { recursive: true });
    await writeFileAtomic(this.file, `${JSON.stringify({ version: 1, workspaces }, null, 2)}\n`, { mode: 0o600 });
    return workspaces;
  }
}
