// Pty host benchmark (`npm run bench -- host-reattach`): 8 agents each print 10,000 lines into
// the pty host. Then:
//  1. Reattach: a new core (a restarted Lanes) opens the workspace, finds the 8 agents in the
//     host and gets each terminal's screen and scrollback (the serialized headless xterm).
//     Goal: under 2 s, for agents gone quiet (what a restart of Lanes usually finds: the host
//     serializes a quiet terminal's screen ahead of time). Reattached right after the agents'
//     last output, the host serializes each screen on demand: reported beside it, without a
//     goal. The renderer drawing them is not part of these figures.
//  2. Memory, as the goal names it: host, server and renderer together, as resident memory,
//     with the 8 agents' 10,000 lines in the host. The web-mode server (`lanes serve`, a process
//     of its own) reattaches them, and Chromium shows all 8 terminals on the Instances screen's
//     grid, each with its scrollback drawn (the DOM renderer, so the bench can see the last
//     line). Goal: under 600 MB, summed as PSS: each process's resident pages, with the pages
//     several processes share (Chromium's renderers map one large binary) split among them; RSS
//     summed counts those once per process, and is printed beside it. Each process's share is
//     printed; Chromium's browser and GPU processes are printed too, not counted (the desktop
//     app has its own main process).
//     Without a built renderer (dist/) or Chromium, the goal is reported as not measured. With a
//     build, the host runs from it (dist/host/host.cjs), as in the product.
// Taken idle and beside two CPU-bound loops.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { chromium } from '@playwright/test';
import { startWebMode } from '../e2e/support/web-mode';
import { Lanes } from '../main/app/lanes';
import { ensureHost, hostCommand } from '../main/instances/host/client';
import { hostPaths } from '../main/instances/host/paths';
import { trustAllCommands } from '../test/support/trust';
import { numberOption as option } from './support/cpu-load';
import { LINES_AGENT } from './support/host-agents';
import { figureOf, inBothConditions, reportFigures } from './support/report';

const AGENTS = option('agents', 8);
const LINES = option('lines', 10_000);
const REATTACH_GOAL_MS = 2_000;
const MEMORY_GOAL_MB = 600;

const APP_ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const CHROMIUM = process.env.LANES_CHROMIUM ?? (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : null);
const BUILT = existsSync(path.join(APP_ROOT, 'dist', 'renderer', 'index.html')) && existsSync(path.join(APP_ROOT, 'dist', 'cli', 'lanes.cjs'));

function residentMb(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : 0;
  } catch {
    return 0; // gone meanwhile
  }
}

/**
 * A process's share of resident memory (PSS): its own pages, and each page it shares with other
 * processes (Chromium's processes map one large binary; the host and the server one Node) divided
 * among them. Summed over processes, RSS counts those shared pages once per process.
 */
