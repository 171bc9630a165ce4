import { memoryFileOfLink, type IndexHealth } from '../contract/memory';
import { LanesError } from '../shared/errors';
import { INDEX_FILE } from './kinds';
import { countLines } from './text-format';

/** Claude Code reads only the first 200 lines of MEMORY.md; the workspace screen warns at the same limit. */
export const MEMORY_INDEX_LIMIT = 200;

export interface IndexReference {
  /** 1-based line of MEMORY.md. */
  readonly line: number;
  /** The file name the entry points to, decoded (`%20` → space, `./` dropped). */
  readonly target: string;
}

const LINK = /\[(?:[^\]\\]|\\.)*\]\(\s*(<[^>]*>|[^)\s]+)(?:\s+(?:"[^"]*"|'[^']*'))?\s*\)/gu;
const DEFINITION = /^\s{0,3}\[[^\]]+\]:\s*(<[^>]*>|\S+)/u;
const URL = /\b[a-z][a-z0-9+.-]*:\/\/\S+/giu;
const BARE_NAME = /(?<![\p{L}\p{N}_.#@+~/\\-])[\p{L}\p{N}_.#@+~-]+\.md(?![\p{L}\p{N}_]|\.[\p{L}\p{N}])/giu;

/**
 * The memory files MEMORY.md points to: link targets (`[x](user_a.md)`, `[x]: user_a.md`) and
 * bare names (`- user_a.md — who I am`, `` `user_a.md` ``). Paths with folders and web addresses
 * are not memory entries and are left out.
 */
export function indexReferences(indexText: string): IndexReference[] {
  const references: IndexReference[] = [];
  indexText.split(/\r?\n/).forEach((lineText, index) => {
    const line = index + 1;
    const add = (raw: string) => {
      const target = normalizeTarget(raw);
      if (target !== null) references.push({ line, target });
    };
    const definition = DEFINITION.exec(lineText);
    if (definition) add(definition[1]!);
    let rest = lineText.replace(LINK, (_whole, target: string) => {
      add(target);
      return ' ';
    });
    if (definition) rest = rest.replace(DEFINITION, ' ');
    rest = rest.replace(URL, ' ');
    for (const match of rest.matchAll(BARE_NAME)) add(match[0]);
  });
  return references;
}

function normalizeTarget(raw: string): string | null {
  const file = memoryFileOfLink(raw.startsWith('<') && raw.endsWith('>') ? raw.slice(1, -1) : raw);
  return file === null || file.toLowerCase() === INDEX_FILE.toLowerCase() ? null : file;
}

/**
 * The health of a memory folder's index: its length against the limit, entries pointing to
 * missing files, and files it does not mention. `indexText` is null when MEMORY.md is missing.
 * File names compare without case, as they do on macOS and Windows.
 */
export function checkIndexHealth(indexText: string | null, fileNames: readonly string[]): IndexHealth {
  const memoryFiles = fileNames.filter((name) => name.toLowerCase() !== INDEX_FILE.toLowerCase());
  const existing = new Set(memoryFiles.map((name) => name.toLowerCase()));
  const references = indexText === null ? [] : indexReferences(indexText);
  const mentioned = new Set(references.map((reference) => reference.target.toLowerCase()));
  const seenDangling = new Set<string>();
  const dangling = references.filter((reference) => {
    const key = `${reference.line}\0${reference.target.toLowerCase()}`;
    if (existing.has(reference.target.toLowerCase()) || seenDangling.has(key)) return false;
    seenDangling.add(key);
    return true;
  });
  const lines = indexText === null ? 0 : countLines(indexText);
  return {
    exists: indexText !== null,
    lines,
    limit: MEMORY_INDEX_LIMIT,
    overLimit: lines > MEMORY_INDEX_LIMIT,
    dangling: dangling.map(({ line, target }) => ({ line, target })),
    unlisted: memoryFiles.filter((name) => !mentioned.has(name.toLowerCase())).sort((a, b) => a.localeCompare(b)),
  };
}

export interface IndexEntry {
  readonly name: string;
  readonly title: string | null;
}

/** One index line for a file: `- [Title](file.md)`. */
export function indexLine(entry: IndexEntry): string {
  const title = (entry.title ?? entry.name.replace(/\.md$/i, '')).replace(/([\\[\]])/g, '\\$1');
  const target = /[\s()<>]/.test(entry.name) ? `<${entry.name}>` : entry.name;
  return `- [${title}](${target})`;
}

/** MEMORY.md with entries appended at the end (text in `\n` form; a new index gets a heading). */
export function appendIndexEntries(indexText: string | null, entries: readonly IndexEntry[]): string {
  const lines = entries.map(indexLine).join('\n');
  if (indexText === null || indexText.trim() === '') return `# Memory\n\n${lines}\n`;
  const base = indexText.endsWith('\n') ? indexText : `${indexText}\n`;
  return `${base}${lines}\n`;
}

/** MEMORY.md with every mention of `from` pointing to `to` instead; null when it mentions nothing. */
export function renameInIndex(indexText: string, from: string, to: string): string | null {
  const boundary = (name: string) => new RegExp(`(?<![\\p{L}\\p{N}_.#@+~-])${escapeRegExp(name)}(?![\\p{L}\\p{N}_]|\\.[\\p{L}\\p{N}])`, 'gu');
  const encodedFrom = encodeURI(from);
  let changed = false;
  let text = indexText.replace(boundary(from), () => {
    changed = true;
    return to;
  });
  if (encodedFrom !== from) {
    text = text.replace(boundary(encodedFrom), () => {
      changed = true;
      return encodeURI(to);
    });
  }
  return changed ? text : null;
}

/**
 * MEMORY.md without its line number `line` (1-based, counted as `indexReferences` counts), every
 * other byte kept: the byte-order mark, each line's own ending, a missing final newline.
 */
export function withoutLine(rawText: string, line: number): string {
  const lines = rawText.match(/[^\n]*\n|[^\n]+$/g) ?? [];
  if (!Number.isInteger(line) || line < 1 || line > lines.length) {
    throw new LanesError('conflict', `MEMORY.md has no line ${line} any more; it changed since Lanes showed it. Nothing was removed; look at the index again.`);
  }
  return lines.filter((_text, index) => index !== line - 1).join('');
}

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
