import { useId, useState } from 'react';
import type { DecisionResult } from '../../../main/contract/requests';
import { errorMessage } from '../client';
import { useRequests } from '../requests/store';
import { Message } from '../shell/Message';

/** A decision entered once: recorded in the shared-state file and typed into every running agent. */
export function DecisionForm() {
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<DecisionResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const inputId = useId();

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      setResult(await useRequests.getState().decide(text));
      setText('');
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="plan-decision" onSubmit={(event) => void submit(event)}>
      <label htmlFor={inputId}>Decision for every instance</label>
      <div className="row">
        <input
          id={inputId}
          className="input grow"
          value={text}
          maxLength={2000}
          placeholder="Every new table gets row-level security"
          onChange={(event) => setText(event.target.value)}
        />
        <button type="submit" className="button primary" disabled={busy || text.trim() === ''}>
          Record and tell the agents
        </button>
      </div>
      {error && (
        <p className="form-error" role="alert">
          <Message text={error} />
        </p>
      )}
      {result && (
        <div className="plan-decision-result" role="status" data-testid="decision-result">
          <p>
            Added to the Decisions section of <span className="mono">{result.sharedState}</span>.{' '}
            {result.typed.length > 0 ? `Typed into ${result.typed.join(', ')}.` : 'No running agent took it.'}
          </p>
          {result.notTyped.length > 0 && (
            <ul className="muted">
              {result.notTyped.map((entry) => (
                <li key={entry.instance}>
                  <Message text={entry.reason} />
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </form>
  );
}
