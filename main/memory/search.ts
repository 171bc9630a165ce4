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
  return new SearchIndex().sync(files).search(query, options);
}

interface IndexedFile {
  readonly file: SearchableFile;
  readonly lowerName: string;
  seen: number;
}

/**
 * The words of a set of files and which files hold them, kept in step with the files by `sync`
 * (only files that changed are read again). A query word cannot span whitespace, so its
 * occurrences in a file are its occurrences in the file's words: a keystroke looks at the
 * distinct words of all files (a few thousand) instead of every file's text (megabytes).
 */
export class SearchIndex {
  private readonly slots: (IndexedFile | undefined)[] = [];
  private readonly free: number[] = [];
  private readonly slotOf = new Map<string, number>();
  /** Word → slot → occurrences of the word in that file. */
  private readonly postings = new Map<string, Map<number, number>>();
  private syncs = 0;

  sync(files: Iterable<SearchableFile>): this {
    this.syncSome(files, Infinity);
    return this;
  }

  /**
   * Like `sync`, reading at most `maxReads` new or changed files; true when the index is complete
   * (then files that are gone are dropped too). Lets a large folder be indexed in steps.
   */
  syncSome(files: Iterable<SearchableFile>, maxReads: number): boolean {
    const pass = ++this.syncs;
    let reads = 0;
    for (const file of files) {
      const slot = this.slotOf.get(file.name);
      const indexed = slot === undefined ? undefined : this.slots[slot];
      if (indexed?.file === file) {
        indexed.seen = pass;
        continue;
      }
      if (reads === maxReads) return false;
      reads += 1;
      if (slot !== undefined) this.remove(slot);
      this.add(file, pass);
    }
    for (const [, slot] of this.slotOf) if (this.slots[slot]!.seen !== pass) this.remove(slot);
    return true;
  }

  search(query: string, options: SearchOptions): SearchResult {
    const terms = [...new Set(query.trim().split(/\s+/).filter((term) => term !== ''))];
    if (terms.length === 0) return { query, hits: [], truncated: false };
    const lowered = terms.map((term) => term.toLowerCase());
    const any = new RegExp(terms.map(escapeRegExp).sort((a, b) => b.length - a.length).join('|'), 'giu');
    const linesPerFile = options.linesPerFile ?? 3;

    // Per slot: matches of every term so far, or -1 once a term is missing from the file and its name.
    // Plain loops and `forEach` rather than `for…of` over entries: a keystroke on a broad term
    // ("e") visits every file several times, and each entry pair is an allocation.
    const count = this.slots.length;
    const total = new Float64Array(count);
    const nameMatch = new Uint8Array(count);
    for (let slot = 0; slot < count; slot += 1) if (this.slots[slot] === undefined) total[slot] = -1;
    for (const term of lowered) {
      const counts = new Float64Array(count);
      this.postings.forEach((holders, word) => {
        if (!word.includes(term)) return;
        const inWord = countOccurrences(word, term);
        holders.forEach((times, slot) => {
          counts[slot]! += inWord * times;
        });
      });
      for (let slot = 0; slot < count; slot += 1) {
        const indexed = this.slots[slot];
        if (indexed === undefined || total[slot]! < 0) continue;
        const named = indexed.lowerName.includes(term);
        if (counts[slot] === 0 && !named) total[slot] = -1;
        else {
          total[slot]! += counts[slot]!;
          if (named) nameMatch[slot] = 1;
        }
      }
    }
    // Files whose name matches first, then by number of matches, then newest, then by name: only
    // the `limit` best are kept in order as the files are visited, not every match sorted.
    const slots = this.slots;
    const before = (a: number, b: number): boolean => {
      const fileA = slots[a]!.file;
      const fileB = slots[b]!.file;
      if (nameMatch[a] !== nameMatch[b]) return nameMatch[a]! > nameMatch[b]!;
      if (total[a] !== total[b]) return total[a]! > total[b]!;
      if (fileA.modifiedMs !== fileB.modifiedMs) return fileA.modifiedMs > fileB.modifiedMs;
      return fileA.name < fileB.name;
    };
    const best: number[] = [];
    let matched = 0;
    for (let slot = 0; slot < count; slot += 1) {
      if (total[slot]! < 0) continue;
      matched += 1;
      if (best.length >= options.limit && (options.limit <= 0 || !before(slot, best[best.length - 1]!))) continue;
      let low = 0;
      let high = best.length;
      while (low < high) {
        const middle = (low + high) >> 1;
        if (before(slot, best[middle]!)) high = middle;
        else low = middle + 1;
      }
      best.splice(low, 0, slot);
      if (best.length > options.limit) best.pop();
    }
    const hits = best.map((slot) => ({ ...collectLines(slots[slot]!.file, any, linesPerFile), matches: total[slot]! }));
    return { query, hits, truncated: matched > options.limit };
  }

  private add(file: SearchableFile, pass: number): void {
    const slot = this.free.pop() ?? this.slots.length;
    this.slots[slot] = { file, lowerName: file.name.toLowerCase(), seen: pass };
    this.slotOf.set(file.name, slot);
    for (const [word, times] of wordsOf(file)) {
      let holders = this.postings.get(word);
      if (!holders) this.postings.set(word, (holders = new Map()));
      holders.set(slot, times);
    }
  }

  private remove(slot: number): void {
    const indexed = this.slots[slot]!;
    // The words are counted again rather than kept per file: the index stays half the size.
    for (const word of wordsOf(indexed.file).keys()) {
      const holders = this.postings.get(word)!;
      holders.delete(slot);
      if (holders.size === 0) this.postings.delete(word);
    }
    this.slots[slot] = undefined;
    this.slotOf.delete(indexed.file.name);
    this.free.push(slot);
  }
}

/** Each whitespace-separated word of the lower-cased text, with how often it occurs. */
function wordsOf(file: SearchableFile): Map<string, number> {
  const words = new Map<string, number>();
  for (const word of file.text.toLowerCase().split(/\s+/)) if (word !== '') words.set(word, (words.get(word) ?? 0) + 1);
  return words;
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
