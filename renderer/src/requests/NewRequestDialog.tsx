import { useId, useState, type FormEvent } from 'react';
import type { RequestSummary } from '../../../main/contract/requests';
import { errorMessage } from '../client';
import { Dialog } from './Dialog';
import { useRequests } from './store';

interface Row {
  id: number;
  key: string;
  value: string;
}

/** The new-request form: it writes `YYYYMMDD_slug.md` in the requests folder, as agents do. */
export function NewRequestDialog({ onClose, onCreated }: { onClose(): void; onCreated(request: RequestSummary): void }) {
  const instances = useRequests((state) => state.board?.instances ?? []);
  const relativeFolder = useRequests((state) => state.board?.folder ?? '');
  const paths = useRequests((state) => state.paths);
  const folder = paths?.requests ?? relativeFolder;
  const done = paths?.done ?? 'done';
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [title, setTitle] = useState('');
  const [body, setBody] = useState('');
  const [priority, setPriority] = useState('');
  const [rows, setRows] = useState<Row[]>([]);
  const [nextRow, setNextRow] = useState(1);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const id = useId();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const created = await useRequests.getState().create({
        from,
        to,
        title,
        body,
        table: rows.map(({ key, value }) => ({ key, value })),
        ...(priority ? { priority } : {}),
      });
      onCreated(created);
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setBusy(false);
    }
  };

  const updateRow = (rowId: number, change: Partial<Row>) => setRows((current) => current.map((row) => (row.id === rowId ? { ...row, ...change } : row)));

  return (
    <Dialog label="New request" onClose={onClose} className="req-new">
      <form onSubmit={(event) => void submit(event)} className="req-form">
        <header className="req-detail-header">
          <h2 className="req-detail-title grow">New request</h2>
          <button type="button" className="button ghost small" onClick={onClose} aria-label="Close">
            ✕
          </button>
        </header>
        <p className="muted req-form-hint">
          Written to <span className="mono">{folder}/</span> with today’s date; the receiving instance moves it to <span className="mono">{done}/</span> when finished.
        </p>
        <datalist id={`${id}-instances`}>
          {instances.map((name) => (
            <option key={name} value={name} />
          ))}
        </datalist>
        <div className="req-form-grid">
          <label htmlFor={`${id}-from`}>From</label>
          <input id={`${id}-from`} className="input" list={`${id}-instances`} value={from} onChange={(event) => setFrom(event.target.value)} required placeholder="Windows#67" autoComplete="off" />
          <label htmlFor={`${id}-to`}>To</label>
          <input id={`${id}-to`} className="input" list={`${id}-instances`} value={to} onChange={(event) => setTo(event.target.value)} required placeholder="VSCode" autoComplete="off" />
          <label htmlFor={`${id}-title`}>Title</label>
          <input id={`${id}-title`} className="input" value={title} onChange={(event) => setTitle(event.target.value)} required placeholder="Allen AI UI addition" autoComplete="off" />
          <label htmlFor={`${id}-priority`}>Priority</label>
          <select id={`${id}-priority`} className="input" value={priority} onChange={(event) => setPriority(event.target.value)}>
            <option value="">None</option>
            <option value="low">Low</option>
            <option value="medium">Medium</option>
            <option value="high">High</option>
          </select>
          <label htmlFor={`${id}-body`}>What to do</label>
          <textarea id={`${id}-body`} className="input" rows={7} value={body} onChange={(event) => setBody(event.target.value)} placeholder="Markdown: what to add, where, and why." />
        </div>

        <fieldset className="req-table-rows">
          <legend>Details table (optional)</legend>
          {rows.map((row, index) => (
            <div className="row" key={row.id}>
              <input className="input grow" aria-label={`Key ${index + 1}`} value={row.key} onChange={(event) => updateRow(row.id, { key: event.target.value })} placeholder="provider" />
              <input className="input grow mono" aria-label={`Value ${index + 1}`} value={row.value} onChange={(event) => updateRow(row.id, { value: event.target.value })} placeholder="`allen_ai`" />
              <button type="button" className="button ghost small" onClick={() => setRows((current) => current.filter((item) => item.id !== row.id))} aria-label={`Remove row ${index + 1}`}>
                Remove
              </button>
            </div>
          ))}
          <button
            type="button"
            className="button small"
            onClick={() => {
              setRows((current) => [...current, { id: nextRow, key: '', value: '' }]);
              setNextRow(nextRow + 1);
            }}
          >
            Add row
          </button>
        </fieldset>

        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        <div className="row req-detail-actions">
          <button type="submit" className="button primary" disabled={busy}>
            Create request
          </button>
          <button type="button" className="button ghost" onClick={onClose}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  );
}
