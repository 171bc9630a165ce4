import { normalizeRepoPath, patternProblem } from './matcher';
import type { InstanceZone } from './zone-set';

/**
 * The shared-state file's "Instance Scope Table" (`| Instance | Owned Files |`, as in the field
 * report): found in a file written by hand, in any language, with or without backticks, turned
 * into zones, and written back with every other byte of the file unchanged.
 */
export interface ScopeRow {
  readonly instance: string;
  readonly zones: readonly string[];
  /** The row's line as written, kept verbatim when its content does not change. */
  readonly raw: string;
}

export interface ScopeTable {
  readonly found: boolean;
  /** The table's first and past-the-last line index in the file (header through last row). */
  readonly start: number;
  readonly end: number;
  readonly rows: readonly ScopeRow[];
  /** What could not be understood, in the user's words (each is skipped, never guessed). */
  readonly problems: readonly string[];
}

const HEADING_HINT = /scope|zone|owner|ownership|who owns|担当|範囲|所有|分担|zuständig|propriét|responsab|alcance|ámbito|zust|범위|담당|负责|範圍|范围/i;
const INSTANCE_HINT = /instance|instanz|agent|インスタンス|인스턴스|实例|實例|session/i;
const FILES_HINT = /own|files?|path|zone|scope|dossier|fichier|dateien|ordner|ファイル|担当|파일|文件|archivos/i;

export function splitLines(text: string): string[] {
  return text.split(/(?<=\n)/);
}

/** Finds and reads the scope table; `found: false` when the file has none. */
export function parseScopeTable(text: string): ScopeTable {
  const lines = splitLines(text);
  let best: { start: number; end: number; score: number } | null = null;
  for (const table of findTables(lines)) {
    const score = scoreTable(lines, table.start, table.end);
    if (score > 0 && (best === null || score > best.score)) best = { ...table, score };
  }
  if (best === null) return { found: false, start: lines.length, end: lines.length, rows: [], problems: [] };

  const rows: ScopeRow[] = [];
  const problems: string[] = [];
  for (let index = best.start + 2; index < best.end; index += 1) {
    const raw = lines[index]!;
    const cells = splitRow(raw);
    const instance = cleanCell(cells[0] ?? '');
    if (instance === '') {
      if (cells.some((cell) => cell.trim() !== '')) problems.push(`Line ${index + 1} has no instance name in its first column; it was skipped.`);
      continue;
    }
    const zones: string[] = [];
    for (const item of splitZones(cells.slice(1).join(','))) {
      const problem = patternProblem(item);
      if (problem) problems.push(`Line ${index + 1} (${instance}): \`${item}\` ${problem}; it was skipped.`);
      else zones.push(item);
    }
    rows.push({ instance, zones, raw });
  }
  return { found: true, start: best.start, end: best.end, rows, problems };
}

/**
 * The file with its scope table set to `instances` (in that order). Rows whose content is
 * unchanged keep their exact bytes; everything outside the table is untouched. A file without a
 * table gets one appended under an "Instance Scope Table" heading.
 */
export function writeScopeTable(text: string | null, instances: readonly InstanceZone[]): string {
  const source = text ?? '';
  const eol = source.includes('\r\n') ? '\r\n' : '\n';
  const table = parseScopeTable(source);
  const lines = splitLines(source);
  const tableText = lines.slice(table.start, table.end).join('');
  const backticks = table.found ? tableText.slice(tableText.indexOf('\n') + 1).includes('`') : false;
  const previous = new Map(table.rows.map((row) => [row.instance, row]));

  const rows = instances.map((instance) => {
    const old = previous.get(instance.name);
    if (old && sameZones(old.zones, instance.zones)) return old.raw.endsWith('\n') ? old.raw : old.raw + eol;
    const zones = instance.zones.map((zone) => (backticks ? `\`${zone}\`` : zone)).join(', ');
    return `| ${escapeCell(instance.name)} | ${escapeCell(zones)} |${eol}`;
  });

  if (table.found) {
    const header = lines.slice(table.start, table.start + 2).map((line) => (line.endsWith('\n') ? line : line + eol));
    const after = lines.slice(table.end);
    const body = [...header, ...rows];
    // A table that ended the file without a newline keeps ending without one.
    if (after.length === 0 && !source.endsWith('\n')) body[body.length - 1] = body[body.length - 1]!.replace(/\r?\n$/, '');
    return [...lines.slice(0, table.start), ...body, ...after].join('');
  }
  const section = [`## Instance Scope Table${eol}`, `| Instance | Owned Files |${eol}`, `|----------|-------------|${eol}`, ...rows].join('');
  if (source === '') return section;
  const separator = source.endsWith(`${eol}${eol}`) ? '' : source.endsWith('\n') ? eol : `${eol}${eol}`;
  return `${source}${separator}${section}`;
}

