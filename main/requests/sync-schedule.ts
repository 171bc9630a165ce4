import type { SyncPoint } from '../contract/workspace';

/** Time as the sync schedule sees it: the system clock in Lanes, a clock the test advances in tests. */
export interface SyncClock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Runs `task` once at `time` (or as soon after as the process can); answers how to cancel it. */
  at(time: number, task: () => void): () => void;
}

/** The longest a Node timer waits (about 24.8 days); a longer wait is taken in steps. */
const LONGEST_TIMER = 2 ** 31 - 1;

export const systemClock: SyncClock = {
  now: () => Date.now(),
  at(time, task) {
    let timer: NodeJS.Timeout;
    const arm = () => {
      const wait = time - Date.now();
      timer = setTimeout(wait > LONGEST_TIMER ? arm : task, Math.min(Math.max(wait, 0), LONGEST_TIMER));
      timer.unref();
    };
    arm();
    return () => clearTimeout(timer);
  },
};

const MINUTE = 60_000;

/** When a sync point next comes due after `now`: the next HH:MM in local time, or `every` minutes after `from`. */
export function nextDue(point: SyncPoint, now: number, from: number = now): number {
  if (point.every !== undefined) {
    const period = point.every * MINUTE;
    return from + period * Math.max(1, Math.floor((now - from) / period) + 1);
  }
  const [hours, minutes] = point.at!.split(':').map(Number) as [number, number];
  const due = new Date(now);
  due.setHours(hours, minutes, 0, 0);
  if (due.getTime() <= now) due.setDate(due.getDate() + 1);
  return due.getTime();
}

/**
 * lanes.yml's `sync:` list on a clock: one timer for the point due first. When it comes, every
 * point due by then is handed to `deliver`, in the order of the list, and scheduled again. A
 * point the new list keeps (same time and text) keeps its next time; `every` counts from when
 * the point was scheduled.
 */
export class SyncSchedule {
  private points: { readonly point: SyncPoint; readonly key: string; next: number }[] = [];
  private cancel: (() => void) | null = null;
  private closed = false;

  constructor(
    private readonly clock: SyncClock,
    private readonly deliver: (point: SyncPoint, index: number) => void,
  ) {}

  /** Replaces the schedule with lanes.yml's current list. */
  set(points: readonly SyncPoint[]): void {
    const now = this.clock.now();
    const kept = new Map(this.points.map((entry) => [entry.key, entry.next]));
    this.points = points.map((point) => {
      const key = JSON.stringify([point.at, point.every, point.text]);
      return { point, key, next: kept.get(key) ?? nextDue(point, now) };
    });
    this.arm();
  }

  /** The list, each point with when it comes due next (milliseconds since the epoch). */
  entries(): { readonly point: SyncPoint; readonly next: number }[] {
    return this.points.map(({ point, next }) => ({ point, next }));
  }

  close(): void {
    this.closed = true;
    this.cancel?.();
    this.cancel = null;
  }

  private arm(): void {
    this.cancel?.();
    this.cancel = null;
    if (this.closed || this.points.length === 0) return;
    const first = Math.min(...this.points.map((entry) => entry.next));
    this.cancel = this.clock.at(first, () => this.fire());
  }

  private fire(): void {
    this.cancel = null;
    const now = this.clock.now();
    this.points.forEach((entry, index) => {
      if (entry.next > now) return;
      entry.next = nextDue(entry.point, now, entry.next);
      this.deliver(entry.point, index);
    });
    this.arm();
  }
}
