import { useId, useState, type FormEvent } from 'react';
import type { PathOwner } from '../../../main/contract/zones';
import { errorMessage, lanes } from '../client';
import { showTerminal, useInstances } from '../instances/store';
import { Dialog } from '../requests/Dialog';
import { Message } from '../shell/Message';
import { goTo } from '../shell/routes';
import { laneColor } from './lane-color';

/**
 * "Who owns a path…": any path of the repository, tracked or not, relative or absolute inside a
 * worktree, answered by main from lanes.yml's zones and the live leases. An owner's terminal is
 * one click away.
 */
export function WhoOwnsDialog({ onClose }: { onClose(): void }) {
  const inputId = useId();
  const [asked, setAsked] = useState('');
  const [answer, setAnswer] = useState<PathOwner | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    try {
      setAnswer(await lanes.call('zones.owner', { path: asked }));
      setError(null);
    } catch (caught) {
      setAnswer(null);
      setError(errorMessage(caught));
    } finally {
      setBusy(false);
    }
  };

  const close = (then?: () => void) => {
    onClose();
    then?.();
  };

  return (
    <Dialog label="Who owns a path" onClose={onClose} className="who-owns-dialog">
      <h2>Who owns a path?</h2>
      <form className="row" onSubmit={(event) => void submit(event)}>
        <label htmlFor={inputId} className="visually-hidden">
          Path
        </label>
        <input
          id={inputId}
          className="input mono grow"
          value={asked}
          placeholder="src/api/prices.ts, or an absolute path in a worktree"
          onChange={(event) => setAsked(event.target.value)}
          autoComplete="off"
          spellCheck={false}
          autoFocus
        />
        <button className="button primary" type="submit" disabled={busy || asked.trim() === ''}>
          Ask
        </button>
      </form>
      <div className="who-owns-answer" aria-live="polite">
        {error && (
          <p className="banner banner-error" role="alert">
            <Message text={error} />
          </p>
        )}
        {answer && <OwnerAnswer answer={answer} onShowTerminal={(name) => close(() => showTerminal(name))} />}
      </div>
      <div className="row">
        <span className="grow" />
        <button type="button" className="button" onClick={() => close(() => goTo('zones'))}>
          Open Zones
        </button>
        <button type="button" className="button primary" onClick={() => close()}>
          Close
        </button>
      </div>
    </Dialog>
  );
}

function OwnerAnswer({ answer, onShowTerminal }: { answer: PathOwner; onShowTerminal(name: string): void }) {
  const instances = useInstances((state) => state.instances);
  const { owners, lease, common, coordination } = answer;
  const facts: string[] = [];
  if (owners.length > 1) facts.push(`Overlap: ${owners.join(' and ')} ${owners.length === 2 ? 'both' : 'all'} own it. Give it to one of them on the Zones screen.`);
  if (lease) facts.push(`${lease.instance} holds a lease on \`${lease.path}\` until ${new Date(lease.until).toLocaleTimeString()}: only ${lease.instance} may write it until then.`);
  if (coordination) facts.push(`A shared coordination file (${coordination}): every agent writes it, in the main checkout.`);
  else if (common) facts.push('A common path: every instance may write it.');
  if (owners.length === 0 && !common && !coordination) facts.push('Nobody owns it: an agent that writes it is outside its zone. Give it a zone on the Zones screen.');
  return (
    <section aria-label={`Who owns ${answer.path}`}>
      <p>
        <code className="inline-code">{answer.path}</code>
      </p>
      {owners.length > 0 && (
        <ul className="who-owns-owners">
          {owners.map((name) => {
            const index = instances.findIndex((instance) => instance.name === name);
            return (
              <li key={name} className="row">
                <span className="lane-dot" style={{ background: laneColor(index) }} aria-hidden="true" />
                <span className="grow">
                  Owned by <strong>{name}</strong>
                </span>
                {index >= 0 && (
                  <button type="button" className="button small" onClick={() => onShowTerminal(name)}>
                    Show {name}&apos;s terminal
                  </button>
                )}
              </li>
            );
          })}
        </ul>
      )}
      {facts.map((fact) => (
        <p key={fact}>
          <Message text={fact} />
        </p>
      ))}
    </section>
  );
}
