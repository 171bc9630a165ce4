/**
 * The pty host's wire protocol. Any byte stream carries it (a Unix socket today; an SSH channel
 * later): each message is one frame, a 4-byte big-endian length followed by that many bytes of
 * UTF-8 JSON. A connection opens with the client's `hello` (protocol version and the host's
 * secret); the host answers `welcome` or `refused` and only then takes calls.
 */

/** Raise on any change a host of the previous version could not understand. */
export const PROTOCOL_VERSION = 1;

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

/** One buffer, the JSON encoded straight into it after the length: terminal output is copied once, not twice. */
export function encodeFrame(message: ClientMessage | HostMessage): Buffer {
  const json = JSON.stringify(message);
  const frame = Buffer.allocUnsafe(4 + Buffer.byteLength(json, 'utf8'));
  frame.writeUInt32BE(frame.length - 4, 0);
  frame.write(json, 4, 'utf8');
  return frame;
}

/**
 * Cuts a byte stream into messages. Chunks may split a frame anywhere; a frame over the limit or
 * one that is not JSON is an error (the caller closes the connection).
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
      this.onMessage(JSON.parse(body.toString('utf8')));
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
