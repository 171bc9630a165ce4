/**
 * The one matcher that decides ownership everywhere: the editor, `lanes guard`, the live
 * watcher, the pre-commit hook and `lanes check`. It imports nothing, so the guard loads it in
 * no time.
 *
 * A zone pattern is relative to the repository root:
 * - a plain path (`lib`, `lib/`, `COMPRESSED_PROMPT_V3.md`) owns that file or folder and
 *   everything below it;
 * - a glob (`src/**\/*.ts`, `packages/*`, `docs/{api,guide}/`) owns what it matches, and when it
 *   matches a folder, everything below it. `*` and `?` never cross a `/`; `**` crosses any
 *   number of folders; `*` matches dotfiles too (ownership is not hiding).
 * Backslashes count as `/`, a leading `./` or `/` is dropped, and names are compared in Unicode
 * NFC so macOS's decomposed file names match what people type.
 */

export interface MatchOptions {
  /** Compare without case (what Windows and macOS file systems do by default). */
  readonly ignoreCase?: boolean;
}

/** Tests a path already normalized with `normalizeRepoPath`. */
export type PathTest = (repoPath: string) => boolean;

const GLOB_CHARS = /[*?[\]{}]/;

/** A path as the matcher compares it: forward slashes, NFC, no `./`, no leading or trailing `/`. */
export function normalizeRepoPath(input: string): string {
  if (isNormal(input)) return input;
  let value = input.includes('\\') ? input.replace(/\\/g, '/') : input;
  if (value.includes('//')) value = value.replace(/\/{2,}/g, '/');
  while (value.startsWith('./')) value = value.slice(2);
  if (value.startsWith('/')) value = value.slice(1);
  if (value.endsWith('/')) value = value.slice(0, -1);
  if (value === '.') value = '';
  // Only non-ASCII text can change under NFC; skipping the call keeps the common case fast.
  return /[^\x00-\x7f]/.test(value) ? value.normalize('NFC') : value;
}

/** Whether a path needs no normalizing; a character loop, since this runs for every check. */
function isNormal(value: string): boolean {
  const length = value.length;
  if (length === 0) return true;
  const first = value.charCodeAt(0);
  if (first === 47 || value.charCodeAt(length - 1) === 47) return false;
  if (first === 46 && (length === 1 || value.charCodeAt(1) === 47 || value.charCodeAt(1) === 46)) return false;
  let previous = 0;
  for (let index = 0; index < length; index += 1) {
    const code = value.charCodeAt(index);
    if (code === 92 || code > 127 || (code === 47 && previous === 47)) return false;
    previous = code;
  }
  return true;
}

/** Why a pattern cannot be used, in the user's words, or null when it is fine. */
export function patternProblem(pattern: string): string | null {
  const trimmed = pattern.trim();
  if (trimmed === '') return 'is empty';
  if (trimmed.includes('\0')) return 'contains a NUL byte';
  if (/^[a-zA-Z]:[\\/]/.test(trimmed) || trimmed.startsWith('\\\\')) return 'is an absolute path; zones are relative to the repository root';
  const normalized = normalizeRepoPath(trimmed);
  if (normalized === '' || normalized === '**') return 'would own the whole repository';
  if (normalized.split('/').includes('..')) return 'uses `..`; zones must stay inside the repository';
  try {
    new RegExp(`^${globSource(normalized)}$`, 'u');
  } catch {
    return 'is not a valid glob (check its brackets and braces)';
  }
  if (countUnclosed(normalized)) return 'is not a valid glob (check its brackets and braces)';
  return null;
}

/**
 * Compiles a list of patterns into one test (see `compileGroups`).
 * Patterns with a problem (see `patternProblem`) are skipped, never treated as "everything".
 */
export function compilePatterns(patterns: readonly string[], options: MatchOptions = {}): PathTest {
  const groups = compileGroups([patterns], options);
  return (path) => groups(path) !== 0;
}

/**
 * Which groups own a path, as a bit mask (bit i set: group i matches). At most 31 groups.
 *
 * Built for speed, since the editor checks every tracked file on each edit: plain paths go into
 * one map looked up for the path and each parent folder, and each glob becomes a regular
 * expression filed under its first folder name, so a path is only tested against the globs that
 * could match it (globs starting with a wildcard are tested against every path), and only when
 * it contains the glob's longest plain fragment.
 */
