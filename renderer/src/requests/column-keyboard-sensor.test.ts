import { describe, expect, it } from 'vitest';
import { columnStep, type Box } from './column-keyboard-sensor';

// Four columns 200 px wide with 10 px gaps, given out of order as a Map's values may be.
const columns: Box[] = [
  { left: 430, top: 100, width: 200 },
  { left: 10, top: 100, width: 200 },
  { left: 640, top: 100, width: 200 },
  { left: 220, top: 100, width: 200 },
];
const card: Box = { left: 20, top: 150, width: 180 };

describe('columnStep', () => {
  it('carries a card one column right, centred, then back', () => {
    const right = columnStep(card, { x: 0, y: 0 }, columns, 1);
    expect(right).toEqual({ x: 220 + 10 - 20, y: 0 });
    const twice = columnStep(card, right!, columns, 1);
    expect(twice).toEqual({ x: 430 + 10 - 20, y: 0 });
    expect(columnStep(card, twice!, columns, -1)).toEqual(right);
  });

  it('stays put past the first and the last column', () => {
    expect(columnStep(card, { x: 0, y: 0 }, columns, -1)).toBeNull();
    expect(columnStep(card, { x: 630, y: 0 }, columns, 1)).toBeNull();
  });

  it('from a gap between columns, goes to the next one in the direction asked', () => {
    const inGap = { x: 425 - 20 - 90, y: 0 }; // centre at x = 425, in the gap after the second
    expect(columnStep(card, inGap, columns, 1)!.x).toBe(430 + 10 - 20);
    expect(columnStep(card, inGap, columns, -1)!.x).toBe(220 + 10 - 20);
  });

  it('keeps the card below the top of a column that starts lower', () => {
    const low: Box[] = [columns[1]!, { left: 220, top: 400, width: 200 }];
    expect(columnStep(card, { x: 0, y: 0 }, low, 1)).toEqual({ x: 210, y: 400 + 8 - 150 });
  });
});
