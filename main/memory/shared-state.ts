import { LanesError } from '../shared/errors';
import { splitLines } from '../shared/markdown-table';
import { locateScopeTable } from '../shared/scope-table-locator';

/** Stands where the Instance Scope Table was while the rest of the shared-state file is edited. */
export const SCOPE_TABLE_PLACEHOLDER = '<!-- Instance Scope Table: kept exactly as it is; edit it on the Zones screen -->';

export interface ScopeTableSplit {
  /** The text before the table, exactly as on disk. */
  readonly before: string;
  /** The Instance Scope Table itself, header through last row with its line ending, where `locateScopeTable` finds it. */
  readonly table: string | null;
  readonly after: string;
}

/**
 * Splits the raw file text around its Instance Scope Table: only the table, so the heading above
 * it and notes below it stay the user's (and agents') to edit. Works on the text exactly as read
 * (CRLF, BOM and all), so joining the three parts gives the same bytes back.
 */
export function splitScopeTable(raw: string): ScopeTableSplit {
  const located = locateScopeTable(raw);
  if (located === null) return { before: raw, table: null, after: '' };
  const lines = splitLines(raw);
  return {
    before: lines.slice(0, located.startLine).join(''),
    table: lines.slice(located.startLine, located.endLine).join(''),
    after: lines.slice(located.endLine).join(''),
  };
}

/**
 * The text the user edits: the file with the table replaced by the placeholder line
 * (in the file's own line endings; the caller normalizes them for the editor).
 */
export function editableText(split: ScopeTableSplit, newline: string): string {
  if (split.table === null) return split.before;
  const tableEndsLine = /\n$/.test(split.table);
  return `${split.before}${SCOPE_TABLE_PLACEHOLDER}${tableEndsLine ? newline : ''}${split.after}`;
}

/**
 * Puts the table section back where the placeholder is. `edited` is in the file's encoding
 * already; `table` is the section exactly as it is on disk now.
 */
export function joinScopeTable(edited: string, table: string | null): string {
  if (table === null) {
    if (edited.includes(SCOPE_TABLE_PLACEHOLDER)) {
      throw new LanesError('invalid-argument', 'The shared-state file has no Instance Scope Table any more; remove the placeholder line and save again.');
    }
    return edited;
  }
  const first = edited.indexOf(SCOPE_TABLE_PLACEHOLDER);
  if (first === -1 || edited.indexOf(SCOPE_TABLE_PLACEHOLDER, first + 1) !== -1) {
    throw new LanesError(
      'invalid-argument',
      'Keep the placeholder line of the Instance Scope Table exactly once: it marks where the table stays. Nothing was saved.',
    );
  }
  const end = first + SCOPE_TABLE_PLACEHOLDER.length;
  const tableEndsLine = /\n$/.test(table);
  // The placeholder took the table's place including its final line break.
  const rest = tableEndsLine ? edited.slice(end).replace(/^\r?\n/, '') : edited.slice(end);
  return `${edited.slice(0, first)}${table}${rest}`;
}

const DECISIONS_HEADING = /^#{2,6}[ \t]+decisions[ \t#]*\r?\n?$/i;
const ANY_HEADING = /^#{1,6}[ \t]/;

/**
 * The shared-state file with one decision added as a list item at the end of its `## Decisions`
 * section, made at the end of the file when there is none. The Instance Scope Table and every
 * other line keep their bytes; the file's own line ends are used. The section ends at the next
 * heading or where the scope table starts, whichever comes first.
 */
export function withDecision(raw: string, decision: string, stamp: string): string {
  const eol = /\r\n/.test(raw) ? '\r\n' : '\n';
  const lines = splitLines(raw).filter((line) => line !== '');
  const item = `- ${stamp} — ${decision.trim()}${eol}`;
  const heading = lines.findIndex((line) => DECISIONS_HEADING.test(line));
  let result: string;
  if (heading === -1) {
    const body = raw === '' || raw === '\uFEFF' ? raw : `${raw.replace(/(\r?\n)*$/, '')}${eol}${eol}`;
    result = `${body}## Decisions${eol}${eol}${item}`;
  } else {
    const table = locateScopeTable(raw);
    const tableStart = table !== null && table.startLine > heading ? table.startLine : lines.length;
    let end = heading + 1;
    while (end < lines.length && end < tableStart && !ANY_HEADING.test(lines[end]!)) end += 1;
    let last = end;
    while (last > heading + 1 && lines[last - 1]!.trim() === '') last -= 1;
    const before = lines.slice(0, last);
    if (last === heading + 1) before.push(eol);
    if (before.length > 0 && !/\n$/.test(before[before.length - 1]!)) before[before.length - 1] += eol;
    const after = lines.slice(last);
    // A section followed at once by a heading keeps a blank line before it.
    const gap = last === end && end < lines.length ? eol : '';
    result = before.join('') + item + gap + after.join('');
  }
  if (splitScopeTable(result).table !== splitScopeTable(raw).table) {
    throw new LanesError('malformed-file', 'Lanes could not add the decision without touching the Instance Scope Table, so it left the shared-state file as it was. Add it by hand.');
  }
  return result;
}
