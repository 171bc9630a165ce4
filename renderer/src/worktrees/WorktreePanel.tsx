import { useEffect, useId, useState } from 'react';
import type { FileChange, MergeResult, WorktreeStatus } from '../../../main/contract/worktrees';
import { DiffView } from './DiffView';
import { formatBytes, useWorktrees } from './store';
import './worktrees.css';

const CHANGE_LABELS: Record<FileChange['kind'], string> = {
  modified: 'M',
  added: 'A',
  deleted: 'D',
  renamed: 'R',
  copied: 'C',
  typechange: 'T',
  untracked: '?',
  conflicted: '!',
};

/** Git state of one instance's worktree: branch, ahead/behind, changes, diff, merge back, removal, disk use. */
export function WorktreePanel({ instance }: { instance: string }) {
  const panel = useWorktrees((state) => state.panels[instance]);
  const { loadStatus, loadDiff, hideDiff, restoreWorktree } = useWorktrees.getState();
  const [removing, setRemoving] = useState<'worktree' | 'instance' | null>(null);

  useEffect(() => {
    setRemoving(null);
    void loadStatus(instance);
  }, [instance, loadStatus]);

  const status = panel?.status ?? null;
  const titleId = useId();
  return (
    <section className="card worktree-panel" aria-labelledby={titleId} data-testid="worktree-panel">
      <header className="row worktree-panel-header">
        <h2 id={titleId} className="grow">
          Git · {instance}
        </h2>
        <button className="button small ghost" type="button" onClick={() => void loadStatus(instance, true)} disabled={panel?.loading}>
          Refresh
        </button>
      </header>
      {panel?.error && (
        <p className="form-error" role="alert" data-testid="worktree-error">
          {panel.error}
        </p>
      )}
      {!status ? (
        <p className="muted">{panel?.loading ? 'Reading git state…' : ''}</p>
      ) : (
        <>
          <StatusSummary status={status} />
          {status.problem && (
            <div className="banner banner-warn worktree-problem" role="status">
              <span className="grow">{status.problem}</span>
              {!status.exists && status.hasWorktree && (
                <button className="button small" type="button" onClick={() => void restoreWorktree(instance)} disabled={(panel?.busy ?? null) !== null}>
                  {panel?.busy === 'restore' ? 'Restoring…' : 'Restore worktree'}
                </button>
              )}
            </div>
          )}
          {status.exists && <ChangeList changes={status.changes} />}
          {panel?.merge && <MergeOutcome merge={panel.merge} />}
          {status.exists && (
            <div className="row worktree-actions">
              <button
                className="button small"
                type="button"
                aria-expanded={panel?.diff !== null && panel?.diff !== undefined}
                onClick={() => (panel?.diff ? hideDiff(instance) : void loadDiff(instance))}
                disabled={panel?.diffLoading}
              >
                {panel?.diff ? 'Hide diff' : panel?.diffLoading ? 'Loading diff…' : `Diff against ${status.base ?? 'HEAD'}`}
              </button>
              {status.hasWorktree && status.base && <MergeControls instance={instance} status={status} />}
              {status.hasWorktree && (
                <button className="button small danger" type="button" onClick={() => setRemoving('worktree')} disabled={removing !== null} aria-expanded={removing === 'worktree'}>
                  Remove worktree…
                </button>
              )}
              <button className="button small danger" type="button" onClick={() => setRemoving('instance')} disabled={removing !== null} aria-expanded={removing === 'instance'}>
                Remove instance…
              </button>
            </div>
          )}
          {!status.exists && (
            <div className="row worktree-actions">
              <button className="button small danger" type="button" onClick={() => setRemoving('instance')} disabled={removing !== null} aria-expanded={removing === 'instance'}>
                Remove instance…
              </button>
            </div>
          )}
          {removing && (
            <RemoveConfirmation
              key={removing}
              instance={instance}
              status={status}
              keepInstance={removing === 'worktree'}
              onDone={() => setRemoving(null)}
              onCancel={() => setRemoving(null)}
            />
          )}
          {panel?.diff && <DiffView diff={panel.diff} />}
        </>
      )}
    </section>
  );
}

