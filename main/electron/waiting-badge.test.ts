import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { WAITING_DOT_PNG_BASE64, waitingBadge } from './waiting-badge';

describe('the waiting badge', () => {
  it('counts on macOS and Linux, and puts a described dot on the Windows taskbar button, cleared at zero', () => {
    expect(waitingBadge(2, 'darwin')).toEqual({ count: 2, overlay: undefined });
    expect(waitingBadge(1, 'linux')).toEqual({ count: 1, overlay: undefined });
    expect(waitingBadge(1, 'win32')).toEqual({ count: 1, overlay: { description: '1 agent is waiting for you' } });
    expect(waitingBadge(3, 'win32').overlay).toEqual({ description: '3 agents are waiting for you' });
    expect(waitingBadge(0, 'win32').overlay).toBeNull();
  });

  it('ships a 16×16 RGBA PNG for the overlay whose centre is opaque red and corners are clear', () => {
    const png = Buffer.from(WAITING_DOT_PNG_BASE64, 'base64');
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(png.toString('latin1', 12, 16)).toBe('IHDR');
    expect([png.readUInt32BE(16), png.readUInt32BE(20), png[24], png[25]]).toEqual([16, 16, 8, 6]);
    const dataStart = png.indexOf('IDAT', 0, 'latin1');
    const pixels = inflateSync(png.subarray(dataStart + 4, dataStart + 4 + png.readUInt32BE(dataStart - 4)));
    const pixel = (x: number, y: number) => [...pixels.subarray(y * 65 + 1 + x * 4, y * 65 + 1 + x * 4 + 4)];
    expect(pixel(8, 8)).toEqual([0xd9, 0x2d, 0x20, 255]);
    expect(pixel(0, 0)[3]).toBe(0);
  });
});
