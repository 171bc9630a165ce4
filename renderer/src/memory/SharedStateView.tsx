import { useEffect, type KeyboardEvent } from 'react';
import type { SharedState } from '../../../main/contract/memory';
import { relativeTime } from '../shell/format';
import { Markdown } from './Markdown';
import { ConflictPanel } from './parts';
import { useMemory } from './store';
import { useInstances } from '../instances/store';

const NEW_FILE_TEMPLATE = '## Current Snapshot\n\n- \n';

export function SharedStateView({ shared }: { shared: SharedState }) {
  const draft = useMemory((state) => state.sharedDraft);
  const conflict = useMemory((state) => state.sharedConflict);
  const changedOnDisk = useMemory((state) => state.sharedChangedOnDisk);
  const busy = useMemory((state) => state.busy);
  const { editShared, setSharedDraft, cancelShared, saveShared, keepMineShared, takeTheirsShared } = useMemory.getState();
  const editing = draft !== null;

  const onKey = (event: KeyboardEvent) => {
    if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 's') {
      event.preventDefault();
      void saveShared();
    }
  };

  return (
    <article className="card memory-file" aria-labelledby="shared-title">
      <header className="memory-file-header">
        <div className="grow">
          <h2 id="shared-title" className="memory-file-name mono">
            {shared.path}
          </h2>
          <div className="muted memory-file-meta" data-testid="shared-last-change">
            {shared.lastCommit ? (
              <>
                Last committed {relativeTime(shared.lastCommit.at)} by <strong>{shared.lastCommit.author}</strong> — “{shared.lastCommit.subject}”
              </>
            ) : shared.exists ? (
              'Not committed yet'
            ) : null}
            {shared.uncommitted && shared.exists && <span className="tag tag-warn">changed since that commit{shared.modifiedAt ? `, ${relativeTime(shared.modifiedAt)}` : ''}</span>}
          </div>
          {shared.exists && <StartedSince changedAt={shared.modifiedAt ?? shared.lastCommit?.at ?? null} />}
        </div>
        {!editing && shared.exists && (
          <button className="button primary" type="button" onClick={editShared} disabled={shared.readOnly !== null}>
            Edit
          </button>
        )}
      </header>

      {shared.readOnly && (
        <div className="banner banner-error" role="status">
          {shared.readOnly}
        </div>
      )}

      {!shared.exists && !editing && (
        <div className="memory-empty">
          <p>
            <span className="mono">{shared.path}</span> does not exist yet: instances have no shared snapshot to read when they start.
          </p>
          <button
            className="button primary"
            type="button"
            onClick={() => {
              editShared();
              setSharedDraft(NEW_FILE_TEMPLATE);
            }}
          >
            Create it
          </button>
        </div>
      )}

      {editing ? (
        <>
          {changedOnDisk && !conflict && (
            <div className="banner banner-warn memory-inline-banner" role="status">
              The file changed on disk while you were editing. Changes to the Instance Scope Table are merged when you save; anything else is shown first.
            </div>
          )}
          {conflict && <ConflictPanel mine={draft} conflict={conflict} busy={busy} onKeepMine={() => void keepMineShared()} onTakeTheirs={() => void takeTheirsShared()} />}
          {shared.scopeTable !== null && (
            <p className="muted memory-hint">
              The line <span className="mono">{shared.placeholder}</span> stands for the Instance Scope Table, which stays exactly as it is; keep that line where the
              table belongs. <a href="#/zones">Edit the table on the Zones screen.</a>
            </p>
          )}
          <div className="memory-editor">
            <textarea
              className="input memory-textarea mono"
              aria-label={`Text of ${shared.path}`}
              value={draft}
              onChange={(event) => setSharedDraft(event.target.value)}
              onKeyDown={onKey}
              spellCheck={false}
              autoFocus
            />
            <div className="memory-preview" aria-label="Preview">
              <SharedRendered text={draft} shared={shared} />
            </div>
          </div>
          <div className="row">
            <button className="button primary" type="button" onClick={() => void saveShared()} disabled={busy}>
              Save
            </button>
            <button className="button ghost" type="button" onClick={cancelShared}>
              Cancel
            </button>
          </div>
        </>
      ) : (
        shared.exists && (
          <div data-testid="shared-rendered">
            <SharedRendered text={shared.editable} shared={shared} />
          </div>
        )
      )}
    </article>
  );
}

/** The file rendered, with the Instance Scope Table in its place, read-only and linked to the zone editor. */
function SharedRendered({ text, shared }: { text: string; shared: SharedState }) {
  const at = shared.scopeTable === null ? -1 : text.indexOf(shared.placeholder);
  if (at === -1) return <Markdown text={text} source="repo" />;
  return (
    <>
      <Markdown text={text.slice(0, at)} source="repo" />
      <section className="memory-scope-table" aria-label="Instance Scope Table (read-only)" data-testid="scope-table">
        <p className="memory-scope-note">
          Read-only here: the Instance Scope Table follows the ownership zones. <a href="#/zones">Edit it on the Zones screen</a>
        </p>
        <Markdown text={shared.scopeTable!.replace(/\r\n/g, '\n')} source="repo" />
      </section>
      <Markdown text={text.slice(at + shared.placeholder.length)} source="repo" />
    </>
  );
}

/**
 * Which instances Lanes started after the file last changed: they read this version at their
 * session start. Start times are known for instances started by this Lanes session.
 */
function StartedSince({ changedAt }: { changedAt: string | null }) {
  const instances = useInstances((state) => state.instances);
  useEffect(() => {
    if (useInstances.getState().instances.length === 0) void useInstances.getState().load();
  }, []);
  if (!changedAt) return null;
  const since = instances.filter((instance) => instance.startedAt !== null && Date.parse(instance.startedAt) > Date.parse(changedAt)).map((instance) => instance.name);
  return (
    <div className="muted memory-file-meta" data-testid="shared-started-since">
      {since.length === 0 ? 'No instance has started since this change.' : `Started since this change: ${since.join(', ')}.`}
    </div>
  );
}
