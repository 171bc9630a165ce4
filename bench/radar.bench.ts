/**
 * Conflict radar refresh time: a full scan (every branch against its base, every pair of
 * branches, and the files each changed) of 8 instance branches of 50 commits each over a
 * repository of 20,000 files, whose main branch moved on 20 commits since they left it. Some
 * branches change the same files, so the scan finds real conflicts.
 * Goal: a full refresh under 2 s (median of the timed runs), idle and beside two CPU-bound loops.
 *
 *   npx tsx bench/radar.bench.ts [--files 20000] [--branches 8] [--commits 50] [--runs 5]
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { scanRadar, type LaneSource } from '../main/radar/scan';
import { median, numberOption as option } from './support/cpu-load';
import { figureOf, inBothConditions, reportFigures } from './support/report';

const FILES = option('files', 20_000);
const BRANCHES = option('branches', 8);
const COMMITS = option('commits', 50);
const RUNS = option('runs', 5);
const GOAL_MS = 2000;

const fileName = (index: number) => `src/module-${index % 100}/part-${index % 7}/file-${index}.ts`;

/**
 * The whole history as one `git fast-import` stream: writing 20,000 files and 420 commits through
 * the porcelain would take minutes, which says nothing about the radar.
 */
function historyStream(): string {
  const parts: string[] = [];
  const data = (text: string) => `data ${Buffer.byteLength(text)}\n${text}\n`;
  let time = 1_700_000_000;
  const commit = (ref: string, message: string, from: string | null, changes: Record<string, string>) => {
    time += 60;
    parts.push(`commit ${ref}\ncommitter Lanes Bench <bench@lanes.invalid> ${time} +0000\n${data(message)}`);
    if (from) parts.push(`from ${from}\n`);
    for (const [file, content] of Object.entries(changes)) parts.push(`M 100644 inline ${file}\n${data(content)}`);
  };
  const initial: Record<string, string> = {};
  for (let index = 0; index < FILES; index += 1) initial[fileName(index)] = `export const value${index} = ${index};\n// ${'x'.repeat(index % 200)}\n`;
  commit('refs/heads/main', 'twenty thousand files', null, initial);
  parts.push('reset refs/tags/start\nfrom refs/heads/main\n\n');
  for (let branch = 0; branch < BRANCHES; branch += 1) {
    for (let step = 0; step < COMMITS; step += 1) {
      // Each branch works in its own files, and every third commit also edits one of a few files
      // that neighbouring branches edit too: those pairs conflict.
      const changes: Record<string, string> = { [fileName(branch * 1000 + 100 + step)]: `export const value = 'branch ${branch} step ${step}';\n` };
      if (step % 3 === 0) changes[fileName(Math.floor(branch / 2))] = `export const shared = 'branch ${branch} step ${step}';\n`;
      commit(`refs/heads/lanes/b${branch}`, `branch ${branch} step ${step}`, step === 0 ? 'refs/tags/start' : null, changes);
    }
  }
  for (let step = 0; step < 20; step += 1) commit('refs/heads/main', `main step ${step}`, null, { [fileName(19_000 + step)]: `export const main = ${step};\n` });
  parts.push('done\n');
  return parts.join('');
}

function makeRepository(parent: string): string {
  const root = path.join(parent, 'repo');
  mkdirSync(root);
  execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: root });
  execFileSync('git', ['fast-import', '--quiet', '--done'], { cwd: root, input: historyStream(), maxBuffer: 1 << 28 });
  return root;
}

/**
 * CPU seconds used so far by the git processes this one started and waited for (Linux's
 * `cutime` + `cstime` of /proc/self/stat, in clock ticks of 1/100 s): what a scan costs the
 * machine whatever else runs on it, where the wall time depends on the load.
 */
function childCpuMs(): number {
  const fields = readFileSync('/proc/self/stat', 'utf8').replace(/^.*\) /s, '').split(' ');
  return (Number(fields[13]) + Number(fields[14])) * 10;
}

async function measure(root: string, sources: readonly LaneSource[], condition: string): Promise<{ wall: number; cpu: number }> {
  const times: number[] = [];
  const cpu: number[] = [];
  // One untimed scan warms the disk cache and git's own files.
  await scanRadar(root, sources);
  for (let run = 0; run < RUNS; run += 1) {
    const start = performance.now();
    const cpuBefore = childCpuMs();
    const report = await scanRadar(root, sources);
    times.push(performance.now() - start);
    cpu.push(childCpuMs() - cpuBefore);
    const conflicts = report.cells.filter((cell) => cell.outcome === 'conflict').length;
    console.log(`${condition} run ${run + 1}/${RUNS}: ${times.at(-1)!.toFixed(0)} ms (git used ${cpu.at(-1)} ms of CPU), ${report.cells.length} merges, ${conflicts} conflicting, ${report.overlaps.length} files changed by more than one branch`);
  }
  return { wall: median(times), cpu: median(cpu) };
}

async function main(): Promise<void> {
  const parent = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'lanes-bench-radar-')));
  try {
    console.log(`Making a repository of ${FILES} files with ${BRANCHES} branches of ${COMMITS} commits…`);
    const root = makeRepository(parent);
    const sources = Array.from({ length: BRANCHES }, (_, branch) => ({ instance: `b${branch}`, branch: `lanes/b${branch}`, base: 'main' }));
    const both = await inBothConditions((condition) => measure(root, sources, condition));
    const of = (pick: (figures: { wall: number; cpu: number }) => number) => ({ idle: pick(both.idle), loaded: pick(both.loaded) });
    reportFigures('radar', [
      figureOf(`Full radar refresh, ${BRANCHES} branches × ${COMMITS} commits over ${FILES} files (median)`, 'ms', { op: '<', value: GOAL_MS }, of((figures) => figures.wall), both.load),
      figureOf('CPU time of its git processes (median)', 'ms', null, of((figures) => figures.cpu), both.load),
    ]);
  } finally {
    rmSync(parent, { recursive: true, force: true });
  }
}

void main();
