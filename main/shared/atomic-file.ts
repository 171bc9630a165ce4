import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { LanesError, errnoCode } from './errors';

/**
 * What Lanes saw of a file when it read it. `hash` is null when the file did not exist, so a
 * later write can insist that it still does not.
 */
export interface FileVersion {
  readonly hash: string | null;
}

export interface VersionedText {
  readonly text: string;
  readonly version: FileVersion;
}

export const ABSENT: FileVersion = Object.freeze({ hash: null });

export function hashContent(content: string | Uint8Array): string {
  return createHash('sha256').update(content).digest('hex');
}

/** Reads a file as UTF-8 and remembers its version. A missing file is an error here. */
export async function readVersioned(filePath: string): Promise<VersionedText> {
  const bytes = await fs.readFile(filePath);
  return { text: bytes.toString('utf8'), version: { hash: hashContent(bytes) } };
}

/** Reads a file if it exists; a missing file gives `null` text and the ABSENT version. */
export async function readVersionedIfExists(filePath: string): Promise<VersionedText | { text: null; version: FileVersion }> {
  try {
    return await readVersioned(filePath);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return { text: null, version: ABSENT };
    throw error;
  }
}

export async function currentVersion(filePath: string): Promise<FileVersion> {
  try {
    return { hash: hashContent(await fs.readFile(filePath)) };
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return ABSENT;
    throw error;
  }
}

export interface WriteOptions {
  /**
   * The version Lanes read before editing. The write is refused when the file on disk is no
   * longer that version (someone else changed, created or deleted it). Omit only for files
   * Lanes alone owns, such as its own settings.
   */
  readonly expected?: FileVersion;
  /** Permission bits for a new file; an existing file keeps its own. */
  readonly mode?: number;
}

/**
 * Writes a file atomically: the content goes to a temporary file in the same folder, is flushed
 * to disk, and is renamed over the target, so readers see the old or the new file, never half.
 * Returns the new version.
 */
const TEMP_NAME = /^\..+\.lanes-[0-9a-f]{12}\.tmp$/;

/**
 * Whether a file name is one of the temporary files `writeFileAtomic` keeps for a moment beside
 * the file it replaces; watchers skip them, since the rename that follows is the real change.
 */
export function isAtomicWriteTemp(fileName: string): boolean {
  return TEMP_NAME.test(path.basename(fileName));
}

export async function writeFileAtomic(
  filePath: string,
  content: string | Uint8Array,
  options: WriteOptions = {},
): Promise<FileVersion> {
  const dir = path.dirname(filePath);
  const tmpPath = path.join(dir, `.${path.basename(filePath)}.lanes-${randomBytes(6).toString('hex')}.tmp`);
  let mode = options.mode ?? 0o644;
  try {
    mode = (await fs.stat(filePath)).mode & 0o7777;
  } catch (error) {
    if (errnoCode(error) !== 'ENOENT') throw error;
  }

  const handle = await fs.open(tmpPath, 'wx', mode);
  try {
    await handle.writeFile(content);
    await handle.sync();
  } finally {
    await handle.close();
  }

  try {
    if (options.expected) await assertUnchanged(filePath, options.expected);
    if (options.expected && options.expected.hash === null) {
      // Creating: link() fails if the name was taken meanwhile, so a file that appeared after
      // our check is never replaced.
      try {
        await fs.link(tmpPath, filePath);
      } catch (error) {
        if (errnoCode(error) === 'EEXIST') throw conflict(filePath, 'was created by someone else');
        throw error;
      }
      await fs.unlink(tmpPath);
    } else {
      await fs.rename(tmpPath, filePath);
    }
  } catch (error) {
    await fs.rm(tmpPath, { force: true });
    throw error;
  }
  return { hash: hashContent(typeof content === 'string' ? Buffer.from(content, 'utf8') : content) };
}

async function assertUnchanged(filePath: string, expected: FileVersion): Promise<void> {
  const actual = await currentVersion(filePath);
  if (actual.hash === expected.hash) return;
  if (expected.hash === null) throw conflict(filePath, 'was created by someone else');
  if (actual.hash === null) throw conflict(filePath, 'was deleted by someone else');
  throw conflict(filePath, 'was changed by someone else');
}

function conflict(filePath: string, what: string): LanesError {
  return new LanesError(
    'conflict',
    `\`${path.basename(filePath)}\` ${what} since Lanes read it. Nothing was written; reload it and apply your change again.`,
    { path: filePath },
  );
}
