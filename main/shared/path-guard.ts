import fs from 'node:fs';
import path from 'node:path';
import { LanesError, errnoCode } from './errors';

export interface ResolveOptions {
  /** Accept an absolute path when it lies inside the root (paths from agents' hooks are absolute). */
  readonly allowAbsolute?: boolean;
  /** How the root is named in messages: "this repository", "the memory folder". */
  readonly rootLabel?: string;
}

const WINDOWS_ABSOLUTE = /^(?:[a-zA-Z]:|[\\/]{2})/;

/**
 * Resolves a path given by the UI (or an agent) under `root` and refuses it when it could
 * leave the root: `..` segments, absolute paths, NUL bytes, sibling prefixes such as
 * `/repo-evil` for `/repo`, and symlinks (the file itself or any folder on the way) that lead
 * outside. Returns the absolute path inside the real root. Parts that do not exist yet are
 * allowed, so a path for a new file can be checked before it is written.
 */
export function resolveInside(root: string, requested: string, options: ResolveOptions = {}): string {
  const label = options.rootLabel ?? 'this repository';
  const refuse = (why: string): never => {
    throw new LanesError('outside-workspace', `\`${printable(requested)}\` ${why}`, { path: printable(requested) });
  };

  if (typeof requested !== 'string') refuse('is not a path');
  if (requested.includes('\0')) refuse('contains a NUL byte and cannot be a file name.');

  const realRoot = realpathOrThrow(root);
  let relative = requested;
  if (path.isAbsolute(requested) || WINDOWS_ABSOLUTE.test(requested)) {
    if (!options.allowAbsolute) refuse(`is an absolute path; give a path relative to ${label}.`);
    const absolute = path.resolve(requested);
    const base = isInside(realRoot, absolute) ? realRoot : isInside(path.resolve(root), absolute) ? path.resolve(root) : null;
    if (base === null) refuse(`is not inside ${label}.`);
    relative = path.relative(base as string, absolute);
  }

  const segments = relative.split(/[\\/]+/).filter((segment) => segment !== '' && segment !== '.');
  if (segments.includes('..')) refuse(`is not inside ${label}: \`..\` is not allowed in paths.`);

  let current = realRoot;
  for (let index = 0; index < segments.length; index += 1) {
    current = path.join(current, segments[index] as string);
    let stat: fs.Stats;
    try {
      stat = fs.lstatSync(current);
    } catch (error) {
      if (errnoCode(error) === 'ENOENT' || errnoCode(error) === 'ENOTDIR') {
        return path.join(current, ...segments.slice(index + 1));
      }
      throw error;
    }
    if (stat.isSymbolicLink()) {
      let target: string;
      try {
        target = fs.realpathSync(current);
      } catch (error) {
        // A dangling link could be made to point anywhere later; refuse it outright.
        if (errnoCode(error) === 'ENOENT') refuse(`goes through a broken symbolic link (\`${segments.slice(0, index + 1).join('/')}\`).`);
        throw error;
      }
      if (!isInside(realRoot, target)) {
        refuse(`is not inside ${label}: \`${segments.slice(0, index + 1).join('/')}\` is a symbolic link that leads outside it.`);
      }
    }
  }
  return current;
}

/** Whether `candidate` is `root` itself or below it; `/repo-evil` is not inside `/repo`. */
export function isInside(root: string, candidate: string): boolean {
  const normalizedRoot = path.resolve(root);
  const normalizedCandidate = path.resolve(candidate);
  if (normalizedCandidate === normalizedRoot) return true;
  const prefix = normalizedRoot.endsWith(path.sep) ? normalizedRoot : normalizedRoot + path.sep;
  return normalizedCandidate.startsWith(prefix);
}

/** The path relative to root with forward slashes, as git and lanes.yml write it. */
export function toRepoPath(root: string, absolute: string): string {
  return path.relative(root, absolute).split(path.sep).join('/');
}

function realpathOrThrow(root: string): string {
  try {
    return fs.realpathSync(root);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') throw new LanesError('not-found', `\`${root}\` does not exist.`);
    throw error;
  }
}

function printable(value: unknown): string {
  return String(value).replace(/\0/g, '\\0');
}

/**
 * Creates `folder` and the folders missing on the way to it, below `root` but never `root`
 * itself: a worktree removed while Lanes was about to write into it (a guard being installed,
 * a file being restored) stays removed instead of coming back holding only Lanes' files.
 */
export async function makeFolderInside(root: string, folder: string): Promise<void> {
  if (!isInside(root, folder)) throw new LanesError('outside-workspace', `\`${folder}\` is not inside \`${root}\`.`);
  let current = path.resolve(root);
  for (const segment of path.relative(current, path.resolve(folder)).split(path.sep).filter(Boolean)) {
    current = path.join(current, segment);
    try {
      await fs.promises.mkdir(current);
    } catch (error) {
      if (errnoCode(error) === 'EEXIST') continue;
      if (errnoCode(error) === 'ENOENT') throw new LanesError('not-found', `\`${root}\` is gone, so Lanes did not write into it.`);
      throw error;
    }
  }
  if (!(await fs.promises.stat(current).catch(() => null))?.isDirectory()) throw new LanesError('not-found', `\`${root}\` is gone, so Lanes did not write into it.`);
}
