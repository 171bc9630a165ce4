import { markdownTables, type MarkdownTable } from './markdown-table';

/**
 * The one rule for where a shared-state file's Instance Scope Table (`| Instance | Owned Files |`,
 * as in the field report) is: the zones read and write its rows, the memory editor keeps it
 * read-only, the guard keeps agents from changing it, and the Workspace screen reports it. The
 * file is written by hand, in any language, so the table is the one whose heading or header
 * columns say "who owns which files"; among several, the one that says it most clearly (the
 * first on a tie).
 */
const HEADING_HINT = /scope|zone|owner|ownership|who owns|担当|範囲|所有|分担|zuständig|propriét|responsab|alcance|ámbito|zust|범위|담당|负责|範圍|范围/i;
const INSTANCE_HINT = /instance|instanz|agent|インスタンス|인스턴스|实例|實例|session/i;
const FILES_HINT = /own|files?|path|zone|scope|dossier|fichier|dateien|ordner|ファイル|担当|파일|文件|archivos/i;

/** The scope table of a shared-state file, or null when it has none. */
export function locateScopeTable(text: string): MarkdownTable | null {
  let best: { table: MarkdownTable; score: number } | null = null;
  for (const table of markdownTables(text)) {
    const score = scopeScore(table);
    if (score > 0 && (best === null || score > best.score)) best = { table, score };
  }
  return best?.table ?? null;
}

function scopeScore(table: MarkdownTable): number {
  let score = 0;
  if (table.heading !== null && HEADING_HINT.test(table.heading)) score += 2;
  if (INSTANCE_HINT.test(table.header[0] ?? '')) score += 1;
  if (FILES_HINT.test(table.header.slice(1).join(' '))) score += 1;
  if (score === 0 && table.header.length === 2 && table.rows.length > 0) {
    // A two-column table in a language we have no hint for: trust it when its right column is paths.
    const pathLike = table.rows.filter((row) => /[/*]|\.\w{1,6}\b/.test(row.cells[1] ?? '')).length;
    if (pathLike * 2 >= table.rows.length) score = 1;
  }
  return score;
}
