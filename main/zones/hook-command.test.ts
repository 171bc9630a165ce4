import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { lanesScriptPath, unpackedFolder } from './hook-command';

describe('lanesScriptPath', () => {
  it('names the unpacked copy of a packaged app’s scripts, which sh can see', () => {
    const packaged = path.join('/opt', 'Lanes', 'resources', 'app.asar', 'dist', 'cli');
    expect(lanesScriptPath('guard', packaged)).toBe(path.join('/opt', 'Lanes', 'resources', 'app.asar.unpacked', 'dist', 'cli', 'guard.cjs'));
    expect(unpackedFolder('C:\\Lanes\\resources\\app.asar\\dist\\cli')).toBe('C:\\Lanes\\resources\\app.asar.unpacked\\dist\\cli');
  });

  it('leaves a source checkout and look-alike names alone', () => {
    expect(lanesScriptPath('check', '/home/me/lanes/dist/cli')).toBe('/home/me/lanes/dist/cli/check.cjs');
    expect(unpackedFolder('/srv/app.asarx/dist/cli')).toBe('/srv/app.asarx/dist/cli');
    expect(unpackedFolder('/srv/app.asar.unpacked/dist/cli')).toBe('/srv/app.asar.unpacked/dist/cli');
  });
});
