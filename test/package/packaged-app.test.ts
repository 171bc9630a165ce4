import { extractFile, listPackage, statFile } from '@electron/asar';
import { spawnSync } from 'node:child_process';
import { builtinModules } from 'node:module';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, realpathSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outsideArchive, ScreenThread } from '../../main/instances/host/screen-thread';
import { FIELD_REPORT_CONFIG } from '../support/field-report';
import { initRepo } from '../support/git-fixtures';

/**
 * The app folder electron-builder makes from electron-builder.yml, packed by
 * scripts/pack-stand-in.mjs with a stand-in for the Electron binary: what goes into app.asar,
 * what must stay on disk beside it, and whether the hook scripts run from there.
 */

const appDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const packed = path.join(appDir, 'release', 'stand-in');
let archive: string;
let unpacked: string;
let entries: Set<string>;

beforeAll(() => {
  const folder = existsSync(packed) ? readdirSync(packed).find((name) => name.endsWith('-unpacked')) : undefined;
  if (!folder) throw new Error(`No packed app in ${packed}. Run \`npm run build && node scripts/pack-stand-in.mjs\` first (\`npm run test:package\` does both checks).`);
  const resources = path.join(packed, folder, 'resources');
  archive = path.join(resources, 'app.asar');
  unpacked = path.join(resources, 'app.asar.unpacked');
  entries = new Set(listPackage(archive, { isPack: false }).map((entry) => entry.replace(/\\/g, '/').replace(/^\//, '')));
});

function readFromArchive(entry: string): string {
  return extractFile(archive, entry).toString('utf8');
}

/** Packages a bundle loads from node_modules at run time (everything it requires that Node does not provide). */
function externalPackages(bundle: string): string[] {
  const builtins = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));
  const names = [...bundle.matchAll(/require\("([^"./][^"]*)"\)/g)].map((match) => match[1]!).filter((name) => !builtins.has(name) && name !== 'electron');
  return [...new Set(names.map((name) => name.split('/').slice(0, name.startsWith('@') ? 2 : 1).join('/')))].sort();
}

describe("Lanes' package layout (electron-builder --dir, with a stand-in for the Electron binary)", () => {
  it('holds the built main, preload and renderer, and a package.json whose main is the built main', () => {
    const manifest = JSON.parse(readFromArchive('package.json')) as { name: string; main: string; version: string };
    expect(manifest).toMatchObject({ name: 'lanes', main: 'dist/main/electron.cjs' });
    for (const entry of [manifest.main, 'dist/preload/index.cjs', 'dist/renderer/index.html', 'bin/lanes.js', 'dist/cli/lanes.cjs']) {
      expect(entries.has(entry), entry).toBe(true);
    }
    const html = readFromArchive('dist/renderer/index.html');
    const assets = [...html.matchAll(/(?:src|href)="\.\/([^"]+)"/g)].map((match) => `dist/renderer/${match[1]}`);
    expect(assets.length).toBeGreaterThanOrEqual(2);
    for (const asset of assets) expect(entries.has(asset), asset).toBe(true);
  });

  it('leaves out sources, tests, source maps and build tools', () => {
    const strays = [...entries].filter(
      (entry) =>
        /^(main|renderer|preload|e2e|test|scripts|bench|resources|release)\//.test(entry) ||
        /^dist\/.*\.map$/.test(entry) ||
        /^node_modules\/(electron|electron-builder|typescript|vite|vitest|esbuild|@playwright|dependency-cruiser)\//.test(entry),
    );
    expect(strays).toEqual([]);
  });

  it('packs every package the main bundle, the command line and the pty host load at run time', () => {
    for (const bundle of ['dist/main/electron.cjs', 'dist/cli/lanes.cjs', 'dist/host/host.cjs']) {
      const packages = externalPackages(readFromArchive(bundle));
      for (const name of packages) expect(entries.has(`node_modules/${name}/package.json`), `${name}, which ${bundle} requires`).toBe(true);
    }
    // The terminals live in the pty host now: it, not the window's process, loads node-pty.
    expect(externalPackages(readFromArchive('dist/host/host.cjs'))).toContain('node-pty');
  });

  it("keeps node-pty's and @parcel/watcher's native files on disk, for every platform whose files are installed", () => {
    const packed = natives();
    expect(packed).toEqual(expect.arrayContaining(['node_modules/node-pty/build/Release/pty.node', expect.stringMatching(/^node_modules\/@parcel\/watcher-[^/]+\/watcher\.node$/)]));
    for (const native of packed) {
      const onDisk = path.join(unpacked, native);
      expect(existsSync(onDisk), `${native} in app.asar.unpacked`).toBe(true);
      expect(statSync(onDisk).size, native).toBe(statSync(path.join(appDir, native)).size);
      expect((statFile(archive, native) as { unpacked?: boolean }).unpacked, `${native} marked unpacked in app.asar`).toBe(true);
    }
  });

  it("keeps the pty host's screen thread on disk, self-contained, where a worker thread can load and run it", async () => {
    const file = 'dist/host/screen-worker.cjs';
    expect((statFile(archive, file) as { unpacked?: boolean }).unpacked, `${file} marked unpacked in app.asar`).toBe(true);
    // Run with plain Node from a folder with no node_modules above it, as the packages inside
    // app.asar are out of its reach (this checkout's node_modules is above release/).
    const alone = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'lanes-packaged-worker-')));
    copyFileSync(path.join(unpacked, file), path.join(alone, 'screen-worker.cjs'));
    const thread = new ScreenThread(path.join(alone, 'screen-worker.cjs'));
    try {
      const screen = thread.open(80, 24, {});
      screen.write('\u001b[32mpackaged\u001b[0m screen');
      expect(await screen.serialize()).toContain('packaged');
      expect(thread.inThisThread).toBe(false);
    } finally {
      await thread.close();
      rmSync(alone, { recursive: true, force: true });
    }
    const inArchive = path.join(path.sep, 'opt', 'Lanes', 'resources', 'app.asar', 'dist', 'host', 'screen-worker.cjs');
    expect(outsideArchive(inArchive)).toBe(path.join(path.sep, 'opt', 'Lanes', 'resources', 'app.asar.unpacked', 'dist', 'host', 'screen-worker.cjs'));
  });

  it("ships node-pty's spawn-helper executable, or macOS cannot start a single terminal", () => {
    // node-pty 1.1.0's npm tarball has its macOS prebuilds' spawn-helper without the execute bit
    // (microsoft/node-pty#850); spawning then fails with "posix_spawnp failed".
    const helpers = natives().filter((file) => path.basename(file) === 'spawn-helper');
    expect(helpers.length).toBeGreaterThanOrEqual(1);
    for (const helper of helpers) expect((statSync(path.join(unpacked, helper)).mode & 0o111).toString(8), helper).toBe('111');
  });

  describe("the guard hook's script, run from app.asar.unpacked with plain Node", () => {
    let workspace: string;
    beforeAll(() => {
      workspace = initRepo(realpathSync(mkdtempSync(path.join(os.tmpdir(), 'lanes-packaged-guard-'))), {
        'lanes.yml': FIELD_REPORT_CONFIG,
        'lib/main.dart': 'void main() {}\n',
        'docs/a.md': '# a\n',
      });
    });
    afterAll(() => rmSync(workspace, { recursive: true, force: true }));

    const guard = () => path.join(unpacked, 'dist', 'cli', 'guard.cjs');
    const preToolUse = (file: string) =>
      JSON.stringify({ session_id: 's1', cwd: workspace, hook_event_name: 'PreToolUse', tool_name: 'Write', tool_input: { file_path: path.join(workspace, file), content: 'x' } });
    const runGuard = (input: string) =>
      spawnSync(process.execPath, [guard(), '--workspace', workspace, '--instance', 'VSCode', '--worktree', workspace], { input, encoding: 'utf8', timeout: 15_000 });

    it('is there, unpacked, with the check script the pre-commit hook runs', () => {
      for (const script of ['guard', 'check']) {
        expect(existsSync(path.join(unpacked, 'dist', 'cli', `${script}.cjs`)), script).toBe(true);
        expect((statFile(archive, `dist/cli/${script}.cjs`) as { unpacked?: boolean }).unpacked, script).toBe(true);
      }
    });

    it("lets an edit inside the instance's zone through and blocks one outside, saying whose it is", () => {
      const inside = runGuard(preToolUse('lib/main.dart'));
      expect(inside.stderr).toBe('');
      expect(inside.status).toBe(0);
      const outside = runGuard(preToolUse('docs/a.md'));
      expect(outside.status).toBe(2);
      expect(outside.stderr).toContain('`docs/a.md` belongs to instance Windows, not to you (VSCode)');
    });

    it('blocks, and says why, when the hook input is not what Claude Code sends', () => {
      const garbled = runGuard('this is not JSON');
      expect(garbled.status).toBe(2);
      expect(garbled.stderr.trim()).not.toBe('');
    });

    it('the check script loads and answers --help', () => {
      const help = spawnSync(process.execPath, [path.join(unpacked, 'dist', 'cli', 'check.cjs'), '--help'], { encoding: 'utf8', timeout: 15_000 });
      expect(help.stderr).toBe('');
      expect(help.status).toBe(0);
      expect(help.stdout).toContain('lanes check');
    });
  });
});

/**
 * The machine code of node-pty and @parcel/watcher (every platform's package that is installed)
 * that this package should carry, relative to the app folder. electron-builder leaves .dll and
 * .exe files out of packages for other systems than Windows (app-builder-lib's
 * getNodeModuleExcludedExts); a Windows build keeps them.
 */
function natives(): string[] {
  const watchers = readdirSync(path.join(appDir, 'node_modules', '@parcel')).filter((name) => name.startsWith('watcher'));
  return ['node-pty', ...watchers.map((name) => `@parcel/${name}`)]
    .flatMap((name) => machineCode(path.join(appDir, 'node_modules', name)).map((file) => `node_modules/${name}/${file}`))
    .filter((file) => !/\.(dll|exe)$/.test(file));
}

/** Files under a package that are machine code: .node addons, .dll and .exe files, and node-pty's spawn-helper. */
function machineCode(packageDir: string, relative = ''): string[] {
  return readdirSync(path.join(packageDir, relative), { withFileTypes: true }).flatMap((entry) => {
    const file = path.posix.join(relative, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : machineCode(packageDir, file);
    return /\.(node|dll|exe)$/.test(entry.name) || entry.name === 'spawn-helper' ? [file] : [];
  });
}
