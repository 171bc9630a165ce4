import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The folder holding Lanes' own package.json (a source checkout or the unpacked app). Bundled
 * code finds it from its own file; code run as ES modules (tsx, benchmarks) has no `__dirname`
 * and starts from the script that was run, then from the working directory.
 */
export function appRoot(): string {
  const starts = [typeof __dirname === 'string' ? __dirname : null, process.argv[1] ? path.dirname(path.resolve(process.argv[1])) : null, process.cwd()];
  for (const start of starts) {
    const found = start ? findLanesPackage(start) : null;
    if (found) return found;
  }
  throw new Error('Lanes could not find its own package.json; reinstall Lanes.');
}

function findLanesPackage(start: string): string | null {
  let dir = path.resolve(start);
  for (let depth = 0; depth < 8; depth += 1) {
    const file = path.join(dir, 'package.json');
    if (existsSync(file) && readName(file) === 'lanes') return dir;
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return null;
}

function readName(file: string): string | null {
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as { name?: string }).name ?? null;
  } catch {
    return null;
  }
}

export function appVersion(): string {
  try {
    return (JSON.parse(readFileSync(path.join(appRoot(), 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}
