// Pty host benchmark (`npm run bench -- host-reattach`): 8 agents each print 10,000 lines into
// the pty host. Then:
//  1. Reattach: a new core (a restarted Lanes) opens the workspace, finds the 8 agents in the
//     host and gets each terminal's screen and scrollback (the serialized headless xterm).
//     Goal: under 2 s, for agents gone quiet (what a restart of Lanes usually finds: the host
//     serializes a quiet terminal's screen ahead of time). Reattached right after the agents'
//     last output, the host serializes each screen on demand: reported beside it, without a
//     goal. The renderer drawing them is not part of these figures.
//  2. Memory: resident memory of the host and of the server (this process, holding the core)
//     with the 8 agents' 10,000 lines in the host. Goal: together under 600 MB (the renderer
//     is not measured here). Each process's share is printed.
// Taken idle and beside two CPU-bound loops.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Lanes } from '../main/app/lanes';
import { hostPaths } from '../main/instances/host/paths';
import { trustAllCommands } from '../test/support/trust';
import { numberOption as option } from './support/cpu-load';
import { LINES_AGENT } from './support/host-agents';
import { figureOf, inBothConditions, reportFigures } from './support/report';

const AGENTS = option('agents', 8);
const LINES = option('lines', 10_000);
const REATTACH_GOAL_MS = 2_000;
const MEMORY_GOAL_MB = 600;

function residentMb(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : 0;
}

function openCore(userDataDir: string) {
  const core = new Lanes({ userDataDir, platform: { mode: 'web' }, version: 'bench' });
  const call = async (name: string, args: unknown = {}): Promise<any> => {
    const envelope = await core.call(name, args);
    if (!envelope.ok) throw new Error(envelope.error.message);
    return envelope.value;
  };
  return { core, call };
}

interface Reattached {
  readonly reattachMs: number;
  readonly openMs: number;
  readonly attachMs: number;
}

/** A new core (a restarted Lanes) opens the workspace, finds the agents in the host and gets every screen. */
async function reattach(core: ReturnType<typeof openCore>, root: string, quitChoice: 'keep' | 'stop'): Promise<Reattached> {
  await core.call('instances.setQuitChoice', { choice: quitChoice, remembered: true });
  const start = performance.now();
  await core.call('workspace.open', { path: root });
  const openMs = performance.now() - start;
  const list = await core.call('instances.list');
  const listed = performance.now();
  const screens = await Promise.all(list.instances.map((instance: { name: string }) => core.call('instances.attach', { name: instance.name })));
  const reattachMs = performance.now() - start;
  const attachMs = performance.now() - listed;
  const missing = screens.filter((screen: { data: string }) => !screen.data.includes(`line ${LINES} `) || !screen.data.includes('done'));
  if (missing.length > 0) throw new Error(`${missing.length} reattached screens lack their last lines`);
  return { reattachMs, openMs, attachMs };
}

interface Measured {
  readonly cold: Reattached;
  readonly quiet: Reattached;
  readonly hostMb: number;
  readonly serverMb: number;
}

