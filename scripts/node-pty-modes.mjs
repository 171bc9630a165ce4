// Runs after `npm install`. node-pty 1.1.0's npm tarball has the spawn-helper of its macOS
// prebuilds without the execute bit (microsoft/node-pty#850), so on macOS every terminal fails
// to start with "posix_spawnp failed", from a checkout and in the packaged app, which copies
// the file's mode. This gives the helper its execute bit back.
import { chmodSync, existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const nodePty = path.join(fileURLToPath(new URL('..', import.meta.url)), 'node_modules', 'node-pty');
const prebuilds = path.join(nodePty, 'prebuilds');
const helpers = [
  path.join(nodePty, 'build', 'Release', 'spawn-helper'),
  ...(existsSync(prebuilds) ? readdirSync(prebuilds).map((platform) => path.join(prebuilds, platform, 'spawn-helper')) : []),
].filter((file) => existsSync(file));

for (const helper of helpers) {
  const mode = statSync(helper).mode;
  if ((mode & 0o111) !== 0o111) chmodSync(helper, mode | 0o755);
}
