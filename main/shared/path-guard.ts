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

export interface CaseRule {
  /** Compare names without case, as the file systems macOS and Windows use by default do. */
  readonly ignoreCase?: boolean;
}

/**
 * The one rule for "is this path inside": whether `candidate` is `root` itself or below it.
 * `/repo-evil` is not inside `/repo`, and a file named `..foo` is inside it.
 */
export function isInside(root: string, candidate: string, rule: CaseRule = {}): boolean {
  return relativeInside(root, candidate, rule) !== null;
}

/**
 * `candidate` relative to `root` (in the candidate's own spelling, `''` for the root itself), or
 * null when it is not inside. With `ignoreCase`, `/Repo/Lib/a` is inside `/repo`.
 */
export function relativeInside(root: string, candidate: string, rule: CaseRule = {}): string | null {
  const normalizedRoot = path.resolve(root);
  const normalizedCandidate = path.resolve(candidate);
  const fold = (value: string) => (rule.ignoreCase ? value.toLowerCase() : value);
  if (fold(normalizedCandidate) === fold(normalizedRoot)) return '';
  const prefix = normalizedRoot.endsWith(path.sep) ? normalizedRoot : normalizedRoot + path.sep;
  return fold(normalizedCandidate).startsWith(fold(prefix)) ? normalizedCandidate.slice(prefix.length) : null;
}

const caseRules = new Map<string, boolean>();

/**
 * Whether the file system holding `folder` ignores case in names, so `Lib/a.ts` and `lib/a.ts`
 * are one file (macOS and Windows by default; a case-sensitive APFS volume or a Linux disk
 * not). Probed once per folder and remembered: a name in the folder (a checkout always has
 * `.git`), or the folder's own name, is looked up with its case swapped, and the answer is
 * whether that finds the same file. Writes nothing. A folder with no name to swap gets the
 * platform's default.
 */
export function ignoresCase(folder: string): boolean {
  const key = path.resolve(folder);
  const known = caseRules.get(key);
  if (known !== undefined) return known;
  const answer = probeIgnoresCase(key);
  caseRules.set(key, answer);
  return answer;
}

function probeIgnoresCase(folder: string): boolean {
  let real = folder;
  let names: string[] = [];
  try {
    real = fs.realpathSync(folder);
    names = fs.readdirSync(real).slice(0, 64);
  } catch {
    // A folder Lanes cannot list: its own name is the only one to try.
  }
  const candidates = [...names.map((name) => path.join(real, name)), real];
  for (const candidate of candidates) {
    const name = path.basename(candidate);
    const swapped = swapCase(name);
    if (swapped === name) continue;
    let original: fs.Stats;
    try {
      original = fs.lstatSync(candidate);
    } catch {
      continue;
    }
    try {
      const other = fs.lstatSync(path.join(path.dirname(candidate), swapped));
      return other.ino === original.ino && other.dev === original.dev;
    } catch (error) {
      if (errnoCode(error) === 'ENOENT') return false;
    }
  }
  return process.platform === 'darwin' || process.platform === 'win32';
}

function swapCase(name: string): string {
  return [...name].map((char) => (char === char.toLowerCase() ? char.toUpperCase() : char.toLowerCase())).join('');
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

/** Where Lanes is about to write, named for a message that tells the user what it refused. */
export interface WritePlace {
  /** The folder nothing may be written outside of: a checkout, or a git folder. */
  readonly root: string;
  /** How messages name the root: "the worktree" (the default), "the git folder". */
  readonly rootLabel?: string;
  /** What is being written, in the user's words: "the guard settings", "the agent's context". */
  readonly what: string;
}

/**
 * Creates `folder` and the folders missing on the way to it, below `root` but never `root`
 * itself: a worktree removed while Lanes was about to write into it (a guard being installed,
 * a file being restored) stays removed instead of coming back holding only Lanes' files. Every
 * step below `root` must be a real folder: a symbolic link (committed in the repository, or
 * made by an agent) is refused rather than followed, wherever it leads.
 */
export async function makeFolderInside(root: string, folder: string, place: WritePlace = { root, what: 'its files' }): Promise<void> {
  if (!isInside(root, folder)) throw new LanesError('outside-workspace', `\`${folder}\` is not inside \`${root}\`.`);
  const gone = () => new LanesError('not-found', `\`${root}\` is gone, so Lanes did not write into it.`);
  const base = path.resolve(root);
  if (!(await fs.promises.stat(base).catch(() => null))?.isDirectory()) throw gone();
  const segments = path.relative(base, path.resolve(folder)).split(path.sep).filter(Boolean);
  let current = base;
  for (const [index, segment] of segments.entries()) {
    current = path.join(current, segment);
    const shown = segments.slice(0, index + 1).join('/');
    let stat = await lstatOrNull(current);
    if (stat === null) {
      try {
        await fs.promises.mkdir(current);
        continue;
      } catch (error) {
        if (errnoCode(error) === 'ENOENT') throw gone();
        if (errnoCode(error) !== 'EEXIST') throw error;
        stat = await fs.promises.lstat(current);
      }
    }
    if (stat.isSymbolicLink()) throw await linkRefusal(current, shown, place);
    if (!stat.isDirectory()) {
      throw new LanesError('not-a-directory', `\`${shown}\` in ${place.rootLabel ?? 'the worktree'} is a file, not a folder, so Lanes could not write ${place.what} below it. Move it away, then try again.`, {
        path: current,
      });
    }
  }
}

/**
 * The refusal of a symbolic link met on the way to a write, saying where it leads: out of the
 * root, nowhere yet (it could be pointed anywhere later), or elsewhere inside (still refused,
 * since only real folders and files of the root are certain to stay inside it).
 */
export async function linkRefusal(link: string, shown: string, place: WritePlace): Promise<LanesError> {
  const label = place.rootLabel ?? 'the worktree';
  const target = await fs.promises.realpath(link).catch(() => null);
  const realRoot = await fs.promises.realpath(place.root).catch(() => path.resolve(place.root));
  const remedy = `Remove the link (\`${link}\`), then try again.`;
  const message =
    target === null
      ? `\`${shown}\` is a symbolic link to something that does not exist, which could be made to point anywhere; Lanes did not write ${place.what} through it. ${remedy}`
      : isInside(realRoot, target)
        ? `\`${shown}\` is a symbolic link; Lanes writes only into real folders and files of ${label}, so it did not write ${place.what} through it. ${remedy}`
        : `\`${shown}\` is a symbolic link leading out of ${label}; Lanes did not write ${place.what} through it. ${remedy}`;
  return new LanesError('outside-workspace', message, { path: link });
}

export async function lstatOrNull(target: string): Promise<fs.Stats | null> {
  try {
    return await fs.promises.lstat(target);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT' || errnoCode(error) === 'ENOTDIR') return null;
    throw error;
  }
}
