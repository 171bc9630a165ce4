import { appendFileSync } from 'node:fs';
import os from 'node:os';
import { withCpuLoad } from './cpu-load';

/** A goal a figure must meet in both conditions: `value < 1000`, `ratio <= 1.1`, `ratio >= 0.5`. */
export interface Goal {
  readonly op: '<' | '<=' | '>=';
  readonly value: number;
}

/** One condition's reading, with the one-minute load average when it was taken. */
export interface Reading {
  readonly value: number;
  readonly load: number;
}

/**
 * One figure of a benchmark, taken idle and beside two CPU-bound loops. A sub-measure (part of a
 * figure, printed to tell where the time goes) has no goal and never decides whether the
 * benchmark passes.
 */
export interface Figure {
  readonly figure: string;
  readonly unit: string;
  readonly goal: Goal | null;
  readonly idle: Reading;
  readonly loaded: Reading;
}

/** The line scripts/bench.mjs reads: one JSON object per figure in the file it names. */
export const RESULTS_ENV = 'LANES_BENCH_RESULTS';

export function meets(goal: Goal, value: number): boolean {
  // Not measured (NaN, or null once it went through JSON to the runner) never meets a goal.
  if (typeof value !== 'number' || !Number.isFinite(value)) return false;
  if (goal.op === '<') return value < goal.value;
  if (goal.op === '<=') return value <= goal.value;
  return value >= goal.value;
}

/** Met in both conditions; null for a sub-measure. */
export function figureMet(figure: Figure): boolean | null {
  return figure.goal === null ? null : meets(figure.goal, figure.idle.value) && meets(figure.goal, figure.loaded.value);
}

/**
 * Runs `measure` idle, then again beside two CPU-bound loops, and answers both results with the
 * load average at the end of each (the load the figure was taken under).
 */
export async function inBothConditions<T>(measure: (condition: 'idle' | 'loaded') => Promise<T>): Promise<{ idle: T; loaded: T; load: { idle: number; loaded: number } }> {
  const idle = await measure('idle');
  const idleLoad = os.loadavg()[0]!;
  const { loaded, loadedLoad } = await withCpuLoad(async () => ({ loaded: await measure('loaded'), loadedLoad: os.loadavg()[0]! }));
  return { idle, loaded, load: { idle: idleLoad, loaded: loadedLoad } };
}

/** A figure from the two conditions' values, as `inBothConditions` answered them. */
export function figureOf(
  figure: string,
  unit: string,
  goal: Goal | null,
  values: { idle: number; loaded: number },
  load: { idle: number; loaded: number },
): Figure {
  return { figure, unit, goal, idle: { value: values.idle, load: load.idle }, loaded: { value: values.loaded, load: load.loaded } };
}

/**
 * A goal's figure that could not be taken here (no Chromium, nothing built): reported as not
 * measured, which misses its goal, so a skipped part never passes for a met one.
 */
export function notMeasured(figure: string, unit: string, goal: Goal, why: string): Figure {
  const reading = { value: Number.NaN, load: os.loadavg()[0]! };
  return { figure: `${figure} (not measured: ${why})`, unit, goal, idle: reading, loaded: reading };
}

export function formatValue(value: number, unit: string): string {
  if (typeof value !== 'number' || !Number.isFinite(value)) return 'not measured';
  if (unit === 'ms') return `${value.toFixed(value < 100 ? 1 : 0)} ms`;
  if (unit === 'MB') return `${value.toFixed(0)} MB`;
  return `${value.toFixed(2)}${unit === '' ? '' : ` ${unit}`}`;
}

export function formatGoal(goal: Goal | null, unit: string): string {
  return goal === null ? 'sub-measure' : `${goal.op === '<=' ? '≤' : goal.op === '>=' ? '≥' : '<'} ${formatValue(goal.value, unit)}`;
}

/**
 * Prints the benchmark's figures (each idle and under load, with the load average and the goal),
 * hands them to the bench runner when it asked for them, and sets a non-zero exit code when a
 * goal is missed in either condition. Answers whether every goal was met.
 */
export function reportFigures(benchmark: string, figures: readonly Figure[]): boolean {
  console.log('');
  for (const figure of figures) {
    const met = figureMet(figure);
    const verdict = met === null ? '(sub-measure, no goal)' : `goal ${formatGoal(figure.goal, figure.unit)} ${met ? 'met' : 'MISSED'}`;
    console.log(
      `${figure.figure}: idle ${formatValue(figure.idle.value, figure.unit)} (load ${figure.idle.load.toFixed(1)}), ` +
        `beside two CPU-bound loops ${formatValue(figure.loaded.value, figure.unit)} (load ${figure.loaded.load.toFixed(1)}); ${verdict}`,
    );
  }
  const results = process.env[RESULTS_ENV];
  if (results) appendFileSync(results, figures.map((figure) => `${JSON.stringify({ benchmark, ...figure })}\n`).join(''));
  const ok = figures.every((figure) => figureMet(figure) !== false);
  if (!ok) process.exitCode = 1;
  return ok;
}
