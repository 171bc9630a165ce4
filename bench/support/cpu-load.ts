import { spawn, type ChildProcess } from 'node:child_process';

/**
 * Two CPU-bound loops beside a benchmark, as the machine is when other work runs (load ≈ 2 on
 * top of the benchmark's own). Every benchmark reports its figures idle and under this load.
 */
export async function withCpuLoad<T>(run: () => Promise<T>, loops = 2): Promise<T> {
  const children: ChildProcess[] = [];
  for (let index = 0; index < loops; index += 1) {
    children.push(spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
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
