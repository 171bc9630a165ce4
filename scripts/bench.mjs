// Runs every benchmark in bench/ (files named *.bench.ts) one after another, each in its own
// Node process with tsx. Each benchmark takes its figures idle and beside two CPU-bound loops it
// starts and stops itself, and hands them here (bench/support/report.ts); at the end this prints
// one table: benchmark, figure, goal, idle, loaded, met. The runner exits non-zero when a goal
// is missed in either condition or a benchmark fails. A sub-measure is printed as one and never
// carries a goal. `npm run bench -- zones` runs only the benchmarks whose file name contains "zones";
// what follows the filter goes to each benchmark (`npm run bench -- requests --runs 3`).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { tsImport } from 'tsx/esm/api';

const root = path.resolve(fileURLToPath(new URL('..', import.meta.url)));
const { RESULTS_ENV, figureMet, formatGoal, formatValue } = await tsImport('../bench/support/report.ts', import.meta.url);
const filter = process.argv[2] ?? '';
const benchArgs = process.argv.slice(3);
const benches = readdirSync(path.join(root, 'bench'))
  .filter((file) => file.endsWith('.bench.ts') && file.includes(filter))
  .sort();
if (benches.length === 0) {
  console.error(`No benchmark in bench/ matches "${filter}".`);
  process.exit(1);
}

const scratch = mkdtempSync(path.join(os.tmpdir(), 'lanes-bench-results-'));
const rows = [];
let failed = false;
try {
  for (const file of benches) {
    console.log(`\n== ${file}`);
    const results = path.join(scratch, `${file}.jsonl`);
    const run = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'bench', file), ...benchArgs], {
      stdio: 'inherit',
      cwd: root,
      env: { ...process.env, [RESULTS_ENV]: results },
    });
    const figures = existsSync(results)
      ? readFileSync(results, 'utf8')
          .split('\n')
          .filter((line) => line !== '')
          .map((line) => JSON.parse(line))
      : [];
    const name = file.replace(/\.bench\.ts$/, '');
    for (const figure of figures) {
      const met = figureMet(figure);
      if (met === false) failed = true;
      rows.push([
        name,
        figure.figure,
        formatGoal(figure.goal, figure.unit),
        `${formatValue(figure.idle.value, figure.unit)} (load ${figure.idle.load.toFixed(1)})`,
        `${formatValue(figure.loaded.value, figure.unit)} (load ${figure.loaded.load.toFixed(1)})`,
        met === null ? '—' : met ? 'yes' : 'NO',
      ]);
    }
    if (run.status !== 0) {
      failed = true;
      if (figures.every((figure) => figureMet(figure) !== false)) {
        const why = run.signal ? `killed by ${run.signal}` : `exited with ${run.status}`;
        rows.push([name, `the benchmark ${why} (see its output above)`, '', '', '', 'NO']);
      }
    } else if (figures.length === 0) {
      // Every benchmark reports its figures; one that reported none measured nothing.
      failed = true;
      rows.push([name, 'reported no figure (see its output above)', '', '', '', 'NO']);
    }
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

const header = ['benchmark', 'figure', 'goal', 'idle', 'beside two CPU-bound loops', 'met?'];
const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column].length)));
const line = (cells) => `| ${cells.map((cell, column) => cell.padEnd(widths[column])).join(' | ')} |`;
console.log(`\nSummary (${os.cpus().length} cores; load is the one-minute load average when the figure was taken)`);
console.log(line(header));
console.log(line(widths.map((width) => '-'.repeat(width))));
for (const row of rows) console.log(line(row));
if (failed) {
  console.log('\nA goal was missed in at least one condition, or a benchmark failed.');
  process.exit(1);
}