function StatusSummary({ status }: { status: WorktreeStatus }) {
  return (
    <dl className="worktree-facts">
      <div>
        <dt>Branch</dt>
        <dd className="mono" data-testid="worktree-branch">
          {status.exists ? (status.branch ?? 'detached') : '—'}
          {status.base && <span className="muted"> ← {status.base}</span>}
        </dd>
      </div>
      {status.ahead !== null && (
        <div>
          <dt>Ahead / behind</dt>
          <dd data-testid="worktree-ahead-behind">
            <span title={`${status.ahead} commit(s) not in ${status.base}`}>↑{status.ahead}</span>{' '}
            <span title={`${status.behind} commit(s) of ${status.base} not here`}>↓{status.behind}</span>
          </dd>
        </div>
      )}
      <div>
        <dt>{status.hasWorktree ? 'Worktree' : 'Runs in'}</dt>
        <dd className="mono worktree-path" title={status.path}>
          {status.hasWorktree ? status.path : 'the main checkout'}
        </dd>
      </div>
      {status.diskBytes !== null && (
        <div>
          <dt>Disk</dt>
          <dd data-testid="worktree-disk">{formatBytes(status.diskBytes)}</dd>
        </div>
      )}
    </dl>
  );
}

function ChangeList({ changes }: { changes: FileChange[] }) {
  if (changes.length === 0) return <p className="muted" data-testid="worktree-changes">No uncommitted changes.</p>;
  return (
    <details className="worktree-changes" data-testid="worktree-changes">
      <summary>
        {changes.length} uncommitted change{changes.length === 1 ? '' : 's'}
      </summary>
      <ul>
        {changes.map((change) => (
          <li key={change.path} className="mono">
            <span className={`change-kind change-${change.kind}`} title={change.kind + (change.staged ? ', staged' : '')}>
              {CHANGE_LABELS[change.kind]}
            </span>
            {change.oldPath ? `${change.oldPath} → ${change.path}` : change.path}
          </li>
        ))}
      </ul>
    </details>
  );
}

function MergeControls({ instance, status }: { instance: string; status: WorktreeStatus }) {
  const busy = useWorktrees((state) => state.panels[instance]?.busy ?? null);
  const merge = useWorktrees((state) => state.merge);
  const [mode, setMode] = useState<'auto' | 'fast-forward' | 'merge-commit'>('auto');
  const id = useId();
  return (
    <span className="row worktree-merge">
      <label htmlFor={id} className="visually-hidden">
        How to merge
      </label>
      <select id={id} className="input small-select" value={mode} onChange={(event) => setMode(event.target.value as typeof mode)}>
        <option value="auto">Fast-forward if possible</option>
        <option value="fast-forward">Fast-forward only</option>
        <option value="merge-commit">Always a merge commit</option>
      </select>
      <button className="button small" type="button" onClick={() => void merge(instance, mode)} disabled={busy !== null || status.ahead === 0}>
        {busy === 'merge' ? 'Merging…' : `Merge into ${status.base}`}
      </button>
    </span>
  );
}

function MergeOutcome({ merge }: { merge: MergeResult }) {
  const failed = merge.outcome === 'conflict';
  return (
    <div className={`banner ${failed ? 'banner-error' : 'banner-info'} worktree-merge-result`} role={failed ? 'alert' : 'status'} data-testid="merge-result">
      <div className="grow">
        <p>{merge.message}</p>
        {failed && merge.conflicts.length > 0 && (
          <ul className="mono">
            {merge.conflicts.map((file) => (
              <li key={file}>{file}</li>
            ))}
          </ul>
        )}
        {merge.uncommitted > 0 && !failed && (
          <p className="muted">
            {merge.uncommitted} uncommitted change{merge.uncommitted === 1 ? ' stays' : 's stay'} in the worktree; commit them to merge them too.
          </p>
        )}
      </div>
    </div>
  );
}

