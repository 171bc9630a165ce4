import { describe, expect, it } from 'vitest';
import { decodeBulkEvent, encodeBulkEvent } from './wire';

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
