import { execFile, execFileSync } from 'node:child_process';
import { closeSync, promises as fs, openSync, readdirSync, readFileSync, readSync } from 'node:fs';
import { promisify } from 'node:util';
import { CommandSession } from './command-session';

const execFileAsync = promisify(execFile);

/** One process as the system reports it. `startTime` tells a process from a later one reusing its pid. */
export interface ProcessInfo {
  readonly pid: number;
  readonly ppid: number;
  readonly pgid: number;
  readonly state: string;
  readonly startTime: string;
  readonly rssBytes: number;
  /** CPU time used so far, in seconds (Linux), or null where only a percentage is known. */
  readonly cpuSeconds: number | null;
  /** Percent of one core, where the system computes it (macOS `ps`). */
  readonly cpuPercent: number | null;
}

export type ProcessTable = ReadonlyMap<number, ProcessInfo>;

/** A process Lanes started or saw under an instance, identified across pid reuse. */
export interface TrackedProcess {
  readonly pid: number;
  readonly startTime: string;
}

const isLinux = process.platform === 'linux';
const isWindows = process.platform === 'win32';
let pageSize: number | null = null;
let clockTicks: number | null = null;

function linuxConstants(): { pageSize: number; clockTicks: number } {
  if (pageSize === null || clockTicks === null) {
    const read = (name: string, fallback: number) => {
      try {
        return Number(execFileSync('getconf', [name], { encoding: 'utf8' }).trim()) || fallback;
      } catch {
        return fallback;
      }
    };
    pageSize = read('PAGESIZE', 4096);
    clockTicks = read('CLK_TCK', 100);
  }
  return { pageSize, clockTicks };
}

/** Every process of the machine (Linux: /proc; macOS and BSD: `ps`; Windows: CIM through PowerShell). */
export function listProcesses(): Promise<ProcessTable> {
  // Callers that ask while a scan runs share it: Stop all stops every instance at once, and
  // each would otherwise read the whole table for itself.
  scanning ??= (isWindows ? listFromCim() : isLinux ? listFromProc() : listFromPs()).finally(() => {
    scanning = null;
  });
  return scanning;
}

let scanning: Promise<ProcessTable> | null = null;
let nextScan: Promise<ProcessTable> | null = null;

/**
 * A table read wholly after this call, so it holds every process started before it. A scan
 * already under way may have begun before an agent was started a moment ago: stopping it with
 * that table missed it, and the agent ran on. Callers that ask meanwhile share the next scan.
 */
export function freshProcessTable(): Promise<ProcessTable> {
  if (!scanning) return listProcesses();
  nextScan ??= scanning
    .then(
      () => undefined,
      () => undefined,
    )
    .then(() => {
      nextScan = null;
      return listProcesses();
    });
  return nextScan;
}

/**
 * One line per process: pid, parent pid, creation time (FILETIME; it tells a process from a later
 * one reusing its pid), working set in bytes, and kernel + user time in 100 ns units.
 */
const CIM_SCRIPT =
  'Get-CimInstance Win32_Process | ForEach-Object { $c = if ($_.CreationDate) { $_.CreationDate.ToFileTimeUtc() } else { 0 }; ' +
  '"$($_.ProcessId) $($_.ParentProcessId) $c $($_.WorkingSetSize) $($_.KernelModeTime + $_.UserModeTime)" }';

let powershell: CommandSession | null = null;

async function listFromCim(): Promise<ProcessTable> {
  // One PowerShell for the life of Lanes, reading commands from stdin: starting one per sample
  // (every couple of seconds) would cost a few hundred milliseconds of CPU each time.
  powershell ??= new CommandSession('powershell.exe', ['-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-Command', '-'], (command, marker) => `${command}; '${marker}'`);
  return parseCimProcessList(await powershell.run(CIM_SCRIPT));
}

