import { randomBytes } from 'node:crypto';
import { realpathSync } from 'node:fs';
import type { Leases } from '../contract/zones';
import { readVersionedIfExists, writeFileAtomic } from '../shared/atomic-file';
import { disposableTimeout, type Disposable } from '../shared/disposable';
import { LanesError } from '../shared/errors';
import { resolveInside, toRepoPath } from '../shared/path-guard';
import { excludeFromGit } from '../shared/agent-files';
import { LEASE_HISTORY_FILE_NAME, leaseHistoryFile } from '../workspace/home';
import { isLive, liveLeases, openLeases, parseLeaseHistory, pathsMeet, type Lease, type LeaseEvent } from './leases';
import { normalizeRepoPath } from './matcher';
import type { ZoneSet } from './zone-set';

/** History lines sent to the screen; the file keeps them all. */
const HISTORY_SHOWN = 200;

/** Timers fire at most this late after a lease's end: a long wait is split (setTimeout's limit is ~24.8 days). */
const LONGEST_WAIT_MS = 60 * 60 * 1000;

export interface LeaseBookOptions {
  /** The main checkout: the history file's folder and the root of the leased paths. */
  readonly home: string;
  /** The zones as saved now (owners and common paths). */
  readonly zones: () => ZoneSet;
  readonly ignoreCase: boolean;
  /** Called before Lanes writes the history file, with what it will hold (for the zone watcher). */
  readonly beforeWrite: (content: Buffer) => void;
  /** The live leases changed (taken, granted, released, ended, expired). */
  readonly onChange: (leases: Leases) => void;
}

/**
 * The leases of one workspace, kept in the history file. Every change is read, checked and
 * appended in turn; a write is refused when the file changed since it was read. A timer writes
 * each lease's expiry when its time comes; a lease whose time is up stops counting even before.
 */
export class LeaseBook implements Disposable {
  private queue: Promise<unknown> = Promise.resolve();
  private timer: Disposable | null = null;
  private disposed = false;
  readonly file: string;

  constructor(private readonly options: LeaseBookOptions) {
    this.file = leaseHistoryFile(options.home);
  }

  /** The leases now; writes the expiry of any lease whose time is up first. */
  state(): Promise<Leases> {
    return this.enqueue(async () => this.view((await this.update(() => [])).events));
  }

  take(instance: string, requested: string, minutes: number): Promise<Lease> {
    return this.start('taken', instance, requested, minutes, null);
  }

  grant(instance: string, requested: string, minutes: number, by: string): Promise<Lease> {
    return this.start('granted', instance, requested, minutes, by);
  }

  /** Ends a lease: released by its holder (`instance`), or ended by the user. */
  release(id: string, instance: string | undefined): Promise<Leases> {
    return this.enqueue(async () => {
      const { events } = await this.update((live) => {
        const lease = live.find((candidate) => candidate.id === id);
        if (!lease) throw new LanesError('not-found', `There is no live lease "${id}": it has ended already, or never existed. Nothing was written.`);
        if (instance !== undefined && lease.instance !== instance) {
          throw new LanesError('invalid-argument', `The lease on \`${lease.path}\` is held by ${lease.instance}, not ${instance}, so ${instance} cannot release it. Nothing was written.`);
        }
        return [event(instance === undefined ? 'ended' : 'released', lease, instance === undefined ? { by: 'user' } : {})];
      });
      return this.view(events);
    });
  }

  dispose(): void {
    this.disposed = true;
    this.timer?.dispose();
    this.timer = null;
  }

