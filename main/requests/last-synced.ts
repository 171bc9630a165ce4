import path from 'node:path';
import { z } from 'zod';
import { hashContent } from '../shared/atomic-file';
import { readUserDataFile, writeUserDataFile } from '../shared/user-data-file';

const syncedSchema = z.object({ at: z.string(), text: z.string() });
const fileSchema = z.object({ version: z.literal(1), home: z.string(), agents: z.record(z.string(), syncedSchema) });

export type Synced = z.infer<typeof syncedSchema>;

/**
 * When a sync point was last typed into each agent of one workspace, and which, kept in Lanes'
 * user-data folder so a restart of Lanes still shows it. Saves are queued: the file on disk
 * follows the order of the syncs.
 */
export class LastSynced {
  private readonly agents = new Map<string, Synced>();
  private saving: Promise<void> = Promise.resolve();
  private readonly file: string;

  private constructor(
    userDataDir: string,
    private readonly home: string,
  ) {
    this.file = path.join(userDataDir, 'sync', `${hashContent(home).slice(0, 24)}.json`);
  }

  static async open(userDataDir: string, home: string): Promise<LastSynced> {
    const store = new LastSynced(userDataDir, home);
    try {
      const saved = await readUserDataFile(store.file, fileSchema, `the record of when ${home}'s agents were last synced`);
      if (saved && saved.home === home) for (const [name, synced] of Object.entries(saved.agents)) store.agents.set(name, synced);
    } catch (error) {
      // Not worth failing to open the workspace over: the screen shows "never" until the next sync.
      console.error(`Lanes could not read when the agents were last synced (${store.file}):`, error);
    }
    return store;
  }

  get(instance: string): Synced | null {
    return this.agents.get(instance) ?? null;
  }

  /** Records a sync of these agents; resolves once it is on disk (or the write failed, which is logged: the sync itself happened). */
  record(instances: readonly string[], synced: Synced): Promise<void> {
    for (const instance of instances) this.agents.set(instance, synced);
    const value = { version: 1, home: this.home, agents: Object.fromEntries(this.agents) };
    this.saving = this.saving
      .then(() => writeUserDataFile(this.file, value))
      .catch((error: unknown) => console.error(`Lanes could not keep when the agents were last synced (${this.file}):`, error));
    return this.saving;
  }
}
