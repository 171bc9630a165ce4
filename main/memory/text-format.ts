import { LanesError } from '../shared/errors';

/** How a text file was written, so an edit can be saved the same way. */
export interface TextFormat {
  readonly bom: boolean;
  readonly lineEnding: 'lf' | 'crlf';
}

export interface DecodedText {
  /** The text with `\n` line endings and no byte-order mark, as editors and textareas hold it. */
  readonly text: string;
  readonly format: TextFormat;
  /** The bytes are not valid UTF-8: decoding replaced some of them, so writing back would lose data. */
  readonly lossy: boolean;
}

export const LF: TextFormat = Object.freeze({ bom: false, lineEnding: 'lf' });

export function decodeText(bytes: Uint8Array): DecodedText {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const raw = buffer.toString('utf8');
  // Invalid UTF-8 decodes to U+FFFD: without one in the text, nothing was lost, and the bytes need
  // not be encoded again to compare (the Memory screen reads thousands of files at once).
  const lossy = raw.includes('\uFFFD') && !Buffer.from(raw, 'utf8').equals(buffer);
  const bom = raw.startsWith('\uFEFF');
  const body = bom ? raw.slice(1) : raw;
  let lf = 0;
  let crlf = 0;
  for (let at = body.indexOf('\n'); at !== -1; at = body.indexOf('\n', at + 1)) {
    if (at > 0 && body.charCodeAt(at - 1) === 13) crlf += 1;
    else lf += 1;
  }
  return { text: crlf > 0 ? body.replace(/\r\n/g, '\n') : body, format: { bom, lineEnding: crlf > lf ? 'crlf' : 'lf' }, lossy };
}

/** Puts the byte-order mark and line endings back. The text may come with `\r\n` from a paste. */
export function encodeText(text: string, format: TextFormat): string {
  const normalized = text.replace(/\r\n/g, '\n');
  const body = format.lineEnding === 'crlf' ? normalized.replace(/\n/g, '\r\n') : normalized;
  return format.bom ? `\uFEFF${body}` : body;
}

export function lossyMessage(name: string): string {
  return `\`${name}\` is not valid UTF-8 text. Lanes shows it but will not save over it, so nothing in it is lost; fix its encoding in another editor.`;
}

export function refuseLossy(name: string): never {
  throw new LanesError('malformed-file', lossyMessage(name));
}

/** Lines as people count them: a final newline does not start another line; an empty file has none. */
export function countLines(text: string): number {
  if (text === '') return 0;
  let newlines = 0;
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) newlines += 1;
  return newlines + (text.endsWith('\n') ? 0 : 1);
}
