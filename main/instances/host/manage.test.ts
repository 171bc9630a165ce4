import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../../test/support/repo';
import { isRunningPid, waitFor } from '../test-support';
import { hostCommand } from './client';
import { stopHost } from './manage';
import { hostPaths } from './paths';
import { PROTOCOL_VERSION } from './protocol';
import type { HostInfo } from './server';

const OTHER_VERSION_HOST = path.join(path.dirname(fileURLToPath(import.meta.url)), 'test-fixtures', 'other-version-host.ts');

const started: ChildProcess[] = [];
afterEach(() => {
  for (const child of started.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

/** A host of another protocol version, listening for `userDataDir`, and the pid of its agent. */
async function otherVersionHost(userDataDir: string): Promise<{ host: ChildProcess; agentPid: number }> {
  const { args } = hostCommand();
  const loader = args.slice(args.indexOf('--import'), args.indexOf('--import') + 2); // --import <tsx loader>
  const host = spawn(process.execPath, [...loader, OTHER_VERSION_HOST, '--user-data', userDataDir], { stdio: ['ignore', 'pipe', 'inherit'] });
  started.push(host);
  let printed = '';
  host.stdout!.on('data', (chunk: Buffer) => (printed += chunk.toString('utf8')));
  const agentPid = await waitFor(() => Number(/agent (\d+)/.exec(printed)?.[1]) || null, 'the other host to listen', 20_000);
  return { host, agentPid };
}

describe.runIf(process.platform !== 'win32')('lanes host stop --force', () => {
  it('leaves a host of another version and its agents alone without --force, and with it ends them', async () => {
    const userDataDir = makeTempDir('lanes-user-');
    const { host, agentPid } = await otherVersionHost(userDataDir);

    const refused = await stopHost(userDataDir);
    expect(refused.code).toBe(1);
    expect(refused.text).toContain(`protocol ${PROTOCOL_VERSION + 1}; this Lanes speaks ${PROTOCOL_VERSION}`);
    expect(refused.text).toContain('lanes host stop --force');
    expect(isRunningPid(host.pid!)).toBe(true);
    expect(isRunningPid(agentPid)).toBe(true);

    expect(await stopHost(userDataDir, { force: true })).toEqual({ code: 0, text: `Stopped the pty host (process ${host.pid}) and its agents.` });
    expect(isRunningPid(host.pid!)).toBe(false);
    await waitFor(() => !isRunningPid(agentPid), 'its agent to end');
  });

  it('stops nothing when the host record names another process than the one that answers', async () => {
    const userDataDir = makeTempDir('lanes-user-');
    const { host } = await otherVersionHost(userDataDir);
    const paths = hostPaths(userDataDir);
    const info = JSON.parse(readFileSync(paths.info, 'utf8')) as HostInfo;
    writeFileSync(paths.info, JSON.stringify({ ...info, pid: process.pid }));

    const report = await stopHost(userDataDir, { force: true });
    expect(report.code).toBe(1);
    expect(report.text).toBe(`The pty host's record ${paths.info} names process ${process.pid}, but process ${host.pid} answered; Lanes stopped nothing. Look at both with \`ps\`.`);
    expect(isRunningPid(host.pid!)).toBe(true);
  });
});
