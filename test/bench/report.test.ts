import { describe, expect, it } from 'vitest';
import { figureMet, formatValue, meets } from '../../bench/support/report';

// The bench runner's verdicts (scripts/bench.mjs reads figures back from JSON, where NaN and
// Infinity become null): a figure that was not measured must never count as a goal met.
describe('bench figures', () => {
  it('a figure not measured misses its goal and says so, before and after JSON', () => {
    const goal = { op: '<', value: 3000 } as const;
    expect(meets(goal, 2000)).toBe(true);
    expect(meets(goal, Number.NaN)).toBe(false);
    const throughJson = JSON.parse(JSON.stringify({ value: Number.NaN })) as { value: number };
    expect(meets(goal, throughJson.value)).toBe(false);
    expect(meets({ op: '>=', value: 0.7 }, throughJson.value)).toBe(false);
    expect(formatValue(throughJson.value, 'ms')).toBe('not measured');
    const figure = { figure: 'ready', unit: 'ms', goal, idle: { value: 2000, load: 0 }, loaded: { value: throughJson.value, load: 2 } };
    expect(figureMet(figure)).toBe(false);
    expect(figureMet({ ...figure, goal: null })).toBeNull();
  });
});
