import type { z } from 'zod';
import type { newRequestSchema } from '../contract/requests';

export type NewRequestInput = z.output<typeof newRequestSchema>;

/**
 * Writes a new request the way the field report's example reads, so agents and people without
 * Lanes recognise it:
 *
 *   # Allen AI UI Addition (Windows#67 → VSCode)
 *
 *   ## What to do
 *   ...
 *
 *   | Key | Value |
 *   |-----|-------|
 *   | provider | `allen_ai` |
 */
export function composeRequest(input: NewRequestInput): string {
  const parts: string[] = [];
  if (input.priority) parts.push(`---\npriority: ${yamlScalar(input.priority)}\n---\n`);
  parts.push(`# ${input.title.trim()} (${input.from.trim()} → ${input.to.trim()})\n`);
  const body = input.body.replace(/\r\n?/g, '\n').trim();
  if (body !== '') parts.push(`\n## What to do\n\n${body}\n`);
  const rows = input.table.filter((row) => row.key.trim() !== '' || row.value.trim() !== '');
  if (rows.length > 0) {
    parts.push('\n| Key | Value |\n|-----|-------|\n');
    for (const row of rows) parts.push(`| ${tableCell(row.key)} | ${tableCell(row.value)} |\n`);
  }
  return parts.join('');
}

/** `Allen AI: UI addition!` → `allen_ai_ui_addition`; letters of any script are kept. */
export function slugify(title: string): string {
  const slug = title
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '_')
    .replace(/^_+|_+$/g, '');
  return [...slug].slice(0, 60).join('').replace(/_+$/, '') || 'request';
}

/** `YYYYMMDD` of a date in local time, as people name the files. */
export function fileDate(date: Date): string {
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${date.getFullYear()}${pad(date.getMonth() + 1)}${pad(date.getDate())}`;
}

function tableCell(value: string): string {
  return value.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|').trim();
}

function yamlScalar(value: string): string {
  return /^[\p{L}\p{N} _.-]+$/u.test(value) && !/^\d/.test(value) ? value : JSON.stringify(value);
}
