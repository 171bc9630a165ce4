import { useEffect, useState } from 'react';
import type { SyncResult, SyncState } from '../../../main/contract/requests';
import { errorMessage, lanes } from '../client';
import { Message } from '../shell/Message';

const clockTime = (iso: string) => new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

/** When a point of lanes.yml's `sync:` list comes: "Daily at 09:00", "Every 30 minutes". */
function cadence(point: SyncState['points'][number]): string {
  if (point.at !== null) return `Daily at ${point.at}`;
  return point.every === 1 ? 'Every minute' : `Every ${point.every} minutes`;
}

/**
 * lanes.yml's sync points: the schedule, "Sync now" for each, and when each agent was last
 * synced (or why it was not). Read from the requests room and kept current by its
 * `requests.synced` event and by agents starting and stopping.
 */
export function SyncPanel() {
  const [state, setState] = useState<SyncState | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<number | null>(null);
  const [result, setResult] = useState<SyncResult | null>(null);

  useEffect(() => {
    let live = true;
    const load = () =>
      lanes.call('requests.syncState', {}).then(
        (value) => live && setState(value),
        (caught: unknown) => live && setError(errorMessage(caught)),
      );
    void load();
    const stopSynced = lanes.on('requests.synced', (value) => setState(value));
    const stopInstances = lanes.on('instances.changed', () => void load());
    return () => {
      live = false;
      stopSynced();
      stopInstances();
    };
  }, []);

  const syncNow = async (point: SyncState['points'][number]) => {
    setBusy(point.index);
    setError(null);
    try {
      setResult(await lanes.call('requests.syncNow', { point: point.index, text: point.text }));
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setBusy(null);
    }
  };

  if (!state) {
    return error ? (
      <p className="form-error" role="alert">
        <Message text={error} />
      </p>
    ) : (
      <p className="muted" aria-busy="true">
        Reading the sync schedule…
      </p>
    );
  }

  return (
    <div className="plan-sync">
      {state.points.length === 0 ? (
        <p className="muted plan-empty">
          No sync points yet. Add a <span className="mono">sync:</span> list to lanes.yml, each with <span className="mono">at: "09:00"</span> or{' '}
          <span className="mono">every: 30</span> (minutes) and the <span className="mono">text</span> to type into every running agent.
        </p>
      ) : (
        <ul className="plan-sync-points" aria-label="Sync points">
          {state.points.map((point) => (
            <li key={point.index} className="plan-sync-point" data-testid="sync-point">
              <div className="grow">
                <div className="plan-sync-cadence">
                  {cadence(point)}
                  <span className="muted plan-sync-next">
                    {' '}
                    · next at <time dateTime={point.next}>{clockTime(point.next)}</time>
                  </span>
                </div>
                <div className="plan-sync-text">{point.text}</div>
              </div>
              <button type="button" className="button small" disabled={busy !== null} aria-label={`Sync now: ${cadence(point)}`} onClick={() => void syncNow(point)}>
                Sync now
              </button>
            </li>
          ))}
        </ul>
      )}
      {error && (
        <p className="form-error" role="alert">
          <Message text={error} />
        </p>
      )}
      {result && (
        <p className="plan-sync-result" role="status" data-testid="sync-result">
          {result.typed.length > 0 ? `Typed into ${result.typed.join(', ')}.` : 'No running agent took it.'}
        </p>
      )}
      {state.agents.length > 0 && (
        <table className="plan-sync-agents" aria-label="Last synced">
          <thead>
            <tr>
              <th scope="col">Instance</th>
              <th scope="col">Last synced</th>
            </tr>
          </thead>
          <tbody>
            {state.agents.map((agent) => (
              <tr key={agent.instance} data-testid={`synced-${agent.instance}`}>
                <th scope="row">{agent.instance}</th>
                <td>
                  {agent.lastSyncedAt ? (
                    <span title={agent.lastText ?? undefined}>
                      at <time dateTime={agent.lastSyncedAt}>{clockTime(agent.lastSyncedAt)}</time>
                    </span>
                  ) : (
                    <span className="muted">Not yet</span>
                  )}
                  {agent.notSyncedBecause && (
                    <span className="muted plan-sync-reason">
                      {' '}
                      · last one not typed: <Message text={agent.notSyncedBecause} />
                    </span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
