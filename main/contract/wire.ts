/**
 * The web mode's frames. Calls, results and most events travel as JSON text frames
 * (`{ t: 'call' | 'result' | 'event', … }`). Events that carry bulk text — terminal output —
 * travel as binary frames instead, so neither side spends its time escaping and parsing
 * megabytes of JSON:
 *
 *   [ header length: uint32, big endian ][ header: UTF-8 JSON { t: 'event', name, payload } ][ body: UTF-8 ]
 *
 * The header's payload lacks the bulk field; the body is that field's text. Electron's IPC
 * passes payloads by structured clone and does not use this. No Node modules here: the
 * renderer imports this file too.
 */
export const BULK_TEXT_FIELD: Readonly<Record<string, string>> = { 'instances.output': 'data' };

export type WireEvent = { t: 'event'; name: string; payload: unknown };

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8');

/** The binary frame for an event with a bulk text field, or null when it should go as JSON text. */
export function encodeBulkEvent(name: string, payload: unknown): Uint8Array | null {
  const field = BULK_TEXT_FIELD[name];
  if (!field || typeof payload !== 'object' || payload === null) return null;
  const { [field]: text, ...rest } = payload as Record<string, unknown>;
  if (typeof text !== 'string') return null;
  const header = encoder.encode(JSON.stringify({ t: 'event', name, payload: rest }));
  // UTF-8 needs at most 3 bytes per UTF-16 code unit; encodeInto reports what it used.
  const frame = new Uint8Array(4 + header.length + text.length * 3);
  new DataView(frame.buffer).setUint32(0, header.length);
  frame.set(header, 4);
  const { written } = encoder.encodeInto(text, frame.subarray(4 + header.length));
  return frame.subarray(0, 4 + header.length + written);
}

/** Reads a binary frame back into the event it carries; throws on a frame that is not one. */
export function decodeBulkEvent(frame: ArrayBuffer | Uint8Array): WireEvent {
  const bytes = frame instanceof Uint8Array ? frame : new Uint8Array(frame);
  if (bytes.length < 4) throw new Error('Binary frame too short for its header length.');
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0);
  if (4 + headerLength > bytes.length) throw new Error('Binary frame shorter than its header says.');
  const header = JSON.parse(decoder.decode(bytes.subarray(4, 4 + headerLength))) as Partial<WireEvent>;
  const field = typeof header.name === 'string' ? BULK_TEXT_FIELD[header.name] : undefined;
  if (header.t !== 'event' || !field || typeof header.payload !== 'object' || header.payload === null) {
    throw new Error('Binary frame with an unexpected header.');
  }
  const text = decoder.decode(bytes.subarray(4 + headerLength));
  return { t: 'event', name: header.name!, payload: { ...(header.payload as object), [field]: text } };
}