  private start(kind: 'taken' | 'granted', instance: string, requested: string, minutes: number, by: string | null): Promise<Lease> {
    return this.enqueue(async () => {
      let started: Lease | null = null;
      await this.update((live) => {
        const zones = this.options.zones();
        if (!zones.names.includes(instance)) throw new LanesError('not-found', `There is no instance called "${instance}" in lanes.yml. Nothing was written.`);
        const path = this.repoPath(requested);
        const owners = zones.ownersOf(path);
        if (owners.includes(instance)) {
          throw new LanesError('invalid-argument', `\`${path}\` is in ${instance}'s own zone already: ${instance} may write it without a lease. Nothing was written.`);
        }
        if (kind === 'taken' && !zones.isCommon(path)) {
          const whose = owners.length > 0 ? `belongs to ${owners.join(' and ')}` : 'belongs to no instance and is not a common path';
          throw new LanesError('invalid-argument', `\`${path}\` ${whose}: a lease on it must be granted by ${owners.length > 0 ? `${owners[0]} or ` : ''}the user. Nothing was written.`);
        }
        if (by !== null && by !== 'user') {
          if (!zones.names.includes(by)) throw new LanesError('not-found', `There is no instance called "${by}" in lanes.yml to grant this lease. Nothing was written.`);
          if (!owners.includes(by)) throw new LanesError('invalid-argument', `${by} does not own \`${path}\`, so it cannot grant a lease on it; its owner or the user can. Nothing was written.`);
        }
        const overlapping = live.find((lease) => pathsMeet(lease.path, path, this.options.ignoreCase));
        if (overlapping) {
          throw new LanesError('conflict', `\`${path}\` overlaps the lease of ${overlapping.instance} on \`${overlapping.path}\` until ${overlapping.until}. Nothing was written; wait for it to end, or end it on the Zones screen.`);
        }
        const now = Date.now();
        const lease: Lease = { id: randomBytes(6).toString('hex'), instance, path, since: new Date(now).toISOString(), until: new Date(now + minutes * 60_000).toISOString(), grantedBy: by };
        started = lease;
        return [{ at: lease.since, event: kind, id: lease.id, instance, path, until: lease.until, ...(by !== null ? { by } : {}) }];
      });
      return started!;
    });
  }

  /** A path given by a screen or an agent, as a repository path; refused when it leaves the repository or is not one plain path. */
  private repoPath(requested: string): string {
    const home = realpathSync(this.options.home);
    const path = normalizeRepoPath(toRepoPath(home, resolveInside(home, requested.trim(), { allowAbsolute: true })));
    if (path === '') throw new LanesError('invalid-argument', 'A lease cannot cover the whole repository; give a file or folder inside it. Nothing was written.');
    if (/[*?[\]{}]/.test(path)) throw new LanesError('invalid-argument', `\`${path}\` is a pattern; a lease is on one file or folder. Nothing was written.`);
    return path;
  }

  /**
   * Reads the history, appends the expiry of every lease whose time is up and then what
   * `change` adds (it may throw to refuse: nothing is written then), and arms the timer.
   */
  private async update(change: (live: Lease[]) => LeaseEvent[]): Promise<{ events: LeaseEvent[] }> {
    const current = await readVersionedIfExists(this.file);
    const text = current.text ?? '';
    const events = parseLeaseHistory(text);
    const now = Date.now();
    const expired = openLeases(events)
      .filter((lease) => !isLive(lease, now))
      .map((lease) => event('expired', lease, { at: lease.until }));
    const added = [...expired, ...change(liveLeases([...events, ...expired], now))];
    const all = [...events, ...added];
    if (added.length > 0) {
      const lines = added.map((entry) => `${JSON.stringify(entry)}\n`).join('');
      const content = Buffer.from(`${text}${text === '' || text.endsWith('\n') ? '' : '\n'}${lines}`, 'utf8');
      // The history is the workspace's record, not the branch's work: git leaves it out of every commit.
      if (current.text === null) await excludeFromGit(this.options.home, [`/${LEASE_HISTORY_FILE_NAME}`]);
      this.options.beforeWrite(content);
      await writeFileAtomic(this.file, content, { expected: current.version });
      this.options.onChange(this.view(all));
    }
    this.arm(all);
    return { events: all };
  }

  private view(events: readonly LeaseEvent[]): Leases {
    return { live: liveLeases(events, Date.now()), history: events.slice(-HISTORY_SHOWN), file: this.file };
  }

  /** Wakes up at the next lease's end to write its expiry. */
  private arm(events: readonly LeaseEvent[]): void {
    this.timer?.dispose();
    this.timer = null;
    if (this.disposed) return;
    const next = Math.min(...openLeases(events).map((lease) => Date.parse(lease.until)));
    if (!Number.isFinite(next)) return;
    this.timer = disposableTimeout(() => void this.state().catch(() => undefined), Math.min(Math.max(next - Date.now(), 0) + 5, LONGEST_WAIT_MS));
  }

  private enqueue<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }
}

function event(kind: LeaseEvent['event'], lease: Lease, extra: { at?: string; by?: string } = {}): LeaseEvent {
  return { at: extra.at ?? new Date().toISOString(), event: kind, id: lease.id, instance: lease.instance, path: lease.path, ...(extra.by ? { by: extra.by } : {}) };
}
