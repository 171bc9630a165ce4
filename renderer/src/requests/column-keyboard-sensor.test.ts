import { describe, expect, it } from 'vitest';
import { areaStep, columnStep, type Area, type Box } from './column-keyboard-sensor';

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

describe('areaStep', () => {
  // The Plan screen: the unsorted tray on the left, then the 2 × 2 matrix.
  const tray: Area = { left: 0, top: 100, width: 200, height: 600 };
  const doFirst: Area = { left: 220, top: 100, width: 300, height: 290 };
  const schedule: Area = { left: 540, top: 100, width: 300, height: 290 };
  const delegate: Area = { left: 220, top: 410, width: 300, height: 290 };
  const later: Area = { left: 540, top: 410, width: 300, height: 290 };
  const areas = [later, schedule, tray, delegate, doFirst];
  const card: Box = { left: 10, top: 150, width: 180 };
  const at = (translate: { x: number; y: number }) => ({ x: card.left + translate.x + card.width / 2, y: card.top + translate.y + 8 });
  const inside = (point: { x: number; y: number }, area: Area) =>
    point.x >= area.left && point.x <= area.left + area.width && point.y >= area.top && point.y <= area.top + area.height;

  it('walks the matrix in four directions and back to the tray', () => {
    const first = areaStep(card, { x: 0, y: 0 }, areas, 'right')!;
    expect(inside(at(first), doFirst)).toBe(true);
    const right = areaStep(card, first, areas, 'right')!;
    expect(inside(at(right), schedule)).toBe(true);
    const down = areaStep(card, right, areas, 'down')!;
    expect(inside(at(down), later)).toBe(true);
    const left = areaStep(card, down, areas, 'left')!;
    expect(inside(at(left), delegate)).toBe(true);
    const up = areaStep(card, left, areas, 'up')!;
    expect(inside(at(up), doFirst)).toBe(true);
    expect(inside(at(areaStep(card, left, areas, 'left')!), tray)).toBe(true);
  });

  it('stays put where there is no area that way', () => {
    expect(areaStep(card, { x: 0, y: 0 }, areas, 'left')).toBeNull();
    expect(areaStep(card, { x: 0, y: 0 }, areas, 'up')).toBeNull();
    const first = areaStep(card, { x: 0, y: 0 }, areas, 'right')!;
    expect(areaStep(card, first, areas, 'up')).toBeNull();
  });
});
