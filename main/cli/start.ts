import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { appRoot } from '../shared/app-root';
import { runServe } from './serve';

/**
 * `lanes start`: the desktop app when Electron can run here, otherwise the web mode, saying in
 * one line why.
 */
export async function runStart(argv: string[]): Promise<number> {
  const why = await electronUnavailable();
  if (why) {
    console.log(`${why}; starting the web mode instead.`);
    return runServe(argv);
  }
  const binary = electronBinary()!;
  const child = spawn(binary, [appRoot(), ...argv], { stdio: 'inherit', env: { ...process.env, ELECTRON_RUN_AS_NODE: undefined } });
  return new Promise((resolve) => child.on('exit', (code) => resolve(code ?? 1)));
}

async function electronUnavailable(): Promise<string | null> {
  if (process.env.LANES_NO_ELECTRON === '1') return 'LANES_NO_ELECTRON=1 is set';
  if (!electronPackageDir()) return 'The electron package is not installed';
  if (!electronBinary()) {
    const failure = downloadElectron();
    if (!electronBinary()) return `Electron's binary is not installed and could not be downloaded (${failure})`;
  }
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    return 'No display is available (DISPLAY and WAYLAND_DISPLAY are not set)';
  }
  return null;
}

function electronPackageDir(): string | null {
  try {
    return path.dirname(createRequire(path.join(appRoot(), 'package.json')).resolve('electron/package.json'));
  } catch {
    return null;
  }
}

/** The Electron executable, found without `require('electron')`, which would start a download. */
export function electronBinary(): string | null {
  const dir = electronPackageDir();
  if (!dir) return null;
  const pathFile = path.join(dir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const binary = path.join(dir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? binary : null;
}

/** On a user's machine this fetches Electron as `npm install` used to; here it fails fast. */
function downloadElectron(): string {
  const dir = electronPackageDir()!;
  const result = spawnSync(process.execPath, [path.join(dir, 'install.js')], { encoding: 'utf8', timeout: 300_000 });
  if (result.status === 0) return 'ok';
  const lines = `${result.stderr ?? ''}${result.stdout ?? ''}`.split('\n').map((line) => line.trim());
  return lines.find((line) => /error|ENOTFOUND|EAI_AGAIN|ECONNREFUSED|getaddrinfo/i.test(line))?.slice(0, 160) ?? `exit code ${result.status}`;
}
