import { closeSync, fstatSync, openSync, readSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { LanesError, errnoCode } from '../shared/errors';

/**
 * lanes.yml as bytes and text: where it is, how big it may be, and how it is decoded. No YAML and
 * no zod here, so the guard (a separate process started on every agent edit) reads the file by
 * the same rules as the core without loading either.
 */
export const CONFIG_FILE = 'lanes.yml';

/** A workspace config is a few kilobytes; a 20 MB one once took 2.5 GB and a minute to parse. */
export const MAX_CONFIG_BYTES = 1024 * 1024;

export interface ConfigProblem {
  readonly message: string;
  readonly line: number | null;
  readonly column: number | null;
}

/** Reads lanes.yml at `root`; null when there is none. Refuses a file over the size limit before reading it. */
export async function readConfigBytes(root: string): Promise<Buffer | null> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(path.join(root, CONFIG_FILE), 'r');
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return null;
    if (errnoCode(error) === 'EISDIR') throw notAFile();
    throw error;
  }
  try {
    const stat = await handle.stat();
    if (stat.isDirectory()) throw notAFile();
    if (stat.size > MAX_CONFIG_BYTES) throw tooBig(stat.size);
    // Bounded even if the file grows after the stat: one byte more than allowed is enough to know.
    const buffer = Buffer.alloc(MAX_CONFIG_BYTES + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length > MAX_CONFIG_BYTES) throw tooBig((await handle.stat()).size);
    }
    return buffer.subarray(0, length);
  } finally {
    await handle.close();
  }
}

/** The same as `readConfigBytes`, for the short-lived guard process. */
export function readConfigBytesSync(root: string): Buffer | null {
  let descriptor: number;
  try {
    descriptor = openSync(path.join(root, CONFIG_FILE), 'r');
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return null;
    if (errnoCode(error) === 'EISDIR') throw notAFile();
    throw error;
  }
  try {
    const stat = fstatSync(descriptor);
    if (stat.isDirectory()) throw notAFile();
    if (stat.size > MAX_CONFIG_BYTES) throw tooBig(stat.size);
    const buffer = Buffer.alloc(MAX_CONFIG_BYTES + 1);
    let length = 0;
    for (;;) {
      const bytesRead = readSync(descriptor, buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length > MAX_CONFIG_BYTES) throw tooBig(fstatSync(descriptor).size);
    }
    return buffer.subarray(0, length);
  } finally {
    closeSync(descriptor);
  }
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const lossyUtf8 = new TextDecoder('utf-8', { ignoreBOM: true });

/**
 * Decodes lanes.yml strictly as UTF-8 (a byte-order mark is kept for YAML to skip). A file with a
 * byte that is not UTF-8 is malformed: decoding it loosely would put U+FFFD in its place, and the
 * next save would write that over the user's byte.
 */
export function decodeConfigText(bytes: Uint8Array): string {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    const where = firstInvalidByte(bytes);
    throw configError(
      'malformed-file',
      `lanes.yml is not valid UTF-8 text${position(where)}: the byte there is not part of any UTF-8 character. Lanes reads it only as UTF-8 and left the file untouched; save it as UTF-8 in your editor, then reload.`,
      where,
    );
  }
}

/**
 * Where decoding first went wrong. The lossy decoder puts one U+FFFD for each bad sequence and
 * decodes everything else as the strict one would, so walking both side by side finds the first
 * U+FFFD that the file did not spell out as the bytes EF BF BD.
 */
function firstInvalidByte(bytes: Uint8Array): ConfigProblem {
  const text = lossyUtf8.decode(bytes);
  let offset = 0;
  let line = 1;
  let column = 1;
  for (const character of text) {
    const encoded = Buffer.byteLength(character, 'utf8');
    if (character === '\uFFFD' && !(bytes[offset] === 0xef && bytes[offset + 1] === 0xbf && bytes[offset + 2] === 0xbd)) {
      return { message: '', line, column };
    }
    offset += encoded;
    if (character === '\n') {
      line += 1;
      column = 1;
    } else {
      column += character.length;
    }
  }
  return { message: '', line: null, column: null };
}

/** A refusal of lanes.yml: the code programs act on, a message that says what to do, and where. */
export function configError(code: 'malformed-file' | 'too-large', message: string, where: Omit<ConfigProblem, 'message'> = { line: null, column: null }): LanesError {
  return new LanesError(code, message, { file: CONFIG_FILE, line: where.line, column: where.column });
}

/** " (line 3, column 14)", or nothing when the place is unknown. */
export function position(where: Omit<ConfigProblem, 'message'>): string {
  if (where.line === null) return '';
  return ` (line ${where.line}${where.column === null ? '' : `, column ${where.column}`})`;
}

function tooBig(size: number): LanesError {
  return configError(
    'too-large',
    `lanes.yml is ${megabytes(size)}; Lanes reads at most ${megabytes(MAX_CONFIG_BYTES)}, as a workspace config takes a few kilobytes. Lanes left the file untouched; make it smaller (did a command write its output into it?), then reload.`,
  );
}

function notAFile(): LanesError {
  return configError('malformed-file', 'lanes.yml is a folder, not a file. Move it away; Lanes keeps the workspace config in a file of that name.');
}

function megabytes(size: number): string {
  const value = size / (1024 * 1024);
  return `${Number.isInteger(value) ? value : value.toFixed(1)} MB`;
}
