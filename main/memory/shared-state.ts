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
