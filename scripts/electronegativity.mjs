// Runs Doyensec's electronegativity over the Electron-facing code (main/electron, preload,
// renderer/index.html) and fails on any HIGH finding. Lower findings are listed for review.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(fileURLToPath(new URL('..', import.meta.url)));
const require = createRequire(import.meta.url);
const electronVersion = require('electron/package.json').version;
const cli = path.join(path.dirname(require.resolve('@doyensec/electronegativity/package.json')), 'dist', 'index.js');

const work = mkdtempSync(path.join(os.tmpdir(), 'lanes-electronegativity-'));
try {
  cpSync(path.join(root, 'main/electron'), path.join(work, 'main/electron'), { recursive: true });
  cpSync(path.join(root, 'preload'), path.join(work, 'preload'), { recursive: true });
  cpSync(path.join(root, 'renderer/index.html'), path.join(work, 'renderer/index.html'));
  const report = path.join(work, 'report.csv');
  const run = spawnSync(process.execPath, [cli, '-i', work, '-e', electronVersion, '-r', '-v', 'false', '-o', report], { encoding: 'utf8' });
  let csv;
  try {
    csv = readFileSync(report, 'utf8');
  } catch {
    console.error(`electronegativity produced no report:\n${run.stdout}\n${run.stderr}`);
    process.exit(1);
  }
  const findings = parseCsv(csv)
    .slice(1)
    .map(([check, severity, confidence, file, location]) => ({ check, severity, confidence, file, location }))
    .filter((finding) => finding.check);
  const high = findings.filter((finding) => ['HIGH', 'CRITICAL'].includes(finding.severity));
  for (const finding of findings) {
    console.log(`electronegativity: ${finding.severity.padEnd(6)} ${finding.check} ${finding.file}:${finding.location} (${finding.confidence})`);
  }
  if (high.length > 0) {
    console.error(`electronegativity: ${high.length} high finding(s); fix them before merging.`);
    process.exit(1);
  }
  console.log(`electronegativity: 0 high findings (${findings.length} lower ones listed above for review), Electron ${electronVersion}.`);
} finally {
  rmSync(work, { recursive: true, force: true });
}

/** RFC 4180 rows: quoted cells may hold commas, newlines and doubled quotes. */
function parseCsv(text) {
  const rows = [[]];
  let cell = '';
  let quoted = false;
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index];
    if (quoted) {
      if (char === '"' && text[index + 1] === '"') {
        cell += '"';
        index += 1;
      } else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      rows.at(-1).push(cell.trim());
      cell = '';
    } else if (char === '\n') {
      rows.at(-1).push(cell.trim());
      rows.push([]);
      cell = '';
    } else cell += char;
  }
  rows.at(-1).push(cell.trim());
  return rows.filter((row) => row.some((value) => value !== ''));
}
