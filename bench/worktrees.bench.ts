/**
 * Worktree creation time: Lanes' "New instance" (checks, branch, worktree with progress,
 * .worktreeinclude, lanes.yml) against plain `git worktree add -b`, on one repository of
 * 20,000 files, in the same run, alternating the two so the disk cache favours neither.
 * Goal: Lanes within 10% of plain git (median of the timed runs), idle and beside two CPU-bound loops.
 *
 *   npx tsx bench/worktrees.bench.ts [--files 20000] [--runs 5]
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { ConfigService } from '../main/workspace/config-service';
import { createInstance } from '../main/worktrees/create-instance';
import { median, numberOption as option } from './support/cpu-load';
import { figureOf, inBothConditions, reportFigures } from './support/report';

const FILES = option('files', 20_000);
const RUNS = option('runs', 5);
const GOAL = 1.1;

const env = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Lanes Bench',
  GIT_AUTHOR_EMAIL: 'bench@lanes.invalid',
  GIT_COMMITTER_NAME: 'Lanes Bench',
  GIT_COMMITTER_EMAIL: 'bench@lanes.invalid',
};
const git = (cwd: string, ...gitArgs: string[]) => execFileSync('git', gitArgs, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

function makeRepository(parent: string): string {
  const root = path.join(parent, 'repo');
  mkdirSync(root);
  git(root, 'init', '-q', '-b', 'main');
  for (let index = 0; index < FILES; index += 1) {
    const folder = path.join(root, 'src', `module-${index % 100}`, `part-${index % 7}`);
    if (index < 700) mkdirSync(folder, { recursive: true });
    writeFileSync(path.join(folder, `file-${index}.ts`), `export const value${index} = ${index};\n// ${'x'.repeat(index % 200)}\n`);
  }
  writeFileSync(path.join(root, 'lanes.yml'), '# bench workspace\ninstances: []\n');
  git(root, 'add', '-A');
  git(root, 'commit', '-q', '-m', 'twenty thousand files');
  return root;
}

async function timePlain(root: string, parent: string, run: string): Promise<number> {
  const start = performance.now();
  git(root, 'worktree', 'add', '-q', '-b', `plain/${run}`, path.join(parent, `plain-${run}`), 'main');
  return performance.now() - start;
}

async function timeLanes(root: string, lanesYml: ConfigService, run: string): Promise<number> {
  const quiet = { progress: () => {}, setupOutput: () => {}, runSetup: () => Promise.reject(new Error('no setup in the benchmark')), requireTrusted: async () => {} };
  const start = performance.now();
  await createInstance(root, lanesYml, { name: `lanes-${run}`, role: 'qa', agent: { preset: 'claude' }, base: 'main', worktree: { mode: 'default' } }, quiet);
  return performance.now() - start;
}

/** One condition: untimed warm-up rounds, then the timed runs, alternating the two. */
async function measure(root: string, parent: string, lanesYml: ConfigService, condition: string): Promise<{ plain: number; lanes: number }> {
  const plain: number[] = [];
  const lanes: number[] = [];
  // One untimed round of each warms the disk cache and git's own files.
  await timePlain(root, parent, `${condition}-warm`);
  await timeLanes(root, lanesYml, `${condition}-warm`);
  for (let run = 0; run < RUNS; run += 1) {
    const order = run % 2 === 0 ? (['plain', 'lanes'] as const) : (['lanes', 'plain'] as const);
    for (const which of order) {
      if (which === 'plain') plain.push(await timePlain(root, parent, `${condition}-${run}`));
      else lanes.push(await timeLanes(root, lanesYml, `${condition}-${run}`));
    }
    console.log(`${condition} run ${run + 1}/${RUNS}: git worktree add ${plain.at(-1)!.toFixed(0)} ms, Lanes ${lanes.at(-1)!.toFixed(0)} ms`);
  }
  return { plain: median(plain), lanes: median(lanes) };
}

async function main(): Promise<void> {
  const parent = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'lanes-bench-worktrees-')));
  try {
    console.log(`Making a repository of ${FILES} files…`);
    const root = makeRepository(parent);
    const lanesYml = await ConfigService.open(root);
    try {
      const both = await inBothConditions((condition) => measure(root, parent, lanesYml, condition));
      const of = (pick: (figures: { plain: number; lanes: number }) => number) => ({ idle: pick(both.idle), loaded: pick(both.loaded) });
      reportFigures('worktrees', [
        figureOf(`Lanes New instance ÷ git worktree add, ${FILES} files (medians)`, '×', { op: '<=', value: GOAL }, of((figures) => figures.lanes / figures.plain), both.load),
        figureOf('Lanes createInstance (median)', 'ms', null, of((figures) => figures.lanes), both.load),
        figureOf('git worktree add (median)', 'ms', null, of((figures) => figures.plain), both.load),
      ]);
    } finally {
      lanesYml.dispose();
    }
  } finally {
    rmSync(parent, { recursive: true, force: true });
  }
}

void main();