function RemoveConfirmation({
  instance,
  status,
  keepInstance,
  onDone,
  onCancel,
}: {
  instance: string;
  status: WorktreeStatus;
  keepInstance: boolean;
  onDone: () => void;
  onCancel: () => void;
}) {
  const panel = useWorktrees((state) => state.panels[instance]);
  const remove = useWorktrees((state) => state.remove);
  const [typed, setTyped] = useState('');
  const [deleteBranch, setDeleteBranch] = useState(false);
  const id = useId();
  const atRisk = status.changes.length > 0 || (status.ahead ?? 0) > 0 || (panel?.needsConfirmation ?? false);
  const confirmed = !atRisk || typed.trim() === instance;
  const deletesFolder = status.hasWorktree && status.exists;
  return (
    <form
      className="worktree-remove"
      aria-labelledby={`${id}-title`}
      onSubmit={(event) => {
        event.preventDefault();
        if (!confirmed) return;
        void remove(instance, { confirm: atRisk ? typed.trim() : undefined, deleteBranch, keepInstance }).then((removed) => removed && keepInstance && onDone());
      }}
    >
      <h3 id={`${id}-title`}>{keepInstance ? `Remove the worktree of ${instance}?` : `Remove ${instance}?`}</h3>
      {keepInstance ? (
        <p>
          This deletes the worktree folder <span className="mono">{status.path}</span>. <strong>{instance}</strong> stays in lanes.yml with its role, zones and
          branch; <em>Restore worktree</em> makes the folder again.
          {status.branch && !deleteBranch && <> The branch <span className="mono">{status.branch}</span> is kept.</>}
        </p>
      ) : (
        <p>
          This removes <strong>{instance}</strong> from lanes.yml
          {deletesFolder && (
            <>
              {' '}
              and deletes its worktree folder <span className="mono">{status.path}</span>
            </>
          )}
          .{status.branch && status.hasWorktree && !deleteBranch && <> The branch <span className="mono">{status.branch}</span> is kept.</>}
        </p>
      )}
      <p className="muted">If {instance} is running, Lanes stops it first.</p>
      {atRisk && (
        <>
          <p className="form-error">
            {[
              status.changes.length > 0 ? `${status.changes.length} uncommitted change${status.changes.length === 1 ? '' : 's'} will be lost` : null,
              (status.ahead ?? 0) > 0 ? `${status.ahead} commit${status.ahead === 1 ? ' is' : 's are'} not merged into ${status.base}` : null,
            ]
              .filter(Boolean)
              .join('; ') || 'It holds work that is not merged.'}
            .
          </p>
          <label htmlFor={`${id}-confirm`}>
            Type <strong className="mono">{instance}</strong> to confirm
          </label>
          <input id={`${id}-confirm`} className="input mono" value={typed} onChange={(event) => setTyped(event.target.value)} autoComplete="off" spellCheck={false} autoFocus />
        </>
      )}
      {status.hasWorktree && status.branch && (
        <label className="worktrees-radio">
          <input type="checkbox" checked={deleteBranch} onChange={(event) => setDeleteBranch(event.target.checked)} />
          <span>
            Also delete the branch <span className="mono">{status.branch}</span>
          </span>
        </label>
      )}
      <div className="row">
        <button className="button small" type="button" onClick={onCancel}>
          Cancel
        </button>
        <button className="button small danger" type="submit" disabled={!confirmed || panel?.busy === 'remove'}>
          {panel?.busy === 'remove' ? 'Removing…' : keepInstance ? 'Remove worktree' : 'Remove instance'}
        </button>
      </div>
    </form>
  );
}
