import { existsSync, realpathSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LaunchSpec } from '../../main/instances/host/instance-process';
import { ensureHost, hostCommand, type HostClient } from '../../main/instances/host/client';
import { AGENT_NICENESS } from '../../main/instances/room';

/** The test agent that prints `line 1` … `line N` (60 dots each), then `done`, and waits. */
export const LINES_AGENT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'main', 'instances', 'host', 'test-fixtures', 'lines.mjs');

export const WORKSPACE = '/bench/workspace';

/** A node script as an agent's launch, with the bench's PATH and nothing else, at the CPU priority Lanes gives its agents. */
export function nodeAgent(args: readonly string[]): LaunchSpec {
  return { file: process.execPath, args, cwd: os.tmpdir(), env: { PATH: process.env.PATH ?? '' }, hooks: false, niceness: AGENT_NICENESS };
}

const HOST_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'host');
/** Whether the host is built: then it is measured as the product runs it, not from source through tsx. */
export const BUILT_HOST = existsSync(path.join(HOST_DIR, 'host.cjs'));

let saidWhichHost = false;

/**
 * A pty host of its own (own user-data folder) for one measurement, with a client connected to
 * it; `close` stops its agents and the host and removes the folder. The built host when there is
 * one (`npm run build`), else the source (and the benchmark says so).
 */
export async function withBenchHost<T>(run: (client: HostClient) => Promise<T>): Promise<T> {
  if (!saidWhichHost) console.log(BUILT_HOST ? 'The pty host measured: the built one (dist/host), as Lanes runs it.' : 'The pty host measured: the source, through tsx (`npm run build` first to measure the built one).');
  saidWhichHost = true;
  const userDataDir = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'lanes-bench-host-')));
  const client = await ensureHost(userDataDir, { idleSeconds: 5, command: hostCommand(BUILT_HOST ? 'built' : 'source') });
  try {
    return await run(client);
  } finally {
    await client.call('agents.stopAll', {}).catch(() => undefined);
    await client.call('host.stop').catch(() => undefined);
    await client.close();
    rmSync(userDataDir, { recursive: true, force: true });
  }
}
