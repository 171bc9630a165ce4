import { useId } from 'react';
import { Message } from '../shell/Message';
import { useZones } from './store';

/** What happens on a write outside a zone, and the watcher of each checkout. */
export function EnforcementPanel() {
  const enforcement = useZones((state) => state.enforcement);
  const saved = useZones((state) => state.saved);
  const setOnViolation = useZones((state) => state.setOnViolation);
  const selectId = useId();
  if (!saved) return null;
  return (
    <section className="card" aria-label="Enforcement">
      <h2>Enforcement</h2>
      <div className="row">
        <label htmlFor={selectId}>When an instance writes outside its zone</label>
        <select id={selectId} className="input" value={saved.onViolation} onChange={(event) => void setOnViolation(event.target.value as 'warn' | 'restore')}>
          <option value="warn">warn only</option>
          <option value="restore">restore the file from git</option>
        </select>
      </div>
      <ul className="watchers">
        {(enforcement?.watchers ?? []).map((watcher) => (
          <li key={watcher.checkout} className="row">
            <span className={`dot ${watcher.state === 'watching' ? 'dot-ok' : watcher.state === 'failed' ? 'dot-problem' : 'dot-missing'}`} aria-hidden="true" />
            <span className="mono grow">{watcher.checkout}</span>
            <span className="muted">{watcher.instances.join(', ') || 'no instance'}</span>
            <span>{watcher.state === 'starting' ? 'guarding…' : watcher.state}</span>
            {watcher.message && (
              <span className="form-error watcher-message" role="alert">
                <Message text={watcher.message} />
              </span>
            )}
          </li>
        ))}
      </ul>
      {(enforcement?.notes ?? []).map((note) => (
        <p key={note} className="banner banner-warn enforcement-note">
          <Message text={note} />
        </p>
      ))}
    </section>
  );
}
