import type { Writable } from 'node:stream';

/** Which terminal a frame of output belongs to, and whether it is likely the echo of a keystroke. */
export interface OutputLane {
  readonly agent: string;
  readonly echo: boolean;
}

type Entry = { readonly parts: readonly Uint8Array[]; readonly agent: string | null; readonly bytes: number };

/**
 * Frames waiting for a reader that is behind: a busy client of the pty host, or a page behind on
 * its output stream. They are handed to the stream only as fast as it takes them (until it asks
 * to wait for `drain`), not all at once into its buffer, so that until then their order can still
 * change in one way: the echo of a keystroke goes ahead. The output of the terminal someone typed
 * into moves ahead of other terminals' output still waiting, its own earlier output with it and
 * in order; everything else keeps its order. Without this, with eight agents flooding, the echo
 * waited behind up to half a megabyte of each.
 */
export class EchoFirstQueue {
  private readonly entries: Entry[] = [];
  private queuedBytes = 0;

  /** Bytes waiting. */
  get bytes(): number {
    return this.queuedBytes;
  }

  get length(): number {
    return this.entries.length;
  }

  /** Queues a frame (in parts, written one after the other); output names its lane. */
  push(parts: readonly Uint8Array[], lane?: OutputLane): void {
    const entry = { parts, agent: lane?.agent ?? null, bytes: parts.reduce((sum, part) => sum + part.length, 0) };
    if (lane?.echo && this.entries.length > 0) {
      const ahead = this.entries.filter((queued) => queued.agent === lane.agent);
      const behind = this.entries.filter((queued) => queued.agent !== lane.agent);
      this.entries.splice(0, this.entries.length, ...ahead, entry, ...behind);
    } else this.entries.push(entry);
    this.queuedBytes += entry.bytes;
  }

  /** Writes waiting frames to `stream` until it asks to wait for `drain`. Whether none is left. */
  handOver(stream: Writable): boolean {
    let handed = 0;
    stream.cork();
    while (handed < this.entries.length && !stream.destroyed && !stream.writableNeedDrain) {
      const { parts, bytes } = this.entries[handed++]!;
      this.queuedBytes -= bytes;
      for (const part of parts) stream.write(part);
    }
    stream.uncork();
    this.entries.splice(0, handed);
    return this.entries.length === 0;
  }

  clear(): void {
    this.entries.length = 0;
    this.queuedBytes = 0;
  }
}
