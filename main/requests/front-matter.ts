import { LanesError } from '../shared/errors';
import { normalizeStatus, splitFrontMatter } from './parse';

export type WrittenStatus = 'in-progress' | 'blocked';

/**
 * Returns the text with its front matter saying `status` (or saying nothing about it, for
 * `null`: open is the default). Only the `status` line changes: the front matter is added when
 * needed and removed again when Lanes empties it, the other lines and the body keep their
 * bytes, and the file's own line ends are used. A file whose front matter Lanes cannot read is
 * refused rather than rewritten.
 */
export function withStatus(text: string, status: WrittenStatus | null, fileLabel: string): string {
  const frontMatter = splitFrontMatter(text);
  const eol = /\r\n/.test(text) ? '\r\n' : '\n';

  if (frontMatter.kind === 'malformed') {
    throw new LanesError('malformed-file', `${fileLabel}: ${frontMatter.message} Lanes did not change it; fix the front matter by hand first.`);
  }
  if (frontMatter.kind === 'none') {
    return status === null ? text : `---${eol}status: ${status}${eol}---${eol}${text}`;
  }

  const lines = [...frontMatter.lines];
  const start = lines.findIndex((line) => /^status[ \t]*:/.test(line));
  let end = start + 1;
  if (start !== -1) {
    while (end < lines.length && /^(?:[ \t]|-(?:[ \t]|\r?\n|$))/.test(lines[end]!)) end += 1;
  }
  const current = typeof frontMatter.data.status === 'string' ? normalizeStatus(frontMatter.data.status) : null;
  if (status !== null && current === status) return text;
  if (status === null && start === -1) return text;

  const lineEnd = (line: string | undefined) => (line !== undefined && /\r?\n$/.test(line) ? /\r\n$/.test(line) ? '\r\n' : '\n' : eol);
  if (start === -1) {
    const last = lines.length - 1;
    if (last >= 0 && !/\n$/.test(lines[last]!)) lines[last] += eol;
    lines.push(`status: ${status}${eol}`);
  } else if (status === null) {
    lines.splice(start, end - start);
  } else {
    lines.splice(start, end - start, `status: ${status}${lineEnd(lines[end - 1])}`);
  }

  const rest = text.slice(frontMatter.bodyStart);
  const result = lines.length === 0 ? rest : frontMatter.opening + lines.join('') + frontMatter.closing + rest;
  const check = splitFrontMatter(result);
  const written = check.kind === 'ok' && typeof check.data.status === 'string' ? normalizeStatus(check.data.status) : null;
  if (check.kind === 'malformed' || written !== status || !result.endsWith(rest)) {
    throw new LanesError('malformed-file', `${fileLabel}: Lanes could not change the status in its front matter safely and left the file as it was. Change \`status:\` by hand.`);
  }
  return result;
}