/** Reads the lines CIM_SCRIPT prints. Windows has no process groups, so `pgid` is 0. */
export function parseCimProcessList(text: string): ProcessTable {
  const table = new Map<number, ProcessInfo>();
  for (const line of text.split(/\r?\n/)) {
    const match = /^\s*(\d+) (\d+) (\d+) (\d+) (\d+)\s*$/.exec(line);
    if (!match) continue;
    const pid = Number(match[1]);
    table.set(pid, {
      pid,
      ppid: Number(match[2]),
      pgid: 0,
      state: 'R',
      startTime: match[3]!,
      rssBytes: Number(match[4]),
      cpuSeconds: Number(match[5]) / 1e7,
      cpuPercent: null,
    });
  }
  return table;
}

/** Processes read from /proc in one go before the event loop gets a turn (a few tenths of a millisecond). */
const PROC_SLICE = 32;

/**
 * Reads /proc/<pid>/stat of every process, synchronously in slices of PROC_SLICE with a turn of
 * the event loop between them. Read the usual way (fs.promises.readFile: four trips to the thread
 * pool and a FileHandle per file), a scan of 66 processes cost 7-13 ms of CPU, against 0.8-1.9 ms
 * read synchronously, and the pty host scans every couple of seconds while any agent runs.
 */
async function listFromProc(): Promise<ProcessTable> {
  const { pageSize: page, clockTicks: ticks } = linuxConstants();
  const pids = readdirSync('/proc').filter((entry) => /^\d+$/.test(entry)).map(Number);
  const table = new Map<number, ProcessInfo>();
  const buffer = Buffer.alloc(4096);
  for (let start = 0; start < pids.length; start += PROC_SLICE) {
    if (start > 0) await new Promise<void>((resolve) => setImmediate(resolve));
    for (const pid of pids.slice(start, start + PROC_SLICE)) {
      const info = readProcStat(pid, buffer, page, ticks);
      if (info) table.set(info.pid, info);
    }
  }
  return table;
}

function readProcStat(pid: number, buffer: Buffer, page: number, ticks: number): ProcessInfo | null {
  let text: string;
  try {
    const fd = openSync(`/proc/${pid}/stat`, 'r');
    try {
      // One line of about 300 bytes; the command name in it is at most 64.
      text = buffer.toString('latin1', 0, readSync(fd, buffer, 0, buffer.length, 0));
    } finally {
      closeSync(fd);
    }
  } catch {
    return null; // ended while we looked
  }
  // The command name sits in parentheses and may itself contain spaces or parentheses.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return {
    pid,
    state: fields[0] ?? '?',
    ppid: Number(fields[1]),
    pgid: Number(fields[2]),
    cpuSeconds: (Number(fields[11]) + Number(fields[12])) / ticks,
    startTime: fields[19] ?? '',
    rssBytes: Number(fields[21]) * page,
    cpuPercent: null,
  };
}

async function listFromPs(): Promise<ProcessTable> {
  const { stdout } = await execFileAsync('ps', ['-A', '-o', 'pid=,ppid=,pgid=,stat=,rss=,pcpu=,lstart='], { maxBuffer: 16 * 1024 * 1024 });
  const table = new Map<number, ProcessInfo>();
  for (const line of stdout.split('\n')) {
    const match = /^\s*(\d+)\s+(\d+)\s+(\d+)\s+(\S+)\s+(\d+)\s+([\d.]+)\s+(.+)$/.exec(line);
    if (!match) continue;
    const pid = Number(match[1]);
    table.set(pid, {
      pid,
      ppid: Number(match[2]),
      pgid: Number(match[3]),
      state: match[4]!.charAt(0),
      rssBytes: Number(match[5]) * 1024,
      cpuPercent: Number(match[6]),
      startTime: match[7]!.trim(),
      cpuSeconds: null,
    });
  }
  return table;
}

/** Whether a process with this pid exists (one of another user's counts). */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function isAlive(table: ProcessTable, tracked: TrackedProcess): boolean {
  const info = table.get(tracked.pid);
  return info !== undefined && info.startTime === tracked.startTime && info.state !== 'Z';
}

/**
 * The root and every process below it, by parent links. Windows keeps a process's parent pid
 * after the parent ended, and may give that pid to a new process, so a "child" that started
 * before its parent is not one (start times are numbers on Linux and Windows).
 */
