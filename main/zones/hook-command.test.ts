import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { lanesScriptPath, shellQuote, unpackedFolder } from './hook-command';

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

describe('shellQuote', () => {
  it('gives sh back every word as it was, whatever it holds', () => {
    const words = ['/opt/Lanes 2/guard.cjs', "it's", '$HOME', '`id`', 'a\\b', '--x=1:2', 'Windows#67', '*.ts', 'ログ', ''];
    const printed = execFileSync('sh', ['-c', `printf '%s\\n' ${words.map(shellQuote).join(' ')}`], { encoding: 'utf8' });
    expect(printed.split('\n').slice(0, -1)).toEqual(words);
  });
});
