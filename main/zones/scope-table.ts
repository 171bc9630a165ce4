import { splitLines } from '../shared/markdown-table';
import { locateScopeTable } from '../shared/scope-table-locator';
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

/** Finds and reads the scope table (where `locateScopeTable` says it is); `found: false` when the file has none. */
export function parseScopeTable(text: string): ScopeTable {
  const table = locateScopeTable(text);
  const lines = splitLines(text);
  if (table === null) return { found: false, start: lines.length, end: lines.length, rows: [], problems: [] };

  const rows: ScopeRow[] = [];
  const problems: string[] = [];
  for (const row of table.rows) {
    const instance = cleanCell(row.cells[0] ?? '');
    if (instance === '') {
      if (row.cells.some((cell) => cell !== '')) problems.push(`Line ${row.line + 1} has no instance name in its first column; it was skipped.`);
      continue;
    }
    const zones: string[] = [];
    for (const item of splitZones(row.cells.slice(1).join(','))) {
      const problem = patternProblem(item);
      if (problem) problems.push(`Line ${row.line + 1} (${instance}): \`${item}\` ${problem}; it was skipped.`);
      else zones.push(item);
    }
    rows.push({ instance, zones, raw: lines[row.line]! });
  }
  return { found: true, start: table.startLine, end: table.endLine, rows, problems };
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