function proportionalMb(pid: number): number {
  try {
    const match = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
    return match ? Number(match[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** Resident memory of one part, as RSS and as its proportional share (PSS, see `proportionalMb`). */
interface Memory {
  readonly rss: number;
  readonly pss: number;
}

const memoryOf = (pids: readonly number[]): Memory => ({
  rss: pids.reduce((sum, pid) => sum + residentMb(pid), 0),
  pss: pids.reduce((sum, pid) => sum + proportionalMb(pid), 0),
});

interface Desktop {
  readonly host: Memory;
  readonly server: Memory;
  readonly renderer: Memory;
  /** Renderer processes Chromium ran (the page's, and any spare one it keeps). */
  readonly renderers: number;
  /** The page's JavaScript heap in use, after a garbage collection. */
  readonly pageHeapMb: number;
  readonly browserOther: Memory;
}

/**
 * The web-mode server reattaches the agents, and Chromium draws all their terminals on the
 * Instances grid; answers the server's and the renderer's resident memory once every terminal
 * shows its last line.
 */
async function drawnInChromium(userDataDir: string, root: string, executablePath: string, hostPid: number): Promise<Desktop> {
  const server = await startWebMode(userDataDir);
  const browser = await chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    await page.goto(server.url);
    await page.getByLabel('Path of a git repository').fill(root);
    await page.getByRole('button', { name: 'Open', exact: true }).click();
    await page.getByTestId('workspace-root').waitFor();
    const asking = page.getByRole('dialog', { name: 'Do you trust the commands in this repository?' });
    if (await asking.isVisible()) await asking.getByRole('button', { name: 'Trust and run these commands' }).click();
    await page.getByRole('navigation', { name: 'Lanes' }).getByRole('link', { name: /^instances$/i }).click();
    await page.getByRole('radio', { name: 'Grid' }).click();
    await page.getByRole('checkbox', { name: 'GPU terminals' }).uncheck();
    for (let index = 1; index <= AGENTS; index += 1) {
      await page.getByTestId(`terminal-agent-${index}`).getByText('done', { exact: false }).first().waitFor({ timeout: 60_000 });
    }
    // Let the page settle (scrollback written, layout done) before reading its memory.
    await page.waitForTimeout(2_000);
    const pageSession = await page.context().newCDPSession(page);
    await pageSession.send('HeapProfiler.collectGarbage');
    const { usedSize } = (await pageSession.send('Runtime.getHeapUsage')) as { usedSize: number };
    const cdp = await browser.newBrowserCDPSession();
    const { processInfo } = (await cdp.send('SystemInfo.getProcessInfo')) as { processInfo: { type: string; id: number }[] };
    const renderers = processInfo.filter((info) => info.type === 'renderer').map((info) => info.id);
    return {
      host: memoryOf([hostPid]),
      server: memoryOf([server.process.pid!]),
      renderer: memoryOf(renderers),
      renderers: renderers.length,
      pageHeapMb: usedSize / 1024 / 1024,
      browserOther: memoryOf(processInfo.filter((info) => info.type !== 'renderer').map((info) => info.id)),
    };
  } finally {
    await browser.close();
    await server.stop();
  }
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
  /** Null when the renderer could not be measured (no build, no Chromium). */
  readonly desktop: Desktop | null;
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
  if (BUILT) {
    // The host as the product runs it (the built bundle), not from source through tsx, which
    // costs it about 30 MB more: started here, the in-process core finds it running.
    const starter = await ensureHost(userDataDir, { command: hostCommand('built') });
    await starter.close();
  }
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
    let desktop: Measured['desktop'] = null;
    if (BUILT && CHROMIUM) {
      desktop = await drawnInChromium(userDataDir, root, CHROMIUM, hostPid);
      const part = (memory: Memory) => `${memory.pss.toFixed(0)} MB (RSS ${memory.rss.toFixed(0)})`;
      console.log(
        `${label}: drawn in Chromium, PSS: host ${part(desktop.host)} + web-mode server ${part(desktop.server)} + renderer ${part(desktop.renderer)} in ${desktop.renderers} process(es), ` +
          `the page's JS heap ${desktop.pageHeapMb.toFixed(0)} MB after a GC (Chromium's other processes ${part(desktop.browserOther)}, not counted)`,
      );
    }
    console.log(
      `${label}: reattached ${AGENTS} agents × ${LINES} lines right after their last output in ${cold.reattachMs.toFixed(0)} ms (opening the workspace ${cold.openMs.toFixed(0)} ms, the ${AGENTS} screens ${cold.attachMs.toFixed(0)} ms); ` +
        `once quiet in ${quiet.reattachMs.toFixed(0)} ms (opening ${quiet.openMs.toFixed(0)} ms, screens ${quiet.attachMs.toFixed(0)} ms); resident memory: host ${hostMb.toFixed(0)} MB, server ${serverMb.toFixed(0)} MB (load ${os.loadavg()[0]!.toFixed(2)})`,
    );
    return { cold, quiet, hostMb, serverMb, desktop };
  } finally {
    await (second ?? first).call('instances.setQuitChoice', { choice: 'stop', remembered: true }).catch(() => undefined);
    await second?.core.dispose();
    rmSync(parent, { recursive: true, force: true });
  }
}

const total = (desktop: Desktop, kind: keyof Memory) => desktop.host[kind] + desktop.server[kind] + desktop.renderer[kind];

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
    ...(both.idle.desktop && both.loaded.desktop
      ? [
          figureOf(`resident memory (PSS), host + server + renderer, ${AGENTS} agents × ${LINES} lines drawn`, 'MB', { op: '<', value: MEMORY_GOAL_MB }, values((result) => total(result.desktop!, 'pss')), both.load),
          figureOf('of which the pty host (PSS)', 'MB', null, values((result) => result.desktop!.host.pss), both.load),
          figureOf('of which the web-mode server, the core (PSS)', 'MB', null, values((result) => result.desktop!.server.pss), both.load),
          figureOf('of which the renderer, Chromium with 8 terminals on the grid (PSS)', 'MB', null, values((result) => result.desktop!.renderer.pss), both.load),
          figureOf("of the renderer, the page's JavaScript heap after a GC", 'MB', null, values((result) => result.desktop!.pageHeapMb), both.load),
          figureOf('the same three as RSS summed (shared pages counted once per process)', 'MB', null, values((result) => total(result.desktop!, 'rss')), both.load),
          figureOf("Chromium's browser and GPU processes, PSS (not counted)", 'MB', null, values((result) => result.desktop!.browserOther.pss), both.load),
        ]
      : []),
    figureOf(`resident memory, host + an in-process core, no renderer (sub-measure)`, 'MB', null, values((result) => result.hostMb + result.serverMb), both.load),
  ]);
  if (!both.idle.desktop) {
    console.log('memory goal (host + server + renderer < 600 MB): NOT MEASURED, run `npm run build` first and install Chromium (or set LANES_CHROMIUM)');
    process.exitCode = 1;
  }
}

void main();
