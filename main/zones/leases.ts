import { readFileSync } from 'node:fs';
import { leaseHistoryFile } from '../workspace/home';
import { normalizeRepoPath } from './matcher';

/**
 * Leases: an instance's time-limited exclusive right to write a path (a file or a folder and
 * everything below it). While a lease is live its holder may write the path even when another
 * instance owns it, and nobody else may, not even on a common path. The history file is the
 * only truth: the live leases are what it says, minus every lease whose time is up, so a lease
 * whose expiry was never written down still stops blocking the moment it ends.
 *
 * Imports only Node, the matcher and the home's paths: `lanes guard` reads leases on every edit.
 */

export type LeaseEventKind = 'taken' | 'granted' | 'released' | 'ended' | 'expired';

/** One line of the history file. */
export interface LeaseEvent {
  readonly at: string;
  readonly event: LeaseEventKind;
  readonly id: string;
  readonly instance: string;
  readonly path: string;
  /** When the lease ends on its own (taken, granted). */
  readonly until?: string;
  /** Who granted it ("user" or the owning instance), or who ended it. */
  readonly by?: string;
}

export interface Lease {
  readonly id: string;
  readonly instance: string;
  readonly path: string;
  readonly since: string;
  readonly until: string;
  /** Who granted it; null when the instance took it on a common path. */
  readonly grantedBy: string | null;
}

const KINDS: ReadonlySet<string> = new Set(['taken', 'granted', 'released', 'ended', 'expired']);

/** The events of a history file's text. A line that is not one of Lanes' events is skipped: it cannot start or end a lease. */
export function parseLeaseHistory(text: string): LeaseEvent[] {
  const events: LeaseEvent[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      continue;
    }
    if (isLeaseEvent(value)) events.push(value);
  }
  return events;
}

function isLeaseEvent(value: unknown): value is LeaseEvent {
  if (typeof value !== 'object' || value === null) return false;
  const event = value as Record<string, unknown>;
  return (
    typeof event.at === 'string' &&
    typeof event.event === 'string' &&
    KINDS.has(event.event) &&
    typeof event.id === 'string' &&
    typeof event.instance === 'string' &&
    typeof event.path === 'string' &&
    (event.until === undefined || typeof event.until === 'string') &&
    (event.by === undefined || typeof event.by === 'string')
  );
}

/** Every lease started and not yet ended, including those whose time is up and whose expiry is not written yet. */
export function openLeases(events: readonly LeaseEvent[]): Lease[] {
  const open = new Map<string, Lease>();
  for (const event of events) {
    if ((event.event === 'taken' || event.event === 'granted') && event.until) {
      open.set(event.id, { id: event.id, instance: event.instance, path: event.path, since: event.at, until: event.until, grantedBy: event.event === 'granted' ? (event.by ?? 'user') : null });
    } else if (event.event === 'released' || event.event === 'ended' || event.event === 'expired') {
      open.delete(event.id);
    }
  }
  return [...open.values()];
}

/** The leases in force at `now`. */
export function liveLeases(events: readonly LeaseEvent[], now: number): Lease[] {
  return openLeases(events).filter((lease) => isLive(lease, now));
}

export function isLive(lease: Lease, now: number): boolean {
  return Date.parse(lease.until) > now;
}

/** The live leases of the workspace whose home is `home`, read now; none when there is no history yet. */
export function readLiveLeases(home: string, now = Date.now()): Lease[] {
  let text: string;
  try {
    text = readFileSync(leaseHistoryFile(home), 'utf8');
  } catch {
    return [];
  }
  return liveLeases(parseLeaseHistory(text), now);
}

/** Whether one path lies in the other (a lease on `docs` covers `docs/guide.md`), both normalized repository paths. */
export function pathsMeet(a: string, b: string, ignoreCase = false): boolean {
  const [x, y] = ignoreCase ? [a.toLowerCase(), b.toLowerCase()] : [a, b];
  return x === y || x.startsWith(`${y}/`) || y.startsWith(`${x}/`);
}

/** The live lease that covers a path, if any: the path is the lease's path or lies below it. */
export function leaseCovering(leases: readonly Lease[], repoPath: string, ignoreCase = false, now = Date.now()): Lease | null {
  const target = normalizeRepoPath(repoPath);
  const fold = (value: string) => (ignoreCase ? value.toLowerCase() : value);
  const folded = fold(target);
  for (const lease of leases) {
    if (!isLive(lease, now)) continue;
    const leased = fold(lease.path);
    if (folded === leased || folded.startsWith(`${leased}/`)) return lease;
  }
  return null;
}
