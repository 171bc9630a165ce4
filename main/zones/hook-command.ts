import path from 'node:path';
import { quote } from 'shell-quote';
import { appRoot } from '../shared/app-root';

/**
 * The shell command that runs one of Lanes' command-line scripts (`guard`, `check`) from a
 * hook. From a source checkout it is Node running `dist/cli/<script>.cjs`; inside the packaged
 * app it is Electron's own binary in Node mode (`ELECTRON_RUN_AS_NODE=1`), which can read the
 * script from the app archive. Both run with absolute paths, so the hook works from any folder.
 */
export function lanesScriptCommand(script: LanesScript, args: readonly string[], scriptsDir?: string): string {
  const file = lanesScriptPath(script, scriptsDir);
  const runner = process.versions.electron ? `ELECTRON_RUN_AS_NODE=1 ${shellQuote(process.execPath)}` : shellQuote(process.execPath);
  return [runner, shellQuote(file), ...args.map(shellQuote)].join(' ');
}

/** Quotes one argument for a POSIX shell (Claude Code and git run hooks through sh or Git Bash). */
export function shellQuote(value: string): string {
  return quote([value]);
}

export type LanesScript = 'guard' | 'check';

/** `scriptsDir` replaces the built `dist/cli` folder (tests bundle the scripts themselves). */
export function lanesScriptPath(script: LanesScript, scriptsDir?: string): string {
  return path.join(unpackedFolder(scriptsDir ?? path.join(appRoot(), 'dist', 'cli')), `${script}.cjs`);
}

/**
 * The packaged app's scripts as files on disk: `sh` (the pre-commit hook's existence check)
 * cannot see into `app.asar`, so hooks name the copy electron-builder unpacks beside it.
 */
export function unpackedFolder(folder: string): string {
  return folder.replace(/([\\/])app\.asar(?=[\\/]|$)/, '$1app.asar.unpacked');
}
