import { useEffect, useId, useState, type FormEvent } from 'react';
import type { RequestSummary } from '../../../main/contract/requests';
import { errorMessage } from '../client';
import { Dialog } from './Dialog';
import { USER_PARTY } from './new-request';
import { useRequests } from './store';

interface Row {
  id: number;
  key: string;
  value: string;
}

/** The choice in a From or To list that reveals a field for a name lanes.yml does not have. */
const OTHER = '\0other';

/**
 * The new-request form: it writes `YYYYMMDD_slug.md` in the requests folder, as agents do. From
 * and To are picked from this workspace's instances (From may be the user); "Other…" takes any name.
 */
export function NewRequestDialog({ to: initialTo, onClose, onCreated }: { to: string; onClose(): void; onCreated(request: RequestSummary): void }) {
  const instances = useRequests((state) => state.board?.instances ?? NO_INSTANCES);
  const relativeFolder = useRequests((state) => state.board?.folder ?? '');
  const paths = useRequests((state) => state.paths);
  const folder = paths?.requests ?? relativeFolder;
  const done = paths?.done ?? 'done';
  const [from, setFrom] = useState(USER_PARTY);
  const [to, setTo] = useState(initialTo);
  const [title, setTitle] = useState('');
  const [body, setBody] = useState('');
  const [priority, setPriority] = useState('');
  const [rows, setRows] = useState<Row[]>([]);
  const [nextRow, setNextRow] = useState(1);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const id = useId();
  // The dialog opens (showModal) in its own effect, which runs before this one: focus can land now.
  useEffect(() => document.getElementById(`${id}-from`)?.focus(), [id]);

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
        <div className="req-form-grid">
          <label htmlFor={`${id}-from`}>From</label>
          <PartyPicker id={`${id}-from`} value={from} onChange={setFrom} instances={instances} withUser otherLabel="Other sender" />
          <label htmlFor={`${id}-to`}>To</label>
          <PartyPicker id={`${id}-to`} value={to} onChange={setTo} instances={instances} otherLabel="Other receiver" />
          <label htmlFor={`${id}-title`}>Title</label>
          <input
            id={`${id}-title`}
            className="input"
            value={title}
            onChange={(event) => setTitle(event.target.value)}
            required
            placeholder={`One line: what ${to.trim() || 'the receiver'} should do`}
            autoComplete="off"
          />
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
              <input className="input grow" aria-label={`Key ${index + 1}`} value={row.key} onChange={(event) => updateRow(row.id, { key: event.target.value })} placeholder="Key" />
              <input className="input grow mono" aria-label={`Value ${index + 1}`} value={row.value} onChange={(event) => updateRow(row.id, { value: event.target.value })} placeholder="Value" />
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

const NO_INSTANCES: readonly string[] = [];

interface PartyPickerProps {
  id: string;
  value: string;
  onChange(value: string): void;
  instances: readonly string[];
  /** Offers the user as a party (a sender), beside the instances. */
  withUser?: boolean;
  otherLabel: string;
}

/**
 * A list of this workspace's instances (and the user, for a sender); "Other…" shows a field for
 * any other name, as hand-written requests use (`Windows#67`). Without instances, only the field.
 */
function PartyPicker({ id, value, onChange, instances, withUser = false, otherLabel }: PartyPickerProps) {
  const listed = withUser ? [USER_PARTY, ...instances.filter((name) => name !== USER_PARTY)] : instances;
  const [other, setOther] = useState(() => value !== '' && !listed.includes(value));
  const example = instances[0] ? `${instances[0]}#12` : 'An instance’s name';
  const field = (fieldId: string, label?: string, focus = false) => (
    <input
      id={fieldId}
      className="input"
      aria-label={label}
      value={value}
      onChange={(event) => onChange(event.target.value)}
      required
      placeholder={example}
      autoComplete="off"
      spellCheck={false}
      autoFocus={focus}
    />
  );
  if (listed.length === 0) return field(id);
  return (
    <div className="req-party">
      <select
        id={id}
        className="input"
        value={other ? OTHER : value}
        required
        onChange={(event) => {
          const chosen = event.target.value;
          setOther(chosen === OTHER);
          onChange(chosen === OTHER ? '' : chosen);
        }}
      >
        {!other && value === '' && (
          <option value="" disabled>
            Choose an instance
          </option>
        )}
        {listed.map((name) => (
          <option key={name} value={name}>
            {name === USER_PARTY && withUser ? 'You (user)' : name}
          </option>
        ))}
        <option value={OTHER}>Other…</option>
      </select>
      {other && field(`${id}-other`, otherLabel, true)}
    </div>
  );
}
