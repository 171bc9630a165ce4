// Runs every benchmark in bench/ (files named *.bench.ts) one after another, each in its own
// Node process with tsx. A benchmark that misses its goal exits non-zero; the others still run,
// and the runner exits non-zero at the end. `npm run bench -- zones` runs only
// the benchmarks whose file name contains "zones".
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(fileURLToPath(new URL('..', import.meta.url)));
const filter = process.argv[2] ?? '';
const benches = readdirSync(path.join(root, 'bench'))
  .filter((file) => file.endsWith('.bench.ts') && file.includes(filter))
  .sort();
if (benches.length === 0) {
  console.error(`No benchmark in bench/ matches "${filter}".`);
  process.exit(1);
}
const missed = [];
for (const file of benches) {
  console.log(`\n== ${file}`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'bench', file)], { stdio: 'inherit', cwd: root });
  if (result.status !== 0) missed.push(file);
}
if (missed.length > 0) {
  console.log(`\nMissed a goal or failed: ${missed.join(', ')}`);
  process.exit(1);
}
