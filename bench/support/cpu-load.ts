import { spawn, type ChildProcess } from 'node:child_process';

/**
 * Two CPU-bound loops beside a benchmark, as the machine is when other work runs (load ≈ 2 on
 * top of the benchmark's own). Every benchmark reports its figures idle and under this load.
 *
 * Each loop runs in a session of its own, as a user's other work does (a build in a terminal).
 * Where the kernel shares the CPU between sessions first (autogroup, see
 * main/instances/host/priority.ts), loops in the bench's session would share one session's CPU
 * with the bench's own process, and load the parts of Lanes in other sessions (the pty host, the
 * web server, Chromium) half as much as two programs do. In sessions of their own they weigh as two.
 * A loop leaves by itself when the bench is gone (it no longer hears the bench's Ctrl+C).
 */
export async function withCpuLoad<T>(run: () => Promise<T>, loops = 2): Promise<T> {
  const children: ChildProcess[] = [];
  const loop = `const bench = ${process.pid}; for (let i = 1; ; i++) if ((i & 0x3ffffff) === 0 && process.ppid !== bench) process.exit();`;
  for (let index = 0; index < loops; index += 1) {
    children.push(spawn(process.execPath, ['-e', loop], { stdio: 'ignore', detached: true }));
  }
  try {
    return await run();
  } finally {
    for (const child of children) child.kill('SIGKILL');
  }
}

/** `--name N` from the benchmark's command line, or the fallback. */
export function numberOption(name: string, fallback: number): number {
  const args = process.argv.slice(2);
  const index = args.indexOf(`--${name}`);
  return index === -1 ? fallback : Number(args[index + 1]);
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
