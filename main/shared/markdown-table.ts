import { fromMarkdown } from 'mdast-util-from-markdown';
import { gfmTableFromMarkdown } from 'mdast-util-gfm-table';
import { gfmTable } from 'micromark-extension-gfm-table';

/** The parser's node types, named through the parser (its `mdast` types package has no code to resolve). */
type RootContent = ReturnType<typeof fromMarkdown>['children'][number];
type Table = Extract<RootContent, { type: 'table' }>;
type Heading = Extract<RootContent, { type: 'heading' }>;

/**
 * The GitHub-flavoured Markdown tables of a file, found by the mdast parser (so a table in a
 * fenced code block, an HTML block or an indented code block is not one), with where each
 * sits as line indexes of the text exactly as given (CRLF, BOM and all).
 */
export interface MarkdownTable {
  /** The header line's index (0-based) in `splitLines(text)`. */
  readonly startLine: number;
  /** The index past the last row's line. */
  readonly endLine: number;
  /** The header's cells, as written (trimmed, `\|` read as `|`). */
  readonly header: readonly string[];
  readonly rows: readonly MarkdownTableRow[];
  /** The text of the nearest heading above the table (any level), or null when none is. */
  readonly heading: string | null;
}

export interface MarkdownTableRow {
  /** The row's line index (0-based) in `splitLines(text)`. */
  readonly line: number;
  readonly cells: readonly string[];
}

/** The lines of a text, each with its own line ending, so joining them gives the text back. */
export function splitLines(text: string): string[] {
  return text.split(/(?<=\n)/);
}

/**
 * Every table at the top level of the document (a table inside a list or a quote is left out:
 * its lines carry the list's or quote's markers, so it cannot be rewritten line for line).
 */
export function markdownTables(text: string): MarkdownTable[] {
  // The parser drops a leading BOM from its offsets; without it, offsets index `source`.
  const source = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const tree = fromMarkdown(source, { extensions: [gfmTable()], mdastExtensions: [gfmTableFromMarkdown()] });
  const lines = splitLines(text);
  const tables: MarkdownTable[] = [];
  let heading: string | null = null;
  for (const node of tree.children) {
    if (node.type === 'heading') heading = headingText(source, node);
    else if (node.type === 'table') {
      const table = readTable(source, lines, node, heading);
      if (table) tables.push(table);
    }
  }
  return tables;
}

function readTable(source: string, lines: readonly string[], node: Table, heading: string | null): MarkdownTable | null {
  const [headerRow, ...bodyRows] = node.children;
  if (!headerRow?.position) return null;
  const startLine = headerRow.position.start.line - 1;
  const rows: MarkdownTableRow[] = [];
  for (const row of bodyRows) {
    if (!row.position) break;
    const line = row.position.start.line - 1;
    // GFM takes a line of prose right below a table as one more row; a line without a cell
    // separator is that prose, which a rewrite of the table must leave alone.
    if (!/(?<!\\)\|/.test(lines[line] ?? '')) break;
    rows.push({ line, cells: row.children.map((cell) => cellText(source, cell.position)) });
  }
  const last = rows.at(-1)?.line ?? startLine + 1;
  return { startLine, endLine: last + 1, header: headerRow.children.map((cell) => cellText(source, cell.position)), rows, heading };
}

/** A cell's source between its pipes: the parser's text would lose backticks and `<br>`, which readers of a cell want. */
function cellText(source: string, position: RootContent['position']): string {
  if (!position || position.start.offset === undefined || position.end.offset === undefined) return '';
  return source
    .slice(position.start.offset, position.end.offset)
    .replace(/^\s*\|/, '')
    .replace(/(?<!\\)\|\s*$/, '')
    .replace(/\\\|/g, '|')
    .trim();
}

function headingText(source: string, node: Heading): string {
  const start = node.position?.start.offset;
  const end = node.position?.end.offset;
  if (start === undefined || end === undefined) return '';
  const [first = ''] = source.slice(start, end).split(/\r?\n/);
  return first
    .replace(/^ {0,3}#{1,6}(?:[ \t]+|$)/, '')
    .replace(/[ \t]+#+[ \t]*$/, '')
    .trim();
}