function findTables(lines: readonly string[]): Array<{ start: number; end: number }> {
  const tables: Array<{ start: number; end: number }> = [];
  for (let index = 0; index + 1 < lines.length; index += 1) {
    if (!isRowLine(lines[index]!) || !isSeparatorLine(lines[index + 1]!)) continue;
    let end = index + 2;
    while (end < lines.length && isRowLine(lines[end]!)) end += 1;
    tables.push({ start: index, end });
    index = end - 1;
  }
  return tables;
}

function scoreTable(lines: readonly string[], start: number, end: number): number {
  const header = splitRow(lines[start]!);
  let score = 0;
  for (let index = start - 1, seen = 0; index >= 0 && seen < 4; index -= 1) {
    const line = lines[index]!.trim();
    if (line === '') continue;
    seen += 1;
    if (/^#{1,6}\s/.test(line)) {
      if (HEADING_HINT.test(line)) score += 2;
      break;
    }
  }
  if (INSTANCE_HINT.test(header[0] ?? '')) score += 1;
  if (FILES_HINT.test(header.slice(1).join(' '))) score += 1;
  if (score === 0 && header.length === 2 && end - start > 2) {
    // A two-column table in a language we have no hint for: trust it when its right column is paths.
    const body = lines.slice(start + 2, end).map((line) => splitRow(line)[1] ?? '');
    const pathLike = body.filter((cell) => /[/*]|\.\w{1,6}\b/.test(cell)).length;
    if (pathLike * 2 >= body.length) score = 1;
  }
  return score;
}

function isRowLine(line: string): boolean {
  return /^\s*\|.*\|\s*$/.test(line.replace(/\r?\n$/, ''));
}

function isSeparatorLine(line: string): boolean {
  return /^\s*\|(\s*:?-{1,}:?\s*\|)+\s*$/.test(line.replace(/\r?\n$/, ''));
}

/** The cells of a `| a | b |` line; `\|` stays inside a cell. */
function splitRow(line: string): string[] {
  const body = line.replace(/\r?\n$/, '').trim().replace(/^\|/, '').replace(/\|$/, '');
  return body.split(/(?<!\\)\|/).map((cell) => cell.replace(/\\\|/g, '|').trim());
}

function splitZones(cell: string): string[] {
  return cell
    .replace(/<br\s*\/?>/gi, ',')
    .split(/[,、，;；]|\s\+\s|\s&\s/)
    .map((item) => cleanCell(item.trim().replace(/\s+\(.*\)$/, '')))
    .filter((item) => item !== '' && item !== '-' && item !== '—');
}

function cleanCell(cell: string): string {
  return cell
    .trim()
    .replace(/^\*\*(.*)\*\*$/, '$1')
    .replace(/^`(.*)`$/, '$1')
    .trim();
}

function escapeCell(value: string): string {
  return value.replace(/\|/g, '\\|');
}

function sameZones(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((zone, index) => normalizeRepoPath(zone) === normalizeRepoPath(b[index]!) && zone.endsWith('/') === b[index]!.endsWith('/'));
}
