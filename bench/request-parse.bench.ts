/**
 * Parsing one huge request file (a million table rows, about 10 MB), which the board must show
 * without stalling: `parseRequestFile` from the bytes to the card. Idle and beside two CPU-bound
 * loops. Goal: under 2 s (median), idle and under load.
 *
 *   npx tsx bench/request-parse.bench.ts [--rows 1000000] [--runs 5]
 */
import { performance } from 'node:perf_hooks';
import { parseRequestFile } from '../main/requests/parse';
import { median, numberOption as option } from './support/cpu-load';
import { figureOf, inBothConditions, reportFigures } from './support/report';

const ROWS = option('rows', 1_000_000);
const RUNS = option('runs', 5);
const GOAL_MS = 2_000;

const huge = Buffer.from(`# Huge (A → B)\n${'| a | b |\n'.repeat(ROWS)}`, 'utf8');

async function timeParses(): Promise<number> {
  const times: number[] = [];
  for (let run = 0; run < RUNS; run += 1) {
    const started = performance.now();
    const request = parseRequestFile(huge, '20260413_huge.md', false);
    times.push(performance.now() - started);
    if (request.title !== 'Huge') throw new Error(`The huge file parsed with the title "${request.title}", not "Huge".`);
  }
  return median(times);
}

const { idle, loaded, load } = await inBothConditions(timeParses);
reportFigures('request-parse', [figureOf(`parse a ${(huge.length / 1e6).toFixed(1)} MB request file (median)`, 'ms', { op: '<', value: GOAL_MS }, { idle, loaded }, load)]);
