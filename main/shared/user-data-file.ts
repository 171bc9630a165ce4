import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import { writeFileAtomic } from './atomic-file';
import { errnoCode } from './errors';

/**
 * A JSON file in Lanes' user-data folder that only Lanes writes (recent workspaces, when agents
 * were last synced). Missing reads as null; a damaged one is set aside (renamed, not deleted),
 * said so once, and reads as null, so a bad file never stops Lanes nor loses what it held.
 */
export async function readUserDataFile<T>(file: string, schema: z.ZodType<T>, what: string): Promise<T | null> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return null;
    throw error;
  }
  try {
    return schema.parse(JSON.parse(text));
  } catch {
    const aside = `${file}.damaged-${Date.now()}`;
    await fs.rename(file, aside);
    console.warn(`Lanes: ${what} was damaged and was moved to ${aside}.`);
    return null;
  }
}

/** Writes such a file atomically, readable by this user only. */
export async function writeUserDataFile(file: string, value: unknown): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  await writeFileAtomic(file, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
}
