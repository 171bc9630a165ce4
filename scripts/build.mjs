// Builds Lanes: main (Electron entry), preload, the command line and its commands with esbuild,
// and the renderer with Vite. Output goes to dist/.
import { build as esbuild } from 'esbuild';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build as viteBuild } from 'vite';

const root = path.resolve(fileURLToPath(new URL('..', import.meta.url)));
const at = (...parts) => path.join(root, ...parts);
const only = process.argv.includes('--no-renderer') ? 'node' : 'all';

rmSync(at('dist/main'), { recursive: true, force: true });
rmSync(at('dist/preload'), { recursive: true, force: true });
rmSync(at('dist/cli'), { recursive: true, force: true });
rmSync(at('dist/host'), { recursive: true, force: true });

const node = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: 'linked',
  logLevel: 'warning',
  // Dependencies stay in node_modules (electron-builder packs them; node-pty is native).
  packages: 'external',
};

const commands = (existsSync(at('main/cli/commands')) ? readdirSync(at('main/cli/commands')) : [])
  .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts'))
  .map((file) => path.basename(file, '.ts'));

await Promise.all([
  esbuild({ ...node, entryPoints: [at('main/electron/main.ts')], outfile: at('dist/main/electron.cjs') }),
  esbuild({ ...node, entryPoints: [at('main/cli/lanes.ts')], outfile: at('dist/cli/lanes.cjs') }),
  // The pty host runs under plain Node (Electron's binary as Node in the app) and outlives Lanes.
  esbuild({ ...node, entryPoints: [at('main/instances/host/main.ts')], outfile: at('dist/host/host.cjs') }),
  // Its screens' thread (main/instances/host/screen-thread.ts), a worker it starts from its own
  // folder: self-contained, as in the packaged app it runs from app.asar.unpacked, where
  // node_modules (inside app.asar) is out of its reach.
  esbuild({ ...node, packages: undefined, entryPoints: [at('main/instances/host/screen-worker.ts')], outfile: at('dist/host/screen-worker.cjs') }),
  // Commands that hooks run (guard on every agent edit) are self-contained files: they start
  // fast and work from app.asar.unpacked in the packaged app, where node_modules is out of reach.
  ...commands.map((name) =>
    esbuild({ ...node, packages: undefined, external: ['electron', 'node-pty', '@parcel/watcher'], entryPoints: [at('main/cli/commands', `${name}.ts`)], outfile: at('dist/cli', `${name}.cjs`) }),
  ),
  // A sandboxed preload may require only `electron`: bundle everything else into it.
  esbuild({ ...node, packages: undefined, external: ['electron'], entryPoints: [at('preload/index.ts')], outfile: at('dist/preload/index.cjs') }),
]);

if (only === 'all') await viteBuild({ configFile: at('renderer/vite.config.ts'), logLevel: 'warn' });
console.log(`Built main, preload, the pty host, ${commands.length + 1} command-line entries${only === 'all' ? ' and the renderer' : ''} into dist/.`);
