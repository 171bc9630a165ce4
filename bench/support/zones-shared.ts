/** What bench/zones.bench.ts and its Lanes process (bench/support/zones-serve.ts) share. */

/** The folder of each worktree the samples are written in: no instance owns it. */
export const PROBE_FOLDER = 'probe';

/** The monotonic clock the bench's processes share. */
export function clockNow(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

export const ms = (value: number) => `${value.toFixed(1)} ms`;
export const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