export function compileGroups(groups: ReadonlyArray<readonly string[]>, options: MatchOptions = {}): (normalizedPath: string) => number {
  if (groups.length > 31) throw new RangeError('A zone set holds at most 31 groups.');
  const ignoreCase = options.ignoreCase === true;
  const fold = (value: string) => (ignoreCase ? value.toLowerCase() : value);
  const literals = new Map<string, number>();
  const literalFirst = new Set<string>();
  let literalDepth = 0;
  const globs = new Map<string, Glob[]>();
  const ANY = '\0any';
  groups.forEach((patterns, group) => {
    for (const raw of patterns) {
      if (patternProblem(raw) !== null) continue;
      const normalized = normalizeRepoPath(raw.trim());
      const slash = normalized.indexOf('/');
      const first = slash === -1 ? normalized : normalized.slice(0, slash);
      if (!GLOB_CHARS.test(normalized)) {
        const key = fold(normalized);
        literals.set(key, (literals.get(key) ?? 0) | (1 << group));
        literalFirst.add(fold(first));
        literalDepth = Math.max(literalDepth, key.split('/').length);
        continue;
      }
      const bucket = GLOB_CHARS.test(first) ? ANY : fold(first);
      // The bucket already matched the first folder, so the fragment comes from the rest.
      const rest = bucket === ANY || slash === -1 ? normalized : normalized.slice(slash + 1);
      const entry: Glob = { bit: 1 << group, fragment: fold(longestLiteral(rest)), regex: new RegExp(`^${globSource(normalized)}(?:/.*)?$`, ignoreCase ? 'iu' : 'u') };
      globs.set(bucket, [...(globs.get(bucket) ?? []), entry]);
    }
  });
  const always = globs.get(ANY) ?? [];
  globs.delete(ANY);

  return (path) => {
    let mask = 0;
    const value = fold(path);
    const slash = value.indexOf('/');
    const first = slash === -1 ? value : value.slice(0, slash);
    if (literalFirst.has(first)) {
      if (slash === -1) mask |= literals.get(value) ?? 0;
      else {
        // The path's parent folders (and itself), only as deep as the deepest plain pattern.
        mask |= literals.get(first) ?? 0;
        let at = slash;
        for (let depth = 2; depth <= literalDepth; depth += 1) {
          const next = value.indexOf('/', at + 1);
          if (next === -1) {
            mask |= literals.get(value) ?? 0;
            break;
          }
          mask |= literals.get(value.slice(0, next)) ?? 0;
          at = next;
        }
      }
    }
    const candidates = globs.get(first);
    // The literal fragment is a cheap pre-check: a glob cannot match a path missing it.
    if (candidates) for (const glob of candidates) if ((mask & glob.bit) === 0 && value.includes(glob.fragment) && glob.regex.test(path)) mask |= glob.bit;
    for (const glob of always) if ((mask & glob.bit) === 0 && value.includes(glob.fragment) && glob.regex.test(path)) mask |= glob.bit;
    return mask;
  };
}

interface Glob {
  readonly bit: number;
  /** The longest run of plain characters in the glob; every path it matches contains it. */
  readonly fragment: string;
  readonly regex: RegExp;
}

function longestLiteral(glob: string): string {
  const pieces = glob.replace(/\[[^\]]*\]|\{[^}]*\}/g, '*').split(/[*?[\]{}]/);
  return pieces.reduce((longest, piece) => (piece.length > longest.length ? piece : longest), '');
}

/** Translates one normalized glob into regular-expression source (without anchors). */
function globSource(glob: string): string {
  let out = '';
  let braceDepth = 0;
  for (let index = 0; index < glob.length; index += 1) {
    const char = glob[index]!;
    if (char === '*') {
      if (glob[index + 1] === '*') {
        const atSegmentStart = index === 0 || glob[index - 1] === '/';
        const next = glob[index + 2];
        index += 1;
        if (atSegmentStart && next === '/') {
          out += '(?:[^/]*/)*';
          index += 1;
        } else if (atSegmentStart && next === undefined) {
          out += '.*';
        } else {
          out += '[^/]*';
        }
      } else {
        out += '[^/]*';
      }
    } else if (char === '?') {
      out += '[^/]';
    } else if (char === '[') {
      const close = glob.indexOf(']', index + 2);
      if (close === -1) {
        out += '\\[';
        continue;
      }
      let body = glob.slice(index + 1, close);
      if (body.startsWith('!')) body = `^${body.slice(1)}`;
      out += `[${body.replace(/[\\\]]/g, '\\$&').replace(/\//g, '')}]`;
      index = close;
    } else if (char === '{') {
      braceDepth += 1;
      out += '(?:';
    } else if (char === '}' && braceDepth > 0) {
      braceDepth -= 1;
      out += ')';
    } else if (char === ',' && braceDepth > 0) {
      out += '|';
    } else {
      out += char.replace(/[.+^$()|\\{}\]]/g, '\\$&');
    }
  }
  return out;
}

function countUnclosed(glob: string): boolean {
  let depth = 0;
  for (const char of glob) {
    if (char === '{') depth += 1;
    else if (char === '}') depth -= 1;
    if (depth < 0) return true;
  }
  return depth !== 0;
}
