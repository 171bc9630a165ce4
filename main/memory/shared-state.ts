import { LanesError } from '../shared/errors';

/** Stands where the Instance Scope Table was while the rest of the shared-state file is edited. */
export const SCOPE_TABLE_PLACEHOLDER = '<!-- Instance Scope Table: kept exactly as it is; edit it on the Zones screen -->';

export interface ScopeTableSplit {
  /** The text before the section, exactly as on disk. */
  readonly before: string;
  /** From the `## Instance Scope Table` heading to the next heading of the same or a higher level (or the end). */
  readonly table: string | null;
  readonly after: string;
}

const HEADING = /^ {0,3}(#{1,6})[ \t]+(.*?)[ \t#]*$/;
const SCOPE_HEADING = /^instance scope table$/i;

/**
 * Splits the raw file text around its Instance Scope Table section. Works on the text exactly as
 * read (CRLF, BOM and all), so joining the three parts gives the same bytes back. Headings inside
 * fenced code blocks do not count.
 */
export function splitScopeTable(raw: string): ScopeTableSplit {
  const lines = raw.split(/(?<=\n)/);
  let offset = 0;
  let fence: string | null = null;
  let start = -1;
  let level = 0;
  for (const lineWithEnd of lines) {
    const line = lineWithEnd.replace(/\r?\n$/, '');
    const fenceMatch = /^ {0,3}(`{3,}|~{3,})/.exec(line);
    if (fenceMatch) {
      if (fence === null) fence = fenceMatch[1]!;
      else if (fenceMatch[1]!.startsWith(fence[0]!) && fenceMatch[1]!.length >= fence.length) fence = null;
    } else if (fence === null) {
      const heading = HEADING.exec(line);
      if (heading) {
        const headingLevel = heading[1]!.length;
        if (start === -1 && SCOPE_HEADING.test(heading[2]!.trim())) {
          start = offset;
          level = headingLevel;
        } else if (start !== -1 && headingLevel <= level) {
          return { before: raw.slice(0, start), table: raw.slice(start, offset), after: raw.slice(offset) };
        }
      }
    }
    offset += lineWithEnd.length;
  }
  if (start === -1) return { before: raw, table: null, after: '' };
  return { before: raw.slice(0, start), table: raw.slice(start), after: '' };
}

/**
 * The text the user edits: the file with the table section replaced by the placeholder line
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
