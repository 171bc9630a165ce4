import type { MemoryKind } from '../contract/memory';
import { LanesError } from '../shared/errors';

export const INDEX_FILE = 'MEMORY.md';

/** The file-name prefixes of the memory convention, most specific first. */
const PREFIXES: readonly (readonly [string, MemoryKind])[] = [
  ['feedback_success_', 'success'],
  ['feedback_correction_', 'correction'],
  ['user_', 'user'],
  ['project_', 'project'],
];

/** The kind of a memory file, read from its name (case does not matter). */
export function kindOf(name: string): MemoryKind {
  const lower = name.toLowerCase();
  if (lower === INDEX_FILE.toLowerCase()) return 'index';
  for (const [prefix, kind] of PREFIXES) if (lower.startsWith(prefix)) return kind;
  return 'other';
}

export function isMarkdownName(name: string): boolean {
  return name.toLowerCase().endsWith('.md') && !name.startsWith('.');
}

// Characters Windows refuses in file names, and control characters.
const FORBIDDEN = /[<>:"|?*\u0000-\u001f]/;

/**
 * Checks a memory file name given by the UI. It must be a plain `.md` name inside the folder:
 * no slashes, no `..`, nothing Windows would refuse.
 */
export function assertMemoryFileName(name: string): void {
  if (name.includes('/') || name.includes('\\') || name === '.' || name === '..') {
    throw new LanesError('outside-workspace', `\`${name.replace(/\0/g, '\\0')}\` is not inside the memory folder: give a plain file name without folders.`);
  }
  if (name.includes('\0')) throw new LanesError('outside-workspace', 'A file name must not contain a NUL byte.');
  if (FORBIDDEN.test(name)) throw new LanesError('invalid-argument', `\`${name}\` contains a character file names may not have (< > : " | ? * or a control character).`);
  if (name.trim() !== name || name.endsWith('.')) throw new LanesError('invalid-argument', `\`${name}\` starts or ends with a space or a dot; remove it.`);
  if (name.startsWith('.')) throw new LanesError('invalid-argument', `\`${name}\` starts with a dot, which would hide it; choose another name.`);
  if (!name.toLowerCase().endsWith('.md') || name.length <= 3) throw new LanesError('invalid-argument', `\`${name}\` must be a markdown file name ending in \`.md\`.`);
}

const KIND_PREFIX: Record<Exclude<MemoryKind, 'index'>, string> = {
  user: 'user_',
  project: 'project_',
  success: 'feedback_success_',
  correction: 'feedback_correction_',
  other: '',
};

/**
 * The file name for a new entry, following the convention: `user_<slug>.md`,
 * `project_<yyyymmdd>_<slug>.md`, `feedback_success_<slug>.md`, `feedback_correction_<slug>.md`.
 * Spaces become underscores; letters of any script are kept (`Windows版#67`).
 */
export function fileNameFor(kind: Exclude<MemoryKind, 'index'>, slug: string, today: Date = new Date()): string {
  let body = slug.trim().replace(/\.md$/i, '').replace(/\s+/g, '_');
  if (body === '') throw new LanesError('invalid-argument', 'Give the entry a name.');
  const prefix = KIND_PREFIX[kind];
  if (prefix && body.toLowerCase().startsWith(prefix)) body = body.slice(prefix.length);
  if (kind === 'project' && !/^\d{8}(_|$)/.test(body)) body = `${dateStamp(today)}_${body}`;
  const name = `${prefix}${body}.md`;
  assertMemoryFileName(name);
  return name;
}

function dateStamp(date: Date): string {
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${date.getFullYear()}${pad(date.getMonth() + 1)}${pad(date.getDate())}`;
}

/** The first markdown heading of a file, for lists and index entries. */
export function titleOf(text: string): string | null {
  const match = /^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$/m.exec(text);
  return match ? match[1]!.trim() || null : null;
}
