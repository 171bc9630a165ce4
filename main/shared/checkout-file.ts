import { promises as fs } from 'node:fs';
import path from 'node:path';
import { ABSENT, readVersioned, writeFileAtomic, type FileVersion, type VersionedText, type WriteOptions } from './atomic-file';
import { LanesError } from './errors';
import { isInside, linkRefusal, lstatOrNull, makeFolderInside, type WritePlace } from './path-guard';

export type { WritePlace };

export interface CheckoutWriteOptions extends WriteOptions {
  /**
   * Replace a symbolic link at the file's own place instead of refusing it: a restore puts the
   * committed file back where an agent left a link. The link is removed, never followed.
   */
  readonly replaceLink?: boolean;
}

/**
 * The one way Lanes writes a file into a checkout (or a git folder): `relative` below
 * `place.root`, each folder on the way a real folder (missing ones are made, but never the root
 * itself), the file itself not a symbolic link, the folder it lands in still inside the root's
 * real path, and the content written atomically with `writeFileAtomic` (temporary file and
 * rename, refused when the file is no longer the version Lanes read). A repository can commit
 * symbolic links anywhere; following one would let it aim Lanes' writes at any file of the user.
 */
export async function writeInsideCheckout(place: WritePlace, relative: string, content: string | Uint8Array, options: CheckoutWriteOptions = {}): Promise<FileVersion> {
  const segments = segmentsBelow(place, relative);
  const folder = path.join(path.resolve(place.root), ...segments.slice(0, -1));
  const target = path.join(folder, segments[segments.length - 1]!);
  await makeFolderInside(place.root, folder, place);
  // Each step was a real folder a moment ago; the real path catches one swapped for a link since.
  const [realRoot, realFolder] = await Promise.all([fs.realpath(place.root), fs.realpath(folder)]);
  if (!isInside(realRoot, realFolder)) throw await linkRefusal(folder, segments.slice(0, -1).join('/'), place);
  const stat = await lstatOrNull(target);
  if (stat?.isSymbolicLink()) {
    if (!options.replaceLink) throw await linkRefusal(target, segments.join('/'), place);
    await fs.unlink(target);
  } else if (stat?.isDirectory()) {
    throw new LanesError('invalid-argument', `\`${segments.join('/')}\` in ${place.rootLabel ?? 'the worktree'} is a folder, so Lanes did not write ${place.what} there. Move it away, then try again.`, { path: target });
  }
  const { replaceLink: _replaceLink, ...writeOptions } = options;
  return writeFileAtomic(target, content, writeOptions);
}

/**
 * Reads a file Lanes is about to rewrite in a checkout, refusing a symbolic link anywhere on
 * the way as `writeInsideCheckout` does, so Lanes never reads (or reports the text of) a file
 * outside. A file that is not there, or whose folder is not, reads as absent.
 */
export async function readInsideCheckout(place: WritePlace, relative: string): Promise<VersionedText | { text: null; version: FileVersion }> {
  const target = await existingPath(place, relative);
  if (target === null) return { text: null, version: ABSENT };
  return readVersioned(target);
}

/** Removes a file (or a link itself) from a checkout, refusing a symbolic link on the way to it. */
export async function removeInsideCheckout(place: WritePlace, relative: string): Promise<void> {
  const target = await existingPath(place, relative, { allowLink: true });
  if (target !== null) await fs.rm(target, { force: true });
}

/** The absolute path of `relative` when every step of it exists and is no link; null when a step is missing. */
async function existingPath(place: WritePlace, relative: string, options: { allowLink?: boolean } = {}): Promise<string | null> {
  const segments = segmentsBelow(place, relative);
  let current = path.resolve(place.root);
  for (const [index, segment] of segments.entries()) {
    current = path.join(current, segment);
    const stat = await lstatOrNull(current);
    const last = index === segments.length - 1;
    if (stat === null) return null;
    if (stat.isSymbolicLink() && !(last && options.allowLink)) throw await linkRefusal(current, segments.slice(0, index + 1).join('/'), place);
    if (!last && !stat.isDirectory()) return null;
  }
  return current;
}

function segmentsBelow(place: WritePlace, relative: string): string[] {
  const segments = relative.split(/[\\/]+/).filter((segment) => segment !== '' && segment !== '.');
  if (path.isAbsolute(relative) || /^[a-zA-Z]:/.test(relative) || relative.includes('\0') || segments.length === 0 || segments.includes('..')) {
    throw new LanesError('outside-workspace', `\`${relative.replace(/\0/g, '\\0')}\` is not a path inside ${place.rootLabel ?? 'the worktree'}, so Lanes did not write ${place.what} there.`);
  }
  return segments;
}
