// Packs the built app with electron-builder (`--dir`: the unpacked app folder, no installer) and
// the project's electron-builder.yml, with a stand-in for the Electron binary only, so the real
// package layout can be checked on machines that cannot download Electron (test/package/).
// Output: release/stand-in/<platform>-unpacked. The stand-in executable only says what it is.
//
// electron-builder's own dependencies (@electron/get, @electron/rebuild) want Node >= 22.12; on an
// older Node this script runs itself again under the npm package `node@22`, which npm fetches
// once into its cache.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(fileURLToPath(new URL('..', import.meta.url)));
const script = fileURLToPath(import.meta.url);
const output = path.join(root, 'release', 'stand-in');

function nodeIsRecentEnough() {
  const [major, minor] = process.versions.node.split('.').map(Number);
  return major > 22 || (major === 22 && minor >= 12);
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: 'inherit', cwd: root, ...options });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

/** Runs electron-builder, leaving out its list of duplicate dependency references (thousands of characters of noise in CI logs). */
function runQuietly(command, args) {
  const result = spawnSync(command, args, { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.error) throw result.error;
  const keep = (line) => !line.includes('duplicate dependency references');
  process.stdout.write(result.stdout.split('\n').filter(keep).join('\n'));
  process.stderr.write(result.stderr.split('\n').filter(keep).join('\n'));
  return result.status ?? 1;
}

if (!nodeIsRecentEnough()) {
  if (process.env.LANES_PACK_REEXEC) {
    console.error(`pack: still on Node ${process.versions.node} after switching to the npm package node@22; electron-builder needs Node 22.12 or newer.`);
    process.exit(1);
  }
  console.log(`pack: Node ${process.versions.node} is older than electron-builder needs (22.12); running under the npm package node@22.`);
  const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
  process.exit(run(npx, ['--yes', '--package', 'node@22', '--', 'node', script, ...process.argv.slice(2)], { env: { ...process.env, LANES_PACK_REEXEC: '1' }, shell: process.platform === 'win32' }));
}

for (const built of ['dist/main/electron.cjs', 'dist/preload/index.cjs', 'dist/renderer/index.html', 'dist/cli/guard.cjs']) {
  if (!existsSync(path.join(root, built))) {
    console.error(`pack: ${built} is missing. Run \`npm run build\` first.`);
    process.exit(1);
  }
}

// What electron-builder copies from an unpacked Electron for Linux: the `electron` executable
// (renamed to the app's) and the resources folder the app archive goes into.
const electronDist = mkdtempSync(path.join(os.tmpdir(), 'lanes-electron-stand-in-'));
mkdirSync(path.join(electronDist, 'resources'));
const executable = path.join(electronDist, 'electron');
writeFileSync(
  executable,
  '#!/bin/sh\necho "This is a stand-in for the Electron binary, used only to check the layout of Lanes\' package. Build Lanes with \\`npm run dist\\` to get an app that runs." >&2\nexit 1\n',
);
chmodSync(executable, 0o755);

rmSync(output, { recursive: true, force: true });
const arch = { x64: '--x64', arm64: '--arm64', arm: '--armv7l', ia32: '--ia32' }[process.arch] ?? '--x64';
const started = Date.now();
try {
  const status = runQuietly(process.execPath, [
    path.join(root, 'node_modules', 'electron-builder', 'cli.js'),
    '--dir',
    '--linux',
    arch,
    '--publish',
    'never',
    '--config',
    'electron-builder.yml',
    `-c.electronDist=${electronDist}`,
    `-c.directories.output=${output}`,
  ]);
  if (status !== 0) process.exit(status);
} finally {
  rmSync(electronDist, { recursive: true, force: true });
}
console.log(`pack: packed the Linux app layout into ${path.relative(root, output)} in ${((Date.now() - started) / 1000).toFixed(1)} s (Node ${process.versions.node}).`);
