import { promises as fs } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../../shared/atomic-file';
import { isAlive, killTree, listProcesses, type TrackedProcess } from '../process-tree';

/** What one Lanes process records about the agents it runs, so a later Lanes can end them after a crash. */
interface PidFile {
  readonly lanes: TrackedProcess;
  readonly instances: Record<string, { workspace: string; marker: string; processes: TrackedProcess[] }>;
}

/**
 * Records the pids of running instances in the user-data folder, one file per Lanes process
 * (`instances/pids-<pid>.json`), so Lanes processes sharing the folder never write the same
 * file. On start, files left by a Lanes that is no longer running name processes to end.
 */
export class PidRegistry {
  private readonly folder: string;
  private readonly file: string;
  private readonly entries = new Map<string, { workspace: string; marker: string; processes: TrackedProcess[] }>();
  private writing: Promise<void> = Promise.resolve();
  private self: TrackedProcess | null = null;

  constructor(userDataDir: string) {
    this.folder = path.join(userDataDir, 'instances');
    this.file = path.join(this.folder, `pids-${process.pid}.json`);
  }

  record(instance: string, workspace: string, marker: string, processes: readonly TrackedProcess[]): Promise<void> {
    this.entries.set(instance, { workspace, marker, processes: [...processes] });
    return this.save();
  }

  forget(instance: string): Promise<void> {
    if (!this.entries.delete(instance)) return this.writing;
    return this.save();
  }

  /**
   * Ends every process recorded by a Lanes that is gone (crashed or killed), identity-checked by
   * start time so a reused pid is never hit. Returns how many leftover processes it ended.
   */
  async endLeftovers(graceMs: number): Promise<number> {
    let names: string[];
    try {
      names = await fs.readdir(this.folder);
    } catch {
      return 0;
    }
    const table = await listProcesses();
    let ended = 0;
    for (const name of names) {
      if (!/^pids-\d+\.json$/.test(name) || path.join(this.folder, name) === this.file) continue;
      const filePath = path.join(this.folder, name);
      let recorded: PidFile;
      try {
        recorded = JSON.parse(await fs.readFile(filePath, 'utf8')) as PidFile;
      } catch {
        await fs.rm(filePath, { force: true });
        continue;
      }
      if (recorded.lanes && isAlive(table, recorded.lanes)) continue; // another Lanes, still running
      for (const entry of Object.values(recorded.instances ?? {})) {
        const alive = entry.processes.filter((tracked) => isAlive(table, tracked));
        if (alive.length === 0) continue;
        ended += alive.length;
        await killTree({ rootPid: null, tracked: alive, environmentMarker: entry.marker, graceMs });
      }
      await fs.rm(filePath, { force: true });
    }
    return ended;
  }

  private save(): Promise<void> {
    this.writing = this.writing.then(async () => {
      try {
        if (this.entries.size === 0) {
          await fs.rm(this.file, { force: true });
          return;
        }
        this.self ??= await ownIdentity();
        const content: PidFile = { lanes: this.self, instances: Object.fromEntries(this.entries) };
        await fs.mkdir(this.folder, { recursive: true });
        await writeFileAtomic(this.file, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600 });
      } catch (error) {
        console.error(`Lanes could not record the pids of running instances in ${this.file}:`, error);
      }
    });
    return this.writing;
  }
}

async function ownIdentity(): Promise<TrackedProcess> {
  const info = (await listProcesses()).get(process.pid);
  return { pid: process.pid, startTime: info?.startTime ?? '' };
}
