import { describe, expect, it } from 'vitest';
import { MAX_STREAM_FRAME_BYTES, StreamFrameReader, decodeBulkEvent, encodeBulkEvent, streamFrameLength } from './wire';

describe('binary frames for bulk text events', () => {
  it('round-trips terminal output, whatever characters it holds', () => {
    for (const data of ['', 'plain', 'é\u00a0ü 日本語 \u{1F680}', '\x1b[?2004h\x1b[1;31m\r\n\x00\x07', 'x'.repeat(300_000)]) {
      const frame = encodeBulkEvent('instances.output', { instance: 'front-end', data, seq: 9 });
      expect(frame).not.toBeNull();
      expect(decodeBulkEvent(frame!)).toEqual({ t: 'event', name: 'instances.output', payload: { instance: 'front-end', data, seq: 9 } });
    }
  });

  it('leaves other events, and payloads without the text field, to JSON', () => {
    expect(encodeBulkEvent('instances.changed', { data: 'x' })).toBeNull();
    expect(encodeBulkEvent('instances.output', { instance: 'a', seq: 1 })).toBeNull();
    expect(encodeBulkEvent('instances.output', null)).toBeNull();
  });

  it('refuses frames that are cut short or carry an unexpected header', () => {
    const frame = encodeBulkEvent('instances.output', { instance: 'a', data: 'hello', seq: 1 })!;
    expect(() => decodeBulkEvent(frame.subarray(0, 3))).toThrow('too short');
    expect(() => decodeBulkEvent(frame.subarray(0, 10))).toThrow('shorter than its header');
    const forged = new TextEncoder().encode(JSON.stringify({ t: 'event', name: 'zones.changed', payload: {} }));
    const bytes = new Uint8Array(4 + forged.length);
    new DataView(bytes.buffer).setUint32(0, forged.length);
    bytes.set(forged, 4);
    expect(() => decodeBulkEvent(bytes)).toThrow('unexpected header');
  });
});

describe('the output stream', () => {
  const frames = ['first', '', 'é\u{1F680}'.repeat(5_000), 'x'.repeat(70_000), 'last'].map(
    (data, seq) => encodeBulkEvent('instances.output', { instance: 'a', data, seq })!,
  );
  const stream = new Uint8Array(frames.reduce((sum, frame) => sum + 4 + frame.length, 0));
  let at = 0;
  for (const frame of frames) {
    stream.set(streamFrameLength(frame), at);
    stream.set(frame, at + 4);
    at += 4 + frame.length;
  }

  it('cuts the stream back into its frames however it was chunked, lengths split included', () => {
    for (const size of [1, 3, 5, 4_096, 65_536, stream.length]) {
      const reader = new StreamFrameReader();
      const out: Uint8Array[] = [];
      for (let offset = 0; offset < stream.length; offset += size) out.push(...reader.push(stream.subarray(offset, offset + size)));
      expect(out.map((frame) => decodeBulkEvent(frame))).toEqual(frames.map((frame) => decodeBulkEvent(frame)));
    }
  });

  it('refuses a frame longer than the limit instead of waiting for it', () => {
    const reader = new StreamFrameReader();
    const huge = new Uint8Array(4);
    new DataView(huge.buffer).setUint32(0, MAX_STREAM_FRAME_BYTES + 1);
    expect(() => reader.push(huge)).toThrow('over the limit');
  });
});
