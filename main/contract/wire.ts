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

/**
 * In the web mode, bulk frames travel on one streamed HTTP response per socket rather than on
 * the socket itself: Chromium's renderer spends far less per byte reading a fetch body than
 * receiving WebSocket messages (measured here: 100 MB in 200 KB pieces at 41–61 MB/s over a
 * WebSocket, 273–301 MB/s as a fetch stream). The stream carries the same frames, each behind
 * its length:
 *
 *   [ frame length: uint32, big endian ][ frame, as encodeBulkEvent makes it ] …
 *
 * The socket says `{ t: 'hello', stream }` first (the id to ask `/api/stream?id=` for) and
 * `{ t: 'stream-on' }` at the moment bulk frames move to the stream: frames the socket sent
 * before that are drawn first, so output never changes order.
 */
export const STREAM_PATH = '/api/stream';
export const MAX_STREAM_FRAME_BYTES = 64 * 1024 * 1024;

export type SocketNotice = { t: 'hello'; stream: string } | { t: 'stream-on' };

/** The four bytes that go before a frame on the stream. */
export function streamFrameLength(frame: Uint8Array): Uint8Array {
  const prefix = new Uint8Array(4);
  new DataView(prefix.buffer).setUint32(0, frame.length);
  return prefix;
}

/** Cuts a stream's chunks back into frames, whatever the chunks' sizes. */
export class StreamFrameReader {
  private chunks: Uint8Array[] = [];
  private buffered = 0;

  /** Takes a chunk; returns the frames it completes, in order. Throws on an impossible length. */
  push(chunk: Uint8Array): Uint8Array[] {
    if (chunk.length > 0) {
      this.chunks.push(chunk);
      this.buffered += chunk.length;
    }
    const frames: Uint8Array[] = [];
    for (;;) {
      if (this.buffered < 4) return frames;
      const head = this.peek(4);
      const length = new DataView(head.buffer, head.byteOffset, 4).getUint32(0);
      if (length > MAX_STREAM_FRAME_BYTES) throw new Error(`Stream frame of ${length} bytes is over the limit of ${MAX_STREAM_FRAME_BYTES}.`);
      if (this.buffered < 4 + length) return frames;
      this.take(4);
      frames.push(this.take(length));
    }
  }

  /** The next `count` bytes, in one piece (a view when they lie in one chunk). */
  private peek(count: number): Uint8Array {
    const first = this.chunks[0]!;
    if (first.length >= count) return first.subarray(0, count);
    const joined = new Uint8Array(count);
    let filled = 0;
    for (const chunk of this.chunks) {
      const part = chunk.subarray(0, count - filled);
      joined.set(part, filled);
      filled += part.length;
      if (filled === count) break;
    }
    return joined;
  }

  private take(count: number): Uint8Array {
    const taken = this.peek(count);
    let left = count;
    while (left > 0) {
      const first = this.chunks[0]!;
      if (first.length <= left) {
        this.chunks.shift();
        left -= first.length;
      } else {
        this.chunks[0] = first.subarray(left);
        left = 0;
      }
    }
    this.buffered -= count;
    return taken;
  }
}