async function measure(label: string): Promise<Measured> {
  const parent = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'lanes-bench-host-')));
  const root = path.join(parent, 'repo');
  const userDataDir = path.join(parent, 'user');
  execFileSync('git', ['init', '-q', '-b', 'main', root]);
  const agent = `${process.execPath} ${LINES_AGENT} ${LINES}`;
  writeFileSync(path.join(root, 'lanes.yml'), `instances:\n${Array.from({ length: AGENTS }, (_, index) => `  - name: agent-${index + 1}\n    agent: ${JSON.stringify(agent)}\n    zones: [src/]\n`).join('')}`);
  execFileSync('git', ['-C', root, 'add', '-A']);
  execFileSync('git', ['-C', root, '-c', 'user.name=Bench', '-c', 'user.email=bench@lanes.invalid', 'commit', '-q', '-m', 'agents']);
  const first = openCore(userDataDir);
  const finished = new Set<string>();
  const tails = new Map<string, string>();
  first.core.onEvent((name, payload) => {
    if (name !== 'instances.output') return;
    const { instance, data } = payload as { instance: string; data: string };
    const tail = ((tails.get(instance) ?? '') + data).slice(-32);
    tails.set(instance, tail);
    if (tail.includes('done')) finished.add(instance);
  });
  let second: ReturnType<typeof openCore> | null = null;
  try {
    await first.call('instances.setQuitChoice', { choice: 'keep', remembered: true });
    await first.call('workspace.open', { path: root });
    await trustAllCommands(first.core);
    await first.call('instances.startAll');
    const deadline = Date.now() + 120_000;
    while (finished.size < AGENTS) {
      if (Date.now() > deadline) throw new Error(`only ${finished.size} of ${AGENTS} agents printed their lines within 120 s`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await first.core.dispose();

    // Right after the agents' last output, the host serializes each screen when it is asked for.
    second = openCore(userDataDir);
    const cold = await reattach(second, root, 'keep');
    await second.core.dispose();
    // Started again with nothing printed since: the screens were serialized once, as a host that
    // saw its agents go quiet serializes them ahead of time.
    second = openCore(userDataDir);
    const quiet = await reattach(second, root, 'stop');
    const hostPid = (JSON.parse(readFileSync(hostPaths(userDataDir).info, 'utf8')) as { pid: number }).pid;
    const hostMb = residentMb(hostPid);
    const serverMb = residentMb(process.pid);
    console.log(
      `${label}: reattached ${AGENTS} agents × ${LINES} lines right after their last output in ${cold.reattachMs.toFixed(0)} ms (opening the workspace ${cold.openMs.toFixed(0)} ms, the ${AGENTS} screens ${cold.attachMs.toFixed(0)} ms); ` +
        `once quiet in ${quiet.reattachMs.toFixed(0)} ms (opening ${quiet.openMs.toFixed(0)} ms, screens ${quiet.attachMs.toFixed(0)} ms); resident memory: host ${hostMb.toFixed(0)} MB, server ${serverMb.toFixed(0)} MB (load ${os.loadavg()[0]!.toFixed(2)})`,
    );
    return { cold, quiet, hostMb, serverMb };
  } finally {
    await (second ?? first).call('instances.setQuitChoice', { choice: 'stop', remembered: true }).catch(() => undefined);
    await second?.core.dispose();
    rmSync(parent, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const both = await inBothConditions((condition) => measure(condition === 'idle' ? 'idle' : 'beside two CPU-bound loops'));
  const values = (pick: (result: Measured) => number) => ({ idle: pick(both.idle), loaded: pick(both.loaded) });
  reportFigures('host-reattach', [
    figureOf(`reattach ${AGENTS} agents × ${LINES} lines gone quiet (screens in hand)`, 'ms', { op: '<', value: REATTACH_GOAL_MS }, values((result) => result.quiet.reattachMs), both.load),
    figureOf('of which opening the workspace (the whole core, host connection included)', 'ms', null, values((result) => result.quiet.openMs), both.load),
    figureOf(`of which the ${AGENTS} screens (serialized ahead in the host, sent, parsed)`, 'ms', null, values((result) => result.quiet.attachMs), both.load),
    figureOf('reattach right after the agents\' last output', 'ms', null, values((result) => result.cold.reattachMs), both.load),
    figureOf('of which opening the workspace', 'ms', null, values((result) => result.cold.openMs), both.load),
    figureOf(`of which the ${AGENTS} screens (serialized on demand in the host, sent, parsed)`, 'ms', null, values((result) => result.cold.attachMs), both.load),
    figureOf(`resident memory, host + server, ${AGENTS} agents × ${LINES} lines`, 'MB', { op: '<', value: MEMORY_GOAL_MB }, values((result) => result.hostMb + result.serverMb), both.load),
    figureOf('of which the pty host', 'MB', null, values((result) => result.hostMb), both.load),
    figureOf('of which the server (core)', 'MB', null, values((result) => result.serverMb), both.load),
  ]);
}

void main();
