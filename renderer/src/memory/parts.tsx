import { useState, type FormEvent } from 'react';
import type { IndexHealth, MemoryKind, MemorySourceId, SearchHit } from '../../../main/contract/memory';
import { InstructionToPaste } from '../requests/InstructionToPaste';
import { relativeTime } from '../shell/format';
import { fileHref, navigate } from './routes';
import { useMemory, type Conflict } from './store';

export const KIND_LABELS: Record<MemoryKind, string> = {
  index: 'Index',
  user: 'User',
  project: 'Project',
  success: 'What worked',
  correction: 'What to avoid',
  other: 'Other',
};

export const KIND_ORDER: readonly MemoryKind[] = ['index', 'user', 'project', 'success', 'correction', 'other'];

const NEW_KINDS: { kind: Exclude<MemoryKind, 'index'>; label: string; prefix: string }[] = [
  { kind: 'user', label: 'User — who this instance is', prefix: 'user_' },
  { kind: 'project', label: 'Project — state at the end of a session', prefix: 'project_<date>_' },
  { kind: 'success', label: 'What worked', prefix: 'feedback_success_' },
  { kind: 'correction', label: 'What to avoid', prefix: 'feedback_correction_' },
  { kind: 'other', label: 'Other', prefix: '' },
];

/** A line of text with the matched ranges marked. */
export function Highlighted({ text, ranges }: { text: string; ranges: readonly (readonly [number, number])[] }) {
  const parts: React.ReactNode[] = [];
  let at = 0;
  ranges.forEach(([start, end], index) => {
    if (start > at) parts.push(text.slice(at, start));
    parts.push(<mark key={index}>{text.slice(start, end)}</mark>);
    at = end;
  });
  if (at < text.length) parts.push(text.slice(at));
  return <>{parts}</>;
}

export function SearchResults({ query, hits, truncated, source }: { query: string; hits: SearchHit[]; truncated: boolean; source: MemorySourceId }) {
  if (hits.length === 0) {
    return (
      <p className="muted memory-empty" data-query={query}>
        No memory file matches.
      </p>
    );
  }
  return (
    <ul className="memory-search-results" aria-label="Search results" data-query={query}>
      {hits.map((hit) => (
        <li key={hit.name}>
          <a className="memory-hit-name mono" href={fileHref(source, hit.name)}>
            {hit.name}
          </a>
          <span className="muted memory-hit-count">{hit.matches === 1 ? '1 match' : `${hit.matches} matches`}</span>
          {hit.lines.map((line) => (
            <div key={line.line} className="memory-hit-line">
              <span className="memory-line-number muted">{line.line}</span>
              <span>
                <Highlighted text={line.text} ranges={line.ranges} />
              </span>
            </div>
          ))}
        </li>
      ))}
      {truncated && <li className="muted">More files match; refine the search.</li>}
    </ul>
  );
}

