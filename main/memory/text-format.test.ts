import { describe, expect, it } from 'vitest';
import { countLines, decodeText } from './text-format';

/** The first implementations, plain and slow: the fast ones must agree with them on every input. */
function decodeTextPlain(bytes: Uint8Array) {
  const raw = Buffer.from(bytes).toString('utf8');
  const lossy = !Buffer.from(raw, 'utf8').equals(Buffer.from(bytes));
  const bom = raw.startsWith('\uFEFF');
  const body = bom ? raw.slice(1) : raw;
  const crlf = (body.match(/\r\n/g) ?? []).length;
  const lf = (body.match(/\n/g) ?? []).length - crlf;
  return { text: body.replace(/\r\n/g, '\n'), format: { bom, lineEnding: crlf > lf ? 'crlf' : 'lf' }, lossy };
}

function countLinesPlain(text: string): number {
  if (text === '') return 0;
  return text.replace(/\r?\n$/, '').split(/\r?\n/).length;
}

describe('text format', () => {
  it('decodes like the plain implementation: line endings, byte-order mark, invalid UTF-8 and a real U+FFFD', () => {
    const pieces = ['a', 'é', '\n', '\r', '\r\n', '\uFEFF', '\uFFFD', '😀'];
    let seed = 7;
    const next = (below: number) => (seed = (seed * 1103515245 + 12345) % 2147483648) % below;
    const cases: Uint8Array[] = [new Uint8Array(0), Buffer.from('\uFEFF'), Buffer.from([0xff]), Buffer.from([0x61, 0xc3]), Buffer.from('ok\uFFFD\r\n', 'utf8')];
    for (let round = 0; round < 3000; round += 1) {
      const text = Array.from({ length: next(12) }, () => pieces[next(pieces.length)]).join('');
      const bytes = Buffer.from(text, 'utf8');
      // Now and then a byte that is not UTF-8, or a character cut in two.
      if (round % 5 === 0 && bytes.length > 0) bytes[next(bytes.length)] = [0xff, 0x80, 0xc3][next(3)]!;
      cases.push(round % 7 === 0 ? bytes.subarray(0, Math.max(0, bytes.length - 1)) : bytes);
    }
    for (const bytes of cases) {
      const decoded = decodeText(bytes);
      expect(decoded, JSON.stringify([...bytes])).toEqual(decodeTextPlain(bytes));
      expect(countLines(decoded.text)).toBe(countLinesPlain(decoded.text));
      const raw = Buffer.from(bytes).toString('utf8');
      expect(countLines(raw), JSON.stringify(raw)).toBe(countLinesPlain(raw));
    }
    expect(cases.filter((bytes) => decodeText(bytes).lossy).length).toBeGreaterThan(100);
    expect(decodeText(Buffer.from('ok\uFFFD\r\n', 'utf8'))).toMatchObject({ lossy: false, text: 'ok\uFFFD\n', format: { lineEnding: 'crlf' } });
  });

  it('counts lines as people do', () => {
    expect(['', '\n', 'a', 'a\n', 'a\n\n', 'a\r\nb', 'a\r\nb\r\n', 'a\r'].map(countLines)).toEqual([0, 1, 1, 1, 2, 2, 2, 1]);
  });
});
