import { LanesError } from '../shared/errors';
import { splitFrontMatter } from './parse';

export type WrittenStatus = 'in-progress' | 'blocked';

/**
 * Returns the text with its front matter saying `status` (or saying nothing about it, for
 * `null`: open is the default). See `withFields` for what is kept.
 */
export function withStatus(text: string, status: WrittenStatus | null, fileLabel: string): string {
  return withFields(text, { status }, fileLabel);
}

/**
 * Returns the text with its front matter giving each key its value, one `key: value` line each
 * (`null` removes the key). Only those lines change: the front matter is added when needed and
 * removed again when Lanes empties it, the other lines and the body keep their bytes, and the
 * file's own line ends are used. A key that already reads as its value is left as written. A
 * file whose front matter Lanes cannot read is refused rather than rewritten, and so is a result
 * that would not read back as the values asked for.
 */
export function withFields(text: string, fields: Readonly<Record<string, FieldValue>>, fileLabel: string): string {
  const frontMatter = splitFrontMatter(text);
  if (frontMatter.kind === 'malformed') {
    throw new LanesError('malformed-file', `${fileLabel}: ${frontMatter.message} Lanes did not change it; fix the front matter by hand first.`);
  }
  const eol = /\r\n/.test(text) ? '\r\n' : '\n';
  const data = frontMatter.kind === 'ok' ? frontMatter.data : {};
  const lines = frontMatter.kind === 'ok' ? [...frontMatter.lines] : [];
  const rest = frontMatter.kind === 'ok' ? text.slice(frontMatter.bodyStart) : text;

  let changed = false;
  for (const [key, value] of Object.entries(fields)) {
    const present = Object.hasOwn(data, key) && data[key] !== null && data[key] !== undefined;
    if (value === null ? !present : readsAs(data[key], value)) continue;
    const asText = typeof value === 'string' || value === null ? value : flowList(value);
    changed = true;
    const start = lines.findIndex((line) => new RegExp(`^${key}[ \\t]*:`).test(line));
    let end = start + 1;
    if (start !== -1) {
      // A value written over several lines: its indented or `- ` continuation lines go with it.
      while (end < lines.length && /^(?:[ \t]|-(?:[ \t]|\r?\n|$))/.test(lines[end]!)) end += 1;
    }
    if (start === -1) {
      if (asText === null) continue;
      const last = lines.length - 1;
      if (last >= 0 && !/\n$/.test(lines[last]!)) lines[last] += eol;
      lines.push(`${key}: ${asText}${eol}`);
    } else if (asText === null) {
      lines.splice(start, end - start);
    } else {
      lines.splice(start, end - start, `${key}: ${asText}${lineEndOf(lines[end - 1], eol)}`);
    }
  }
  if (!changed) return text;

  const result =
    lines.length === 0 ? rest : frontMatter.kind === 'ok' ? frontMatter.opening + lines.join('') + frontMatter.closing + rest : `---${eol}${lines.join('')}---${eol}${rest}`;
  const check = splitFrontMatter(result);
  const written = check.kind === 'ok' ? check.data : {};
  const faithful = Object.entries(fields).every(([key, value]) => (value === null ? written[key] === undefined || written[key] === null : readsAs(written[key], value)));
  if (check.kind === 'malformed' || !faithful || !result.endsWith(rest)) {
    const keys = Object.keys(fields).map((key) => `\`${key}:\``).join(' and ');
    throw new LanesError('malformed-file', `${fileLabel}: Lanes could not change ${keys} in its front matter safely and left the file as it was. Change it by hand.`);
  }
  return result;
}

/** A value to write: one word, a list of names (written as a YAML flow list), or null to remove the key. */
export type FieldValue = string | readonly string[] | null;

/** True when a front matter value means `value` (`In-Progress` means `in-progress`; a list, the same names in order). */
function readsAs(current: unknown, value: string | readonly string[]): boolean {
  if (typeof value !== 'string') return Array.isArray(current) && current.length === value.length && current.every((item, index) => String(item) === value[index]);
  return typeof current === 'string' && canonical(current) === canonical(value);
}

/** `[a, b]`, each name quoted when YAML would read it otherwise. */
function flowList(items: readonly string[]): string {
  return `[${items.map((item) => (/^[\w.\-/#]+$/.test(item) && !/^[-#]/.test(item) ? item : JSON.stringify(item))).join(', ')}]`;
}

function canonical(word: string): string {
  const lower = word.trim().toLowerCase().replace(/[\s_]+/g, '-');
  return lower === 'inprogress' || lower === 'doing' || lower === 'wip' ? 'in-progress' : lower;
}

function lineEndOf(line: string | undefined, eol: string): string {
  if (line === undefined || !/\r?\n$/.test(line)) return eol;
  return /\r\n$/.test(line) ? '\r\n' : '\n';
}
