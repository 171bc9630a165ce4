import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Where one user's pty host listens and keeps its secret, pid and log. */
export interface HostPaths {
  /** The host's private folder (0700), under Lanes' user-data folder. */
  readonly folder: string;
  /** The Unix socket (in a 0700 folder) or, on Windows, the named pipe. */
  readonly socket: string;
  /** The 256-bit secret every connection presents (0600). */
  readonly secret: string;
  /** The running host's pid, start time and protocol version, for `lanes host status`. */
  readonly info: string;
  readonly log: string;
}

/** Unix socket paths are limited to 104 (macOS) or 108 (Linux) bytes. */
const SOCKET_PATH_LIMIT = 100;

export function hostPaths(userDataDir: string): HostPaths {
  const folder = path.join(path.resolve(userDataDir), 'host');
  const digest = createHash('sha256').update(folder).digest('hex').slice(0, 16);
  let socket = path.join(folder, 'host.sock');
  if (process.platform === 'win32') socket = `\\\\.\\pipe\\lanes-host-${digest}`;
  else if (Buffer.byteLength(socket) > SOCKET_PATH_LIMIT) socket = path.join(os.tmpdir(), `lanes-host-${process.getuid?.() ?? 0}-${digest}`, 'host.sock');
  return { folder, socket, secret: path.join(folder, 'secret'), info: path.join(folder, 'host.json'), log: path.join(folder, 'host.log') };
}

/**
 * Makes the folder private to this user (0700), refusing one another user owns: whoever can
 * write there could put their own socket in the host's place.
 */
export async function ensurePrivateFolder(folder: string): Promise<void> {
  await fs.mkdir(folder, { recursive: true, mode: 0o700 });
  if (process.platform === 'win32') return;
  const stat = await fs.stat(folder);
  if (stat.uid !== process.getuid!()) {
    throw new Error(`The folder ${folder} belongs to another user, so Lanes will not run its pty host there. Remove it or fix its owner.`);
  }
  if ((stat.mode & 0o077) !== 0) await fs.chmod(folder, 0o700);
}

/** The host's secret, made on first use: 256 random bits, readable by this user only. */
export async function readOrCreateSecret(paths: HostPaths): Promise<string> {
  await ensurePrivateFolder(paths.folder);
  if (paths.socket.startsWith(os.tmpdir())) await ensurePrivateFolder(path.dirname(paths.socket));
  try {
    await fs.writeFile(paths.secret, `${randomBytes(32).toString('hex')}\n`, { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return readSecret(paths);
}

/** The secret as a client reads it; a file others could read is refused, not used. */
export async function readSecret(paths: HostPaths): Promise<string> {
  if (process.platform !== 'win32') {
    const stat = await fs.stat(paths.secret);
    if (stat.uid !== process.getuid!() || (stat.mode & 0o077) !== 0) {
      throw new Error(`The pty host's secret ${paths.secret} is readable by others. Delete it; Lanes makes a new one when it next starts its host.`);
    }
  }
  return (await fs.readFile(paths.secret, 'utf8')).trim();
}