export function descendantsOf(table: ProcessTable, rootPid: number): ProcessInfo[] {
  const children = new Map<number, ProcessInfo[]>();
  for (const info of table.values()) {
    const list = children.get(info.ppid);
    if (list) list.push(info);
    else children.set(info.ppid, [info]);
  }
  const found: ProcessInfo[] = [];
  const root = table.get(rootPid);
  const queue = root ? [root] : [];
  const seen = new Set<number>();
  while (queue.length > 0) {
    const next = queue.shift()!;
    if (seen.has(next.pid)) continue;
    seen.add(next.pid);
    found.push(next);
    queue.push(...(children.get(next.pid) ?? []).filter((child) => !startedBefore(child, next)));
  }
  return found;
}

/**
 * Pids whose environment carries the marker (`NAME=value`). Linux only: it finds descendants
 * that left the tree (a new session whose parent died, reparented to init) before Lanes saw them.
 */
export async function processesWithEnvironment(table: ProcessTable, marker: string): Promise<ProcessInfo[]> {
  if (!isLinux) return [];
  const needle = Buffer.from(`\0${marker}\0`);
  const environments = await environmentsOf(table);
  const found: ProcessInfo[] = [];
  for (const info of table.values()) if (environments.get(info.pid)?.includes(needle)) found.push(info);
  return found;
}

export interface KillTreeOptions {
  readonly rootPid: number | null;
  /** Processes seen under the instance earlier (they may have left the tree since). */
  readonly tracked: Iterable<TrackedProcess>;
  /** `NAME=value` set in the instance's environment, to find strays (Linux). */
  readonly environmentMarker: string | null;
  readonly graceMs: number;
}

/** Each table's environments, read once however many instances look for their marker in it. */
const environmentReads = new WeakMap<ProcessTable, Promise<Map<number, Buffer>>>();

function environmentsOf(table: ProcessTable): Promise<Map<number, Buffer>> {
  let read = environmentReads.get(table);
  if (!read) {
    read = (async () => {
      const environments = new Map<number, Buffer>();
      await Promise.all(
        [...table.values()].map(async (info) => {
          if (info.pid === process.pid || info.state === 'Z') return;
          try {
            environments.set(info.pid, Buffer.concat([Buffer.from([0]), await fs.readFile(`/proc/${info.pid}/environ`)]));
          } catch {
            // not ours to read, or gone
          }
        }),
      );
      return environments;
    })();
    environmentReads.set(table, read);
  }
  return read;
}

/** How long a hung-up tree gets to end before the rest hears SIGTERM. */
const HANG_UP_WAIT_MS = 400;

/**
 * Ends an instance's whole process tree: SIGHUP to its root (the way a closing terminal ends
 * it), then SIGTERM to every process and process group still there, SIGKILL to whatever is left
 * after the grace period, then waits until none is left.
 * Returns the processes it had to SIGKILL.
 */
