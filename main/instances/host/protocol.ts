/**
 * The pty host's wire protocol. Any byte stream carries it (a Unix socket today; an SSH channel
 * later): each message is one frame, a 4-byte big-endian length followed by that many bytes of
 * body. A body is UTF-8 JSON (it starts with `{`), or, for an event that carries bulk text (an
 * agent's output), a bulk body:
 *
 *   [ 0x00 ][ header length: uint32, big endian ][ header: UTF-8 JSON, the message without its text ][ the text, UTF-8 ]
 *
 * so neither side escapes and parses megabytes of JSON: encoding 200 KB of output as JSON cost
 * the host 6–8 ms per MB and parsing it the client 3.5, against 3 and 1.4 as a bulk body. A
 * connection opens with the client's `hello` (protocol version and the host's secret); the host
 * answers `welcome` or `refused` and only then takes calls.
 */

/** Raise on any change a host of the previous version could not understand. 2: bulk bodies for output. */
export const PROTOCOL_VERSION = 2;

/** The events whose payload field travels as a bulk body, by event name. */
const BULK_FIELD: Readonly<Record<string, string>> = { output: 'data' };
const BULK_MARK = 0x00;

/** Larger frames mean a broken or hostile peer; 64 MB is far above any batch of terminal output. */
export const MAX_FRAME_BYTES = 64 * 1024 * 1024;

export type ClientMessage =
  | { readonly type: 'hello'; readonly version: number; readonly secret: string }
  | { readonly type: 'call'; readonly id: number; readonly method: string; readonly args: unknown };

export type RefusalReason = 'secret' | 'version' | 'handshake';

export type HostMessage =
  | { readonly type: 'welcome'; readonly version: number; readonly hostPid: number }
  | { readonly type: 'refused'; readonly reason: RefusalReason; readonly version: number; readonly hostPid: number; readonly message: string }
  | { readonly type: 'result'; readonly id: number; readonly ok: true; readonly value: unknown }
  | { readonly type: 'result'; readonly id: number; readonly ok: false; readonly code: string; readonly message: string }
  | { readonly type: 'event'; readonly name: string; readonly payload: unknown };

/** One buffer, the body encoded straight into it after the length: terminal output is copied once, not twice. */
export function encodeFrame(message: ClientMessage | HostMessage): Buffer {
  const bulk = message.type === 'event' ? bulkParts(message) : null;
  if (bulk) {
    const headerBytes = Buffer.byteLength(bulk.header, 'utf8');
    const frame = Buffer.allocUnsafe(4 + 1 + 4 + headerBytes + Buffer.byteLength(bulk.text, 'utf8'));
    frame.writeUInt32BE(frame.length - 4, 0);
    frame[4] = BULK_MARK;
    frame.writeUInt32BE(headerBytes, 5);
    frame.write(bulk.header, 9, 'utf8');
    frame.write(bulk.text, 9 + headerBytes, 'utf8');
    return frame;
  }
  const json = JSON.stringify(message);
  const frame = Buffer.allocUnsafe(4 + Buffer.byteLength(json, 'utf8'));
  frame.writeUInt32BE(frame.length - 4, 0);
  frame.write(json, 4, 'utf8');
  return frame;
}

/** An event with a bulk field, split into its JSON header (the event without the text) and the text. */
function bulkParts(message: Extract<HostMessage, { type: 'event' }>): { header: string; text: string } | null {
  const field = BULK_FIELD[message.name];
  if (field === undefined || typeof message.payload !== 'object' || message.payload === null) return null;
  const { [field]: text, ...rest } = message.payload as Record<string, unknown>;
  if (typeof text !== 'string') return null;
  return { header: JSON.stringify({ ...message, payload: rest }), text };
}

/** A frame's body back into its message: JSON, or a bulk body with its text put back in its field. */
function decodeBody(body: Buffer): unknown {
  if (body.length === 0 || body[0] !== BULK_MARK) return JSON.parse(body.toString('utf8'));
  if (body.length < 5) throw new Error('a bulk frame too short for its header length');
  const headerBytes = body.readUInt32BE(1);
  if (5 + headerBytes > body.length) throw new Error('a bulk frame shorter than its header says');
  const header = JSON.parse(body.toString('utf8', 5, 5 + headerBytes)) as { type?: unknown; name?: unknown; payload?: unknown };
  const field = typeof header.name === 'string' ? BULK_FIELD[header.name] : undefined;
  if (header.type !== 'event' || field === undefined || typeof header.payload !== 'object' || header.payload === null) throw new Error('a bulk frame with an unexpected header');
  return { ...header, payload: { ...header.payload, [field]: body.toString('utf8', 5 + headerBytes) } };
}

/**
 * Cuts a byte stream into messages. Chunks may split a frame anywhere; a frame over the limit, or
 * one that is neither JSON nor a well-formed bulk body, is an error (the caller closes the connection).
 */
export class FrameReader {
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** The length of the frame being received, once its header is in. */
  private expected: number | null = null;

  constructor(private readonly onMessage: (message: unknown) => void) {}

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    for (;;) {
      if (this.expected === null) {
        if (this.buffered < 4) return;
        const length = this.take(4).readUInt32BE(0);
        if (length > MAX_FRAME_BYTES) throw new Error(`a frame of ${length} bytes is over the ${MAX_FRAME_BYTES}-byte limit`);
        this.expected = length;
      }
      if (this.buffered < this.expected) return;
      const body = this.take(this.expected);
      this.expected = null;
      this.onMessage(decodeBody(body));
    }
  }

  private take(count: number): Buffer {
    const joined = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
    const rest = joined.subarray(count);
    this.chunks = rest.length > 0 ? [rest] : [];
    this.buffered = rest.length;
    return joined.subarray(0, count);
  }
}

/** A wrong secret, a different protocol version, or a broken handshake: said in the user's words. */
export class HostRefusedError extends Error {
  constructor(
    readonly reason: RefusalReason,
    readonly hostVersion: number,
    readonly hostPid: number,
    message: string,
  ) {
    super(message);
  }
}

export function versionMismatchMessage(hostVersion: number, hostPid: number, ownVersion = PROTOCOL_VERSION): string {
  return (
    `A Lanes pty host from another version of Lanes is running (process ${hostPid}, protocol ${hostVersion}; this Lanes speaks ${ownVersion}). ` +
    `Its agents keep running and Lanes did not touch them. Finish with them in the Lanes that started them, ` +
    `then run \`lanes host stop --force\` (it ends those agents) and start Lanes again.`
  );
}
