import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeTempDir } from '../../test/support/repo';
import { readTokenFile } from './token-file';

function tokenFile(content: string, mode = 0o600): string {
  const file = path.join(makeTempDir(), 'token');
  writeFileSync(file, content);
  chmodSync(file, mode);
  return file;
}

describe('readTokenFile', () => {
  it('reads the token alone, without the line break an editor adds', async () => {
    expect(await readTokenFile(tokenFile('abcdefghijklmnopqrstuvwxyz0123456789\n'))).toBe('abcdefghijklmnopqrstuvwxyz0123456789');
    expect(await readTokenFile(tokenFile('  spaced-token-spaced-token\r\n'))).toBe('spaced-token-spaced-token');
  });

  it('refuses a file other users can read, naming the fix', async () => {
    const file = tokenFile('abcdefghijklmnopqrstuvwxyz0123456789\n', 0o644);
    await expect(readTokenFile(file, 'linux')).rejects.toMatchObject({ code: 'invalid-argument', message: `The token file \`${file}\` can be read by other users (its mode is 644). Make it private with \`chmod 600 ${file}\`, then start again.` });
    expect(await readTokenFile(file, 'win32')).toBe('abcdefghijklmnopqrstuvwxyz0123456789');
  });

  it('says clearly what is wrong with a missing, empty, oversized or folder path', async () => {
    const dir = makeTempDir();
    await expect(readTokenFile(path.join(dir, 'none'))).rejects.toMatchObject({ code: 'not-found', message: expect.stringContaining('does not exist') });
    await expect(readTokenFile(tokenFile('\n'))).rejects.toMatchObject({ message: expect.stringContaining('is empty') });
    await expect(readTokenFile(tokenFile('x'.repeat(5000)))).rejects.toMatchObject({ message: expect.stringContaining('is not a token file') });
    await expect(readTokenFile(tokenFile('two words-words-words-words\n'))).rejects.toMatchObject({ message: expect.stringContaining('more than one word') });
    mkdirSync(path.join(dir, 'folder'), { mode: 0o700 });
    await expect(readTokenFile(path.join(dir, 'folder'))).rejects.toMatchObject({ message: expect.stringContaining('is a folder') });
  });
});
