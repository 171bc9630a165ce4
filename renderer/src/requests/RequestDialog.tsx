import { useCallback, useEffect, useId, useState } from 'react';
import ReactMarkdown from 'react-markdown';
import remarkGfm from 'remark-gfm';
import type { RequestDetail, RequestStatus, SendResult } from '../../../main/contract/requests';
import { errorMessage } from '../client';
import { ageOf, receiverProblem } from './board-view';
import { Dialog } from './Dialog';
import { InstructionToPaste } from './InstructionToPaste';
import { COLUMNS, useRequests } from './store';
import { Message } from '../shell/Message';

/** A request read in full: rendered markdown, its state, hand-off to an agent, and editing. */
export function RequestDialog({ file: initialFile, onClose }: { file: string; onClose(): void }) {
  const [file, setFile] = useState(initialFile);
  const [detail, setDetail] = useState<RequestDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [toPaste, setToPaste] = useState<SendResult | null>(null);
  const [draft, setDraft] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const live = useRequests((state) => state.board?.requests.find((request) => request.file === file) ?? null);
  const instances = useRequests((state) => state.board?.instances ?? []);
  const { read, save, move, send } = useRequests.getState();
  const statusId = useId();

  const reload = useCallback(async () => {
    try {
      setDetail(await read(file));
      setError(null);
    } catch (caught) {
      setError(errorMessage(caught));
    }
  }, [file, read]);

  useEffect(() => {
    void reload();
  }, [reload]);

  // The file changed on disk while it is open: show the new version, unless the user is editing.
  const changedOnDisk = live !== null && detail !== null && live.version !== detail.request.version;
  useEffect(() => {
    if (changedOnDisk && draft === null) void reload();
  }, [changedOnDisk, draft, reload]);

  const request = live ?? detail?.request ?? null;
  const title = request?.title ?? file;

  const act = async (task: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    setNotice(null);
    setToPaste(null);
    try {
      await task();
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setBusy(false);
    }
  };

  const changeStatus = (status: RequestStatus) =>
    act(async () => {
      if (!request) return;
      const moved = await move(request, status);
      if (!moved) {
        const message = useRequests.getState().error;
        useRequests.getState().dismissError();
        throw new Error(message ?? 'The request was not moved.');
      }
      setFile(moved.file);
    });

  const handOff = () =>
    act(async () => {
      const sent = await send(file);
      if (sent.typed) setNotice(`Sent to ${sent.instance}: “${sent.text}”`);
      else setToPaste(sent);
    });

  const saveDraft = () =>
    act(async () => {
      if (draft === null || !detail) return;
      await save(file, draft, detail.request.version);
      setDraft(null);
      await reload();
      setNotice('Saved.');
    });

  const problem = request ? receiverProblem(request, instances) : null;
  const canSend = request !== null && request.status !== 'done' && request.toInstance !== null;

  return (
    <Dialog label={title} onClose={onClose} className="req-detail">
      <header className="req-detail-header">
        <div className="grow">
          <h2 className="req-detail-title">{title}</h2>
          <p className="mono muted req-detail-path">{request?.path ?? file}</p>
        </div>
        <button type="button" className="button ghost small" onClick={onClose} aria-label="Close">
          ✕
        </button>
      </header>

      {request && (
        <div className="req-detail-facts row">
          <span>
            {request.from ?? '?'} → <span className={problem ? 'req-unknown' : undefined}>{request.to ?? '?'}</span>
          </span>
          {problem && <span className="tag tag-warn">{problem}</span>}
          <span className="muted">{ageOf(request)}</span>
          {request.priority && <span className="tag">priority {request.priority}</span>}
          <label htmlFor={statusId} className="req-status-label">
            Status
          </label>
          <select
            id={statusId}
            className="input"
            value={request.status}
            disabled={busy || draft !== null}
            onChange={(event) => void changeStatus(event.target.value as RequestStatus)}
          >
            {COLUMNS.map((column) => (
              <option key={column.status} value={column.status}>
                {column.label}
              </option>
            ))}
          </select>
          <button
            type="button"
            className="button"
            onClick={() => void handOff()}
            disabled={busy || !canSend}
            title={canSend ? `Hand it to ${request.toInstance}: typed into its terminal when its agent takes instructions, else shown to paste` : request.status === 'done' ? 'Already done' : problem ?? ''}
          >
            Send to agent
          </button>
        </div>
      )}

      {request?.warnings.map((warning) => (
        <div key={warning} className="banner banner-warn req-banner" role="note">
          <Message text={warning} />
        </div>
      ))}
      {error && (
        <div className="banner banner-error req-banner" role="alert">
          <span>{error}</span>
          {draft !== null && /changed on disk/.test(error) && (
            <button type="button" className="button small" onClick={() => void reload().then(() => setDraft(null))}>
              Discard my edit and show the file
            </button>
          )}
        </div>
      )}
      {notice && (
        <div className="banner banner-info req-banner" role="status">
          {notice}
        </div>
      )}
      {toPaste && <InstructionToPaste instance={toPaste.instance} text={toPaste.text} reason={toPaste.notTypedBecause ?? ''} />}
      {draft !== null && changedOnDisk && !error && (
        <div className="banner banner-warn req-banner" role="status">
          The file changed on disk while you edit it. Saving will be refused; copy your text before you reload.
        </div>
      )}

      {detail === null ? (
        <p className="muted">Loading…</p>
      ) : draft === null ? (
        <>
          <div className="req-markdown" data-testid="request-body">
            <ReactMarkdown remarkPlugins={[remarkGfm]} skipHtml components={{ a: ({ node: _node, ...props }) => <a {...props} target="_blank" rel="noreferrer noopener" /> }}>
              {detail.body}
            </ReactMarkdown>
          </div>
          {detail.truncated && <p className="muted">Only the beginning of this very large file is shown.</p>}
          <div className="row req-detail-actions">
            <button
              type="button"
              className="button"
              onClick={() => setDraft(detail.text)}
              disabled={busy || !detail.request.editable || detail.truncated}
              title={detail.request.editable ? undefined : 'Lanes does not rewrite this file'}
            >
              Edit
            </button>
          </div>
        </>
      ) : (
        <div className="req-editor">
          <label htmlFor={`${statusId}-text`}>Text of {request?.name ?? file}</label>
          <textarea id={`${statusId}-text`} className="input mono" value={draft} onChange={(event) => setDraft(event.target.value)} rows={18} spellCheck={false} />
          <div className="row req-detail-actions">
            <button type="button" className="button primary" onClick={() => void saveDraft()} disabled={busy}>
              Save
            </button>
            <button type="button" className="button ghost" onClick={() => setDraft(null)} disabled={busy}>
              Cancel
            </button>
          </div>
        </div>
      )}
    </Dialog>
  );
}