export function HealthCard({ health, source }: { health: IndexHealth; source: MemorySourceId }) {
  const busy = useMemory((state) => state.busy);
  const indexUnlisted = useMemory((state) => state.indexUnlisted);
  const removeIndexLine = useMemory((state) => state.removeIndexLine);
  const healthy = health.exists && health.dangling.length === 0 && health.unlisted.length === 0 && !health.overLimit;
  const state = !health.exists || health.overLimit ? 'problem' : healthy ? 'ok' : 'attention';
  return (
    <div className={`card memory-health memory-health-${state}`} data-testid="index-health" data-health={state} id="index-health">
      <h2 className="row">
        <span className="grow">Index health</span>
        <span className={`memory-health-state memory-health-state-${state}`}>{state === 'ok' ? 'Healthy' : state === 'attention' ? 'Needs attention' : 'Problem'}</span>
      </h2>
      {health.exists ? (
        <p className={health.overLimit ? 'memory-warn' : undefined} data-testid="index-lines">
          MEMORY.md has {health.lines} of {health.limit} lines
          {health.overLimit && ` — over the limit: agents read only the first ${health.limit} lines, so the rest is never seen.`}
        </p>
      ) : (
        <p className="memory-warn">There is no MEMORY.md index yet; agents have no list of what to read.</p>
      )}
      {health.dangling.length > 0 && (
        <>
          <h3 className="memory-subtitle">Entries pointing to missing files</h3>
          <ul className="memory-plain-list" aria-label="Entries pointing to missing files">
            {health.dangling.map((entry) => (
              <li key={`${entry.line}:${entry.target}`} className="row">
                <span className="grow">
                  <span className="muted">line {entry.line}:</span> <span className="mono">{entry.target}</span>
                </span>
                <button
                  className="button small"
                  type="button"
                  disabled={busy}
                  onClick={() => void removeIndexLine(entry.line, entry.target)}
                  aria-label={`Remove line ${entry.line} (${entry.target}) from MEMORY.md`}
                >
                  Remove this line
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
      {health.unlisted.length > 0 && (
        <>
          <h3 className="memory-subtitle">Files the index does not mention</h3>
          <ul className="memory-plain-list" aria-label="Files the index does not mention">
            {health.unlisted.map((name) => (
              <li key={name}>
                <a className="mono" href={fileHref(source, name)}>
                  {name}
                </a>
              </li>
            ))}
          </ul>
          <button className="button" type="button" onClick={() => void indexUnlisted()} disabled={busy}>
            Add {health.unlisted.length === 1 ? 'it' : `all ${health.unlisted.length}`} to the index
          </button>
        </>
      )}
      {health.exists && health.dangling.length === 0 && health.unlisted.length === 0 && !health.overLimit && (
        <p className="muted">Every file is in the index and every entry points to a file.</p>
      )}
    </div>
  );
}

export function NewEntryForm() {
  const create = useMemory((state) => state.create);
  const source = useMemory((state) => state.source);
  const busy = useMemory((state) => state.busy);
  const [kind, setKind] = useState<Exclude<MemoryKind, 'index'>>('success');
  const [slug, setSlug] = useState('');
  const prefix = NEW_KINDS.find((entry) => entry.kind === kind)!.prefix;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const name = await create(kind, slug);
    if (name) {
      setSlug('');
      navigate(fileHref(source, name));
      useMemory.getState().edit();
    }
  };

  return (
    <form className="card memory-new" onSubmit={(event) => void submit(event)} aria-label="New memory entry">
      <h2>New entry</h2>
      <label htmlFor="memory-new-kind">Kind</label>
      <select id="memory-new-kind" className="input" value={kind} onChange={(event) => setKind(event.target.value as Exclude<MemoryKind, 'index'>)}>
        {NEW_KINDS.map((entry) => (
          <option key={entry.kind} value={entry.kind}>
            {entry.label}
          </option>
        ))}
      </select>
      <label htmlFor="memory-new-name">Name</label>
      <input id="memory-new-name" className="input" value={slug} onChange={(event) => setSlug(event.target.value)} placeholder="run migrations first" autoComplete="off" />
      <p className="muted memory-hint mono">
        {prefix}
        {slug.trim().replace(/\s+/g, '_') || '<name>'}.md
      </p>
      <button className="button primary" type="submit" disabled={busy || slug.trim() === ''}>
        Create
      </button>
    </form>
  );
}

/** Both versions side by side after a refused save, and the two ways out. */
export function ConflictPanel({ mine, conflict, onKeepMine, onTakeTheirs, busy }: { mine: string; conflict: Conflict; onKeepMine: () => void; onTakeTheirs: () => void; busy: boolean }) {
  return (
    <div className="memory-conflict" role="alert" data-testid="conflict">
      <p>
        <strong>{conflict.theirs === null ? 'The file was deleted on disk' : 'The file changed on disk'} since you opened it.</strong> Nothing was saved. Compare
        both versions and choose.
      </p>
      <div className="memory-compare">
        <div>
          <h3 className="memory-subtitle">Your version</h3>
          <pre className="memory-pre" data-testid="conflict-mine">
            {mine}
          </pre>
        </div>
        <div>
          <h3 className="memory-subtitle">On disk now</h3>
          <pre className="memory-pre" data-testid="conflict-theirs">
            {conflict.theirs ?? '(deleted)'}
          </pre>
        </div>
      </div>
      <div className="row">
        <button className="button primary" type="button" onClick={onKeepMine} disabled={busy}>
          {conflict.theirs === null ? 'Save mine again' : 'Save mine over it'}
        </button>
        <button className="button" type="button" onClick={onTakeTheirs} disabled={busy}>
          Discard mine and take the one on disk
        </button>
      </div>
    </div>
  );
}

export function WrapUpPanel() {
  const wrapUp = useMemory((state) => state.wrapUp);
  const busy = useMemory((state) => state.busy);
  const send = useMemory((state) => state.sendWrapUp);
  if (!wrapUp) return null;
  const anyRunning = wrapUp.instances.some((instance) => instance.running);
  return (
    <div className="card" data-testid="wrap-up">
      <h2>Session wrap-up</h2>
      <p className="muted">
        Types the wrap-up instruction into an agent’s terminal: record what worked and what to avoid as memory files, update the index, and note the state in the
        shared-state snapshot. An instance whose command does not take typed instructions (a shell) gets the instruction shown here to paste instead.
      </p>
      {!wrapUp.available && <p className="memory-warn">Lanes cannot type into terminals in this session: the instances service is not running.</p>}
      {wrapUp.instances.length === 0 ? (
        <p className="muted">No instances in lanes.yml yet.</p>
      ) : (
        <ul className="memory-plain-list memory-wrap-list">
          {wrapUp.instances.map((instance) => (
            <li key={instance.name} className="row">
              <span className="grow">{instance.name}</span>
              {!instance.running && instance.takesInstructions && <span className="muted">not running</span>}
              {instance.takesInstructions ? (
                <button className="button small" type="button" disabled={busy || !wrapUp.available || !instance.running} onClick={() => void send(instance.name)}>
                  Wrap up {instance.name}
                </button>
              ) : (
                <button
                  className="button small"
                  type="button"
                  disabled={busy || !wrapUp.available}
                  title={instance.notTypedBecause ?? undefined}
                  onClick={() => void send(instance.name)}
                >
                  Show wrap-up for {instance.name}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      <button className="button" type="button" disabled={busy || !wrapUp.available || !anyRunning} onClick={() => void send(null)}>
        Wrap up all running instances
      </button>
      {wrapUp.last && (
        <div className="memory-wrap-last" data-testid="wrap-up-changes">
          <p>
            {wrapUp.last.sentTo.length > 0 ? `Sent to ${wrapUp.last.sentTo.join(', ')}` : 'Wrap-up prepared'} {relativeTime(wrapUp.last.sentAt)}.
          </p>
          {wrapUp.last.toPaste.map((instruction) => (
            <InstructionToPaste key={instruction.instance} instance={instruction.instance} text={instruction.text} reason={instruction.reason} />
          ))}
          {wrapUp.last.changed.length === 0 ? (
            <p className="muted">No memory file has changed since. Agents take a moment to write them.</p>
          ) : (
            <ul className="memory-plain-list" aria-label="Memory files changed since the wrap-up">
              {wrapUp.last.changed.map((change) => (
                <li key={`${change.source}:${change.name}`}>
                  <span className={`tag ${change.change === 'deleted' ? 'tag-danger' : ''}`}>{change.change}</span>{' '}
                  {change.change === 'deleted' ? (
                    <span className="mono">{change.name}</span>
                  ) : (
                    <a className="mono" href={fileHref(change.source, change.name)}>
                      {change.name}
                    </a>
                  )}
                  {change.source === 'claude' && <span className="muted"> (Claude Code memory)</span>}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </div>
  );
}
