import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

export const APP_ROOT = path.resolve(import.meta.dirname, '..', '..');

/** The Electron executable if one is installed; found without `require('electron')`, which would try to download it. */
export function findElectronBinary(): string | null {
  const dir = path.join(APP_ROOT, 'node_modules', 'electron');
  const pathFile = path.join(dir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const binary = path.join(dir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? binary : null;
}
