import { useEffect, useId, useState, type FormEvent } from 'react';
import type { Lease } from '../../../main/contract/zones';
import { ErrorBanner } from '../shell/Banners';
import { useLeases } from './leases-store';
import { plural } from './plural';
import { useZones } from './store';

/** Live leases with their end, the user's grant and end, and the history file's latest lines. */
export function LeasesPanel() {
  const { leases, error, busy, grant, end, dismiss } = useLeases();
  const saved = useZones((state) => state.saved);
  const instances = saved?.instances.map((instance) => instance.name) ?? [];
  useEveryQuarterMinute();
  if (!leases) return <div className="card empty">Reading the leases…</div>;
  return (
    <>
      <ErrorBanner message={error} onDismiss={dismiss} />
      <section className="card" aria-label="Live leases">
        <h2>Leases</h2>
        <p className="muted">
          While a lease lasts, only its holder may write its path, even a common one or another instance's; the guard, the watcher and the pre-commit hook refuse
          everyone else. Every lease taken, granted, released, ended or expired is in <span className="mono">{leases.file}</span>.
        </p>
        {leases.live.length === 0 ? (
          <p className="empty">No lease is held now.</p>
        ) : (
          <table className="table" aria-label="Live leases">
            <thead>
              <tr>
                <th scope="col">Path</th>
                <th scope="col">Held by</th>
                <th scope="col">Ends</th>
                <th scope="col">Granted by</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {leases.live.map((lease) => (
                <tr key={lease.id}>
                  <td className="mono">{lease.path}</td>
                  <td>{lease.instance}</td>
                  <td>
                    {new Date(lease.until).toLocaleTimeString()} <span className="muted">({remaining(lease)})</span>
                  </td>
                  <td>{lease.grantedBy ?? 'taken on a common path'}</td>
                  <td>
                    <button className="button small danger" type="button" disabled={busy} onClick={() => void end(lease.id)} aria-label={`End the lease of ${lease.instance} on ${lease.path}`}>
                      End now
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <GrantForm instances={instances} busy={busy} onGrant={grant} />
      <section className="card" aria-label="Lease history">
        <h2>History</h2>
        {leases.history.length === 0 ? (
          <p className="empty">No lease yet.</p>
        ) : (
          <ol className="lease-history">
            {[...leases.history]
              .reverse()
              .slice(0, 30)
              .map((entry, index) => (
                <li key={`${entry.id}-${entry.event}-${index}`}>
                  <span className="muted">{new Date(entry.at).toLocaleString()}</span> {entry.instance} · <span className="mono">{entry.path}</span> · {entry.event}
                  {entry.by ? ` by ${entry.by}` : ''}
                </li>
              ))}
          </ol>
        )}
      </section>
    </>
  );
}

function GrantForm({ instances, busy, onGrant }: { instances: readonly string[]; busy: boolean; onGrant: (instance: string, path: string, minutes: number) => Promise<boolean> }) {
  const [instance, setInstance] = useState('');
  const [path, setPath] = useState('');
  const [minutes, setMinutes] = useState('30');
  const ids = { instance: useId(), path: useId(), minutes: useId() };
  const chosen = instance || instances[0] || '';
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (await onGrant(chosen, path, Number(minutes))) setPath('');
  };
  return (
    <section className="card" aria-label="Grant a lease">
      <h2>Grant a lease</h2>
      <form className="row lease-grant" onSubmit={(event) => void submit(event)}>
        <label htmlFor={ids.instance}>Instance</label>
        <select id={ids.instance} className="input" value={chosen} onChange={(event) => setInstance(event.target.value)}>
          {instances.map((name) => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
        </select>
        <label htmlFor={ids.path}>Path</label>
        <input id={ids.path} className="input mono grow" value={path} placeholder="docs/api.md" onChange={(event) => setPath(event.target.value)} />
        <label htmlFor={ids.minutes}>Minutes</label>
        <input id={ids.minutes} className="input lease-minutes" type="number" min={1} max={1440} value={minutes} onChange={(event) => setMinutes(event.target.value)} />
        <button className="button primary" type="submit" disabled={busy || chosen === '' || path.trim() === ''}>
          Grant
        </button>
      </form>
    </section>
  );
}

/** "12 minutes left", "ending": the table counts down without a reload. */
function remaining(lease: Lease): string {
  const minutes = Math.ceil((Date.parse(lease.until) - Date.now()) / 60_000);
  return minutes > 0 ? `${plural(minutes, 'minute')} left` : 'ending';
}

/** Renders the panel again every 15 seconds while it is shown, so the time left counts down. */
function useEveryQuarterMinute(): void {
  const [, setTick] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => setTick((tick) => tick + 1), 15_000);
    return () => clearInterval(timer);
  }, []);
}
