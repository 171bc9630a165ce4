import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Where the CPU went while something ran: every process on the machine sampled from /proc before
 * and after (Linux only), each put in a group by its command line, and the whole machine from
 * /proc/stat. Threads count with their process; a process that both started and ended between
 * the samples is missed (the machine's total still has it, so the groups may sum to less).
 */
export type Grouper = (commandLine: string, pid: number) => string | null;

/** Whether a command line is the pty host's: built (dist/host/host.cjs) or from source (main/instances/host/main.ts). */
export function isPtyHostCommand(commandLine: string): boolean {
  return commandLine.includes('host.cjs') || commandLine.includes(`${path.sep}host${path.sep}main.ts`);
}

interface Sample {
  readonly machineMs: number;
  readonly processes: Map<number, { readonly group: string; readonly ms: number }>;
}

const TICK_MS = 10;

export function sampleCpu(group: Grouper): Sample {
  const processes = new Map<number, { group: string; ms: number }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    try {
      const commandLine = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
      const name = group(commandLine, pid);
      if (name === null) continue;
      processes.set(pid, { group: name, ms: processCpuMs(pid) });
    } catch {
      // gone meanwhile
    }
  }
  return { machineMs: machineCpuMs(), processes };
}

/** CPU ms each group spent between two samples (a process new in `after` counts from 0), and the machine's. */
export function cpuBetween(before: Sample, after: Sample): { machineMs: number; groups: Map<string, number> } {
  const groups = new Map<string, number>();
  for (const [pid, { group, ms }] of after.processes) {
    const spent = ms - (before.processes.get(pid)?.ms ?? 0);
    groups.set(group, (groups.get(group) ?? 0) + spent);
  }
  return { machineMs: after.machineMs - before.machineMs, groups };
}

/** CPU time a process has used, its threads and the kernel's work for it included, in ms (/proc/<pid>/stat, in ticks of 10 ms). */
export function processCpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
}

/** CPU time the whole machine has used, in ms (every core, the kernel's work included). */
export function machineCpuMs(): number {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const idle = fields[3]! + fields[4]!;
  return (fields.reduce((sum, value) => sum + value, 0) - idle) * TICK_MS;
}
