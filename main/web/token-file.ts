import { promises as fs } from 'node:fs';
import { LanesError, errnoCode } from '../shared/errors';

/** A token is a line of text; anything longer than this is not a token file. */
const MAX_TOKEN_FILE_BYTES = 4096;

/**
 * Reads the web mode's token from a file only its owner can read, or from a pipe
 * (`--token-file <(pass show lanes)`), so the token never sits in the environment or on the
 * command line of the Lanes process, where every agent it starts (its descendants) could read
 * it: `/proc/<pid>/environ` and `/proc/<pid>/cmdline` on Linux. Surrounding white space and the
 * final line break are dropped.
 */
export async function readTokenFile(file: string, platform: NodeJS.Platform = process.platform): Promise<string> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(file, 'r');
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') throw new LanesError('not-found', `The token file \`${file}\` does not exist.`);
    if (['EACCES', 'EPERM'].includes(errnoCode(error) ?? '')) throw new LanesError('invalid-argument', `Lanes may not read the token file \`${file}\`; check its permissions.`);
    throw error;
  }
  try {
    const stat = await handle.stat();
    if (stat.isDirectory()) throw new LanesError('invalid-argument', `\`${file}\` is a folder, not a token file.`);
    // Windows has no such bits; there the file's folder (the user's profile) keeps it private.
    if (stat.isFile() && platform !== 'win32' && (stat.mode & 0o077) !== 0) {
      throw new LanesError(
        'invalid-argument',
        `The token file \`${file}\` can be read by other users (its mode is ${(stat.mode & 0o777).toString(8)}). Make it private with \`chmod 600 ${file}\`, then start again.`,
      );
    }
    const buffer = Buffer.alloc(MAX_TOKEN_FILE_BYTES + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length > MAX_TOKEN_FILE_BYTES) throw new LanesError('invalid-argument', `\`${file}\` is larger than ${MAX_TOKEN_FILE_BYTES} bytes, so it is not a token file: it should hold the token alone, on one line.`);
    }
    const token = buffer.subarray(0, length).toString('utf8').trim();
    if (token === '') throw new LanesError('invalid-argument', `The token file \`${file}\` is empty; write the token in it, on one line.`);
    if (/\s/.test(token)) throw new LanesError('invalid-argument', `The token file \`${file}\` holds more than one word; write the token alone, on one line.`);
    return token;
  } finally {
    await handle.close();
  }
}

/** Why `LANES_TOKEN` in the environment is refused, and what to use instead. */
export const TOKEN_IN_ENVIRONMENT =
  'LANES_TOKEN is set, but Lanes does not take the web token from its environment: every agent it starts could read it there ' +
  '(from /proc/<pid>/environ on Linux) and drive every terminal with it. Put the token in a file only you can read ' +
  '(`umask 077; printf %s "$LANES_TOKEN" > ~/.lanes-token`), unset LANES_TOKEN, and start again with `--token-file ~/.lanes-token`. ' +
  'Leave the option out to get a fresh random token.';
