import type { MemoryKind, SearchHit, SearchResult } from '../contract/memory';
import { escapeRegExp } from './index-health';

export interface SearchableFile {
  readonly name: string;
  readonly kind: MemoryKind;
  readonly text: string;
  readonly modifiedMs: number;
}

export interface SearchOptions {
  /** Files to return at most. */
  readonly limit: number;
  /** Matching lines to show per file. */
  readonly linesPerFile?: number;
}

const MAX_LINE_CHARS = 240;

/**
 * Full-text search: every word of the query must appear in the file (or its name), in any case.
 * Hits come with the matching lines and the ranges to highlight; files whose name matches come
 * first, then by number of matches, then newest.
 */
export function searchFiles(files: Iterable<SearchableFile>, query: string, options: SearchOptions): SearchResult {
  const terms = [...new Set(query.trim().split(/\s+/).filter((term) => term !== ''))];
  if (terms.length === 0) return { query, hits: [], truncated: false };
  const lowered = terms.map((term) => term.toLowerCase());
  const any = new RegExp(terms.map(escapeRegExp).sort((a, b) => b.length - a.length).join('|'), 'giu');
  const linesPerFile = options.linesPerFile ?? 3;

  // First pass over every file with plain substring search on lower-cased text (fast); the
  // highlighted lines are made only for the files that are returned.
  const scored: { file: SearchableFile; nameMatch: boolean; matches: number }[] = [];
  for (const file of files) {
    const text = lowerOf(file);
    const name = file.name.toLowerCase();
    let matches = 0;
    let everyTerm = true;
    for (const term of lowered) {
      const count = countOccurrences(text, term);
      if (count === 0 && !name.includes(term)) {
        everyTerm = false;
        break;
      }
      matches += count;
    }
    if (everyTerm) scored.push({ file, nameMatch: lowered.some((term) => name.includes(term)), matches });
  }
  scored.sort(
    (a, b) =>
      Number(b.nameMatch) - Number(a.nameMatch) || b.matches - a.matches || b.file.modifiedMs - a.file.modifiedMs || (a.file.name < b.file.name ? -1 : a.file.name > b.file.name ? 1 : 0),
  );
  const hits = scored.slice(0, options.limit).map(({ file, matches }) => ({ ...collectLines(file, any, linesPerFile), matches }));
  return { query, hits, truncated: scored.length > options.limit };
}

const lowerCache = new WeakMap<SearchableFile, string>();

function lowerOf(file: SearchableFile): string {
  let lower = lowerCache.get(file);
  if (lower === undefined) {
    lower = file.text.toLowerCase();
    lowerCache.set(file, lower);
  }
  return lower;
}

function countOccurrences(text: string, term: string): number {
  let count = 0;
  for (let at = text.indexOf(term); at !== -1; at = text.indexOf(term, at + term.length)) count += 1;
  return count;
}

function collectLines(file: SearchableFile, any: RegExp, linesPerFile: number): SearchHit {
  const lines: SearchHit['lines'] = [];
  let matches = 0;
  let lineNumber = 0;
  for (const lineText of file.text.split('\n')) {
    lineNumber += 1;
    if (lines.length >= linesPerFile) break;
    any.lastIndex = 0;
    const ranges: [number, number][] = [];
    for (const match of lineText.matchAll(any)) {
      if (match[0] === '') continue;
      ranges.push([match.index, match.index + match[0].length]);
    }
    if (ranges.length === 0) continue;
    matches += ranges.length;
    if (lines.length < linesPerFile) lines.push(clip(lineNumber, lineText.replace(/\r$/, ''), ranges));
  }
  return { name: file.name, kind: file.kind, lines, matches };
}

/** Long lines are cut around the first match so the highlight stays visible. */
function clip(line: number, text: string, ranges: [number, number][]): SearchHit['lines'][number] {
  if (text.length <= MAX_LINE_CHARS) return { line, text, ranges: ranges.filter(([, end]) => end <= text.length) };
  const first = ranges[0]![0];
  const start = Math.max(0, Math.min(first - 40, text.length - MAX_LINE_CHARS));
  const end = start + MAX_LINE_CHARS;
  const prefix = start > 0 ? '…' : '';
  const clipped = `${prefix}${text.slice(start, end)}${end < text.length ? '…' : ''}`;
  const shifted = ranges
    .filter(([from, to]) => from >= start && to <= end)
    .map(([from, to]): [number, number] => [from - start + prefix.length, to - start + prefix.length]);
  return { line, text: clipped, ranges: shifted };
}