export async function killTree(options: KillTreeOptions): Promise<number> {
  const targets = new Map<number, TrackedProcess>();
  const collect = async (): Promise<ProcessTable> => {
    const table = await freshProcessTable();
    const add = (info: ProcessInfo) => {
      if (info.pid !== process.pid && info.pid > 1 && info.state !== 'Z') targets.set(info.pid, { pid: info.pid, startTime: info.startTime });
    };
    if (options.rootPid !== null) descendantsOf(table, options.rootPid).forEach(add);
    for (const tracked of options.tracked) {
      const info = table.get(tracked.pid);
      if (info && info.startTime === tracked.startTime) {
        add(info);
        descendantsOf(table, info.pid).forEach(add);
      }
    }
    if (options.environmentMarker) (await processesWithEnvironment(table, options.environmentMarker)).forEach(add);
    for (const [pid, tracked] of targets) if (!isAlive(table, tracked)) targets.delete(pid);
    return table;
  };
  const ownGroup = safeGroupOf(process.pid);
  const signalAll = async (table: ProcessTable, signal: NodeJS.Signals) => {
    if (isWindows) {
      // taskkill /T also ends children Lanes has not seen yet; without /F it asks politely.
      const pids = [...targets.keys()].flatMap((pid) => ['/PID', String(pid)]);
      if (pids.length > 0) await execFileAsync('taskkill', [...pids, '/T', ...(signal === 'SIGKILL' ? ['/F'] : [])], { windowsHide: true }).catch(() => undefined);
      return;
    }
    const groups = new Set<number>();
    for (const tracked of targets.values()) {
      const info = table.get(tracked.pid);
      if (info && info.pgid > 1 && info.pgid !== ownGroup) groups.add(info.pgid);
      trySignal(tracked.pid, signal);
    }
    for (const group of groups) trySignal(-group, signal);
  };

  const waitUntilGone = async (ms: number) => {
    const deadline = Date.now() + ms;
    while (targets.size > 0 && Date.now() < deadline) {
      await sleep(40);
      await forgetEnded(targets);
      // All known ones ended: one whole scan makes sure none started meanwhile.
      if (targets.size === 0) table = await collect();
    }
    if (targets.size > 0) table = await collect();
  };

  let table = await collect();
  const root = options.rootPid === null || isWindows ? undefined : table.get(options.rootPid);
  if (root) {
    // Hang up first, as a closing terminal does: an interactive shell ignores SIGTERM but ends
    // on SIGHUP, passing it on to its jobs.
    trySignal(root.pid, 'SIGHUP');
    if (root.pgid > 1 && root.pgid !== ownGroup) trySignal(-root.pgid, 'SIGHUP');
    await waitUntilGone(Math.min(HANG_UP_WAIT_MS, options.graceMs));
  }
  if (targets.size > 0) await signalAll(table, 'SIGTERM');
  await waitUntilGone(options.graceMs);
  const forced = targets.size;
  for (let round = 0; targets.size > 0 && round < 50; round += 1) {
    await signalAll(table, 'SIGKILL');
    await sleep(40);
    table = await collect();
  }
  return forced;
}

/**
 * Drops the targets that ended. Linux reads only their own /proc entries: a whole-table scan
 * every 40 ms, for each of several instances stopping at once, cost most of Stop all's time.
 */
async function forgetEnded(targets: Map<number, TrackedProcess>): Promise<void> {
  if (!isLinux) {
    const table = await listProcesses();
    for (const [pid, tracked] of targets) if (!isAlive(table, tracked)) targets.delete(pid);
    return;
  }
  const { pageSize: page, clockTicks: ticks } = linuxConstants();
  const buffer = Buffer.alloc(4096);
  for (const [pid, tracked] of targets) {
    const info = readProcStat(pid, buffer, page, ticks);
    if (!info || info.startTime !== tracked.startTime || info.state === 'Z') targets.delete(pid);
  }
}

function startedBefore(child: ProcessInfo, parent: ProcessInfo): boolean {
  const childStart = Number(child.startTime);
  const parentStart = Number(parent.startTime);
  return child.startTime !== '' && parent.startTime !== '' && Number.isFinite(childStart) && Number.isFinite(parentStart) && childStart < parentStart;
}

function safeGroupOf(pid: number): number {
  if (!isLinux) return -1;
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(text.slice(text.lastIndexOf(')') + 2).split(' ')[2]);
  } catch {
    return -1;
  }
}

function trySignal(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone, or not ours
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Turns two samples of CPU seconds into a percentage of one core. */
export class UsageSampler {
  private previous = new Map<string, { cpuSeconds: number; at: number }>();

  sample(processes: readonly ProcessInfo[], now = Date.now()): { cpu: number; memory: number; processes: number } {
    const next = new Map<string, { cpuSeconds: number; at: number }>();
    let cpu = 0;
    let memory = 0;
    for (const info of processes) {
      memory += info.rssBytes;
      if (info.cpuPercent !== null) cpu += info.cpuPercent;
      else if (info.cpuSeconds !== null) {
        const key = `${info.pid}:${info.startTime}`;
        const before = this.previous.get(key);
        if (before && now > before.at) cpu += (100 * (info.cpuSeconds - before.cpuSeconds)) / ((now - before.at) / 1000);
        next.set(key, { cpuSeconds: info.cpuSeconds, at: now });
      }
    }
    this.previous = next;
    return { cpu: Math.max(0, Math.round(cpu * 10) / 10), memory, processes: processes.length };
  }
}
