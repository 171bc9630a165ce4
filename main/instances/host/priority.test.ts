import { spawn } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { makeTempDir } from '../../../test/support/repo';
import { autogroupOf } from './priority';

const NOBODY = 65_534;

/** Run by a user without privileges: six agents' sessions started at once, each lowered, and what became of them. */
const SCRIPT = `
import { spawn } from 'node:child_process';
import { autogroupOf, lowerPriority } from './priority.mjs';
const own = autogroupOf('self');
const agents = Array.from({ length: 6 }, () => spawn('sleep', ['30'], { detached: true, stdio: 'ignore' }));
for (const agent of agents) lowerPriority(agent.pid, 10);
const lowered = () => agents.map((agent) => autogroupOf(String(agent.pid)));
const deadline = Date.now() + 5000;
while (Date.now() < deadline && !lowered().every((group) => group?.nice === 10)) await new Promise((resolve) => setTimeout(resolve, 50));
console.log(JSON.stringify({ uid: process.getuid(), own, ownAfter: autogroupOf('self'), agents: lowered() }));
for (const agent of agents) agent.kill();
`;

describe('agents at a lower CPU priority', () => {
  // The kernel groups processes by session here (autogroup): the case the module is for.
  it.runIf(process.platform === 'linux' && autogroupOf('self') !== null)(
    "lowers each agent's session, as a user without privileges, when several start at once (the kernel takes one such write per 100 ms)",
    async () => {
      // Bundled into a folder any user can read: as root, the test runs it as nobody.
      const dir = makeTempDir('lanes-priority-');
      chmodSync(dir, 0o755);
      await build({ entryPoints: [fileURLToPath(new URL('./priority.ts', import.meta.url))], bundle: true, platform: 'node', format: 'esm', outfile: path.join(dir, 'priority.mjs'), logLevel: 'warning' });
      writeFileSync(path.join(dir, 'run.mjs'), SCRIPT);
      chmodSync(path.join(dir, 'priority.mjs'), 0o644);
      chmodSync(path.join(dir, 'run.mjs'), 0o644);
      const asNobody = process.getuid?.() === 0 ? { uid: NOBODY, gid: NOBODY } : {};
      const child = spawn(process.execPath, [path.join(dir, 'run.mjs')], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], ...asNobody });
      let out = '';
      let err = '';
      child.stdout.on('data', (chunk) => (out += chunk));
      child.stderr.on('data', (chunk) => (err += chunk));
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      expect(err).toBe('');
      expect(code).toBe(0);
      const result = JSON.parse(out) as { uid: number; own: { group: string; nice: number }; ownAfter: { nice: number }; agents: Array<{ group: string; nice: number } | null> };
      expect(result.uid).not.toBe(0);
      expect(result.agents).toHaveLength(6);
      for (const agent of result.agents) expect(agent).toMatchObject({ nice: 10 });
      // Each in a session of its own, none in the caller's, whose priority stays as it was.
      expect(new Set(result.agents.map((agent) => agent!.group)).size).toBe(6);
      expect(result.agents.map((agent) => agent!.group)).not.toContain(result.own.group);
      expect(result.ownAfter.nice).toBe(result.own.nice);
    },
    20_000,
  );
});
