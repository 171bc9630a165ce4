// Checks Lanes' layers with dependency-cruiser and the rules in .dependency-cruiser.cjs. Fails on
// any import that breaks a rule, and on a known exception that no longer happens (so the list of
// exceptions only shrinks: remove it from .dependency-cruiser.cjs).
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(fileURLToPath(new URL('..', import.meta.url)));
const require = createRequire(import.meta.url);
const config = require(path.join(root, '.dependency-cruiser.cjs'));
const cli = path.join(root, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');

const run = spawnSync(process.execPath, [cli, '--config', '.dependency-cruiser.cjs', '--output-type', 'json', 'main', 'preload', 'renderer/src'], {
  cwd: root,
  encoding: 'utf8',
  maxBuffer: 256 * 1024 * 1024,
});
if (run.status !== 0 && !run.stdout.trim().startsWith('{')) {
  process.stderr.write(run.stderr);
  console.error('layers: dependency-cruiser did not run (see above).');
  process.exit(1);
}

const { summary } = JSON.parse(run.stdout);
const comments = new Map(config.forbidden.map((rule) => [rule.name, rule.comment]));
const key = ({ rule, from, to }) => `${rule}\t${from}\t${to}`;
const broken = summary.violations.filter((violation) => violation.rule.severity === 'error');
const tolerated = new Set(summary.violations.filter((violation) => violation.rule.severity === 'ignore').map((violation) => key({ ...violation, rule: violation.rule.name })));
const gone = config.options.knownViolations.filter((known) => !tolerated.has(key({ ...known, rule: known.rule.name })));

for (const violation of broken) {
  console.error(`layers: ${violation.from} → ${violation.to}${violation.cycle ? ' (a cycle)' : ''}\n  breaks ${violation.rule.name}: ${comments.get(violation.rule.name) ?? ''}`);
}
for (const known of gone) {
  console.error(`layers: the known exception ${known.from} → ${known.to} (${known.rule.name}) no longer happens. Remove it from .dependency-cruiser.cjs.`);
}
if (broken.length > 0 || gone.length > 0) process.exit(1);
console.log(
  `layers: ${summary.totalCruised} modules and ${summary.totalDependenciesCruised} imports keep the rules in .dependency-cruiser.cjs (${tolerated.size} known exceptions, listed there).`,
);
