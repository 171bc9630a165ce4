import { useEffect, useState, type FormEvent, type KeyboardEvent } from 'react';
import type { MemoryDocument } from '../../../main/contract/memory';
import { relativeTime } from '../shell/format';
import { Markdown } from './Markdown';
import { ConflictPanel, KIND_LABELS } from './parts';
import { fileHref, navigate, sourceHref } from './routes';
import { useMemory } from './store';

export function FileView({ document }: { document: MemoryDocument }) {
  const draft = useMemory((state) => state.draft);
  const conflict = useMemory((state) => state.conflict);
  const changedOnDisk = useMemory((state) => state.changedOnDisk);
  const busy = useMemory((state) => state.busy);
  const { edit, setDraft, cancelEdit, save, keepMine, takeTheirs, rename, remove } = useMemory.getState();
  const [mode, setMode] = useState<'view' | 'rename' | 'delete'>('view');
  const [newName, setNewName] = useState(document.name);

  useEffect(() => {
    setMode('view');
    setNewName(document.name);
  }, [document.name]);

  const dirty = draft !== null && draft !== document.text;
  useEffect(() => {
    if (!dirty) return;
    const warn = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [dirty]);

  const onKey = (event: KeyboardEvent) => {
    if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 's') {
      event.preventDefault();
      void save();
    }
  };

  const submitRename = async (event: FormEvent) => {
    event.preventDefault();
    const renamed = await rename(newName.trim());
    if (renamed) {
      setMode('view');
      navigate(fileHref(document.source, renamed));
    }
  };

  const confirmDelete = async () => {
    if (await remove()) navigate(sourceHref(document.source));
  };

  const editing = draft !== null;
  return (
    <article className="card memory-file" aria-labelledby="memory-file-title">
      <header className="memory-file-header">
        <div className="grow">
          <h2 id="memory-file-title" className="memory-file-name mono">
            {document.name}
          </h2>
          <div className="muted memory-file-meta">
            <span className="tag">{KIND_LABELS[document.kind]}</span> changed {relativeTime(document.modifiedAt)}
            {document.lineEnding === 'crlf' && ' · CRLF line endings (kept on save)'}
            {document.bom && ' · byte-order mark (kept on save)'}
          </div>
        </div>
        {!editing && mode === 'view' && (
          <div className="row">
            <button className="button primary" type="button" onClick={edit} disabled={document.readOnly !== null}>
              Edit
            </button>
            <button className="button" type="button" onClick={() => setMode('rename')}>
              Rename
            </button>
            <button className="button danger" type="button" onClick={() => setMode('delete')}>
              Delete
            </button>
          </div>
        )}
      </header>

      {document.readOnly && (
        <div className="banner banner-error" role="status">
          {document.readOnly}
        </div>
      )}

      {mode === 'rename' && (
        <form className="row memory-inline-form" onSubmit={(event) => void submitRename(event)}>
          <label htmlFor="memory-rename">New name</label>
          <input id="memory-rename" className="input mono grow" value={newName} onChange={(event) => setNewName(event.target.value)} autoFocus autoComplete="off" />
          <button className="button primary" type="submit" disabled={busy || newName.trim() === '' || newName.trim() === document.name}>
            Rename
          </button>
          <button className="button ghost" type="button" onClick={() => setMode('view')}>
            Cancel
          </button>
        </form>
      )}

      {mode === 'delete' && (
        <div className="memory-confirm" role="alertdialog" aria-labelledby="memory-delete-question">
          <p id="memory-delete-question">
            Delete <span className="mono">{document.name}</span>? The file is removed from the folder; git keeps it only if it was committed.
          </p>
          <div className="row">
            <button className="button danger" type="button" onClick={() => void confirmDelete()} disabled={busy}>
              Delete it
            </button>
            <button className="button ghost" type="button" onClick={() => setMode('view')} autoFocus>
              Keep it
            </button>
          </div>
        </div>
      )}

      {editing ? (
        <>
          {changedOnDisk && !conflict && (
            <div className="banner banner-warn memory-inline-banner" role="status">
              This file changed on disk while you were editing. If you save, Lanes shows both versions first.
            </div>
          )}
          {conflict && <ConflictPanel mine={draft} conflict={conflict} busy={busy} onKeepMine={() => void keepMine()} onTakeTheirs={() => void takeTheirs()} />}
          <div className="memory-editor">
            <textarea
              className="input memory-textarea mono"
              aria-label={`Text of ${document.name}`}
              value={draft}
              onChange={(event) => setDraft(event.target.value)}
              onKeyDown={onKey}
              spellCheck={false}
              autoFocus
            />
            <div className="memory-preview" aria-label="Preview">
              <Markdown text={draft} source={document.source} />
            </div>
          </div>
          <div className="row">
            <button className="button primary" type="button" onClick={() => void save()} disabled={busy}>
              Save
            </button>
            <button className="button ghost" type="button" onClick={cancelEdit}>
              Cancel
            </button>
            <span className="muted memory-hint">Ctrl+S saves</span>
          </div>
        </>
      ) : (
        <div data-testid="memory-rendered">
          <Markdown text={document.text} source={document.source} />
        </div>
      )}
    </article>
  );
}
