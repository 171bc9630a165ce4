import { useEffect, useId } from 'react';
import type { CoordinationArea, CoordinationState } from '../../../main/contract/memory';
import { Message } from '../shell/Message';
import { relativeTime } from '../shell/format';
import { useCoordination } from './coordination-store';
import './coordination.css';

const AREA_LABELS: Record<CoordinationArea, string> = { config: 'workspace config', sharedState: 'shared state', requests: 'request', memory: 'memory' };
/** Rows drawn: a day can leave thousands of untracked files, and drawing them all slowed every screen beside the panel. */
const SHOWN_CHANGES = 50;

/**
 * The uncommitted changes to the home's coordination files and the one action that commits them
 * (and nothing else the user has staged or changed). Shown on the Workspace and Memory screens.
 */
export function CoordinationChanges({ root }: { root: string }) {
  const state = useCoordination((store) => store.state);
  const busy = useCoordination((store) => store.busy);
  const error = useCoordination((store) => store.error);
  const optionId = useId();

  useEffect(() => {
    void useCoordination.getState().load();
  }, [root]);

  return (
    <div className="card coordination-changes" data-testid="coordination-changes" aria-labelledby={`${optionId}-title`}>
      <h2 id={`${optionId}-title`}>
        Coordination changes {state && <span className="count">{state.changes.length}</span>}
      </h2>
      {!state ? (
        error ? null : <p className="muted">Reading git status…</p>
      ) : (
        <>
          <p className="muted">
            Uncommitted changes to lanes.yml, the shared state, the requests and the memory folder in the main checkout <span className="mono">{state.home}</span>.
          </p>
          {state.changes.length === 0 ? (
            <p className="muted" data-testid="coordination-clean">
              Nothing to commit: the coordination files are as committed.
            </p>
          ) : (
            <ul className="coordination-list" aria-label="Uncommitted coordination changes">
              {state.changes.slice(0, SHOWN_CHANGES).map((change) => (
                <li key={change.path}>
                  <span className={`tag ${change.change === 'deleted' ? 'tag-danger' : ''}`}>{change.change}</span>
                  <span className="mono coordination-path">{change.path}</span>
                  <span className="muted">{AREA_LABELS[change.area]}</span>
                </li>
              ))}
              {state.changes.length > SHOWN_CHANGES && (
                <li className="muted" data-testid="coordination-more">
                  and {state.changes.length - SHOWN_CHANGES} more (the commit takes them all; <span className="mono">git status</span> lists them)
                </li>
              )}
            </ul>
          )}
          {(state.worktreeCopies.length > 0 || state.worktreeProblems.length > 0) && <WorktreeCopies state={state} />}
          {state.blockedBy && (
            <p className="banner banner-warn" role="status" data-testid="coordination-blocked">
              <Message text={state.blockedBy} />
            </p>
          )}
          <div className="row coordination-actions">
            <button
              className="button primary"
              type="button"
              disabled={busy || state.changes.length === 0 || state.blockedBy !== null}
              onClick={() => void useCoordination.getState().commit()}
              title={state.summary ?? undefined}
            >
              Commit {state.changes.length === 1 ? 'this change' : `these ${state.changes.length} changes`}
            </button>
            {state.summary && <span className="muted mono coordination-summary">{state.summary}</span>}
          </div>
          <label className="row coordination-option" htmlFor={optionId}>
            <input
              id={optionId}
              type="checkbox"
              checked={state.commitOnWrapUp}
              disabled={busy}
              onChange={(event) => void useCoordination.getState().setCommitOnWrapUp(event.target.checked)}
            />
            <span>
              Commit them at each wrap-up <span className="muted">(when the agents’ writes settle; kept in lanes.yml as <span className="mono">coordination.commitOnWrapUp</span>)</span>
            </span>
          </label>
          {state.autoCommitUntil && <p className="muted">Committing the wrap-up’s writes as they settle, until {new Date(state.autoCommitUntil).toLocaleTimeString()}.</p>}
          {state.lastCommit && (
            <p className="muted" data-testid="coordination-last-commit">
              {state.lastCommit.automatic ? 'Committed after the wrap-up' : 'Committed'} {relativeTime(state.lastCommit.at)}:{' '}
              <span className="mono">{state.lastCommit.commit.slice(0, 9)}</span> {state.lastCommit.summary}
            </p>
          )}
          {state.autoCommitError && (
            <p className="form-error" role="alert">
              <Message text={state.autoCommitError} />
            </p>
          )}
        </>
      )}
      {error && (
        <p className="form-error" role="alert">
          <Message text={error} />{' '}
          <button className="button ghost small" type="button" onClick={() => useCoordination.getState().dismissError()}>
            Dismiss
          </button>
        </p>
      )}
    </div>
  );
}

/**
 * Writes that went around the guard into an instance worktree's own copy of a coordination path
 * (git status there, so they show after a restart too), each with the one action: move it home.
 */
function WorktreeCopies({ state }: { state: CoordinationState }) {
  const moving = useCoordination((store) => store.moving);
  return (
    <section className="worktree-copies" aria-labelledby="worktree-copies-title" data-testid="worktree-copies">
      <h3 id="worktree-copies-title">
        Written in a worktree’s copy <span className="count">{state.worktreeCopies.length}</span>
      </h3>
      <p className="muted">Nobody reads these: the board, the Memory screen and the other instances use the main checkout’s files.</p>
      <ul className="coordination-list" aria-label="Writes in worktrees' copies">
        {state.worktreeCopies.map((copy) => (
          <li key={`${copy.checkout}\0${copy.path}`}>
            <span className={`tag ${copy.change === 'deleted' ? 'tag-danger' : 'tag-warn'}`}>{copy.change}</span>
            <span className="coordination-path">
              <span className="mono">{copy.path}</span> <span className="muted">in {copy.instances.join(', ')}’s worktree</span>
            </span>
            {copy.notMovable === null ? (
              <button
                className="button small"
                type="button"
                disabled={moving !== null}
                onClick={() => void useCoordination.getState().moveHome(copy.checkout, copy.path)}
                title={`Copy it to ${copy.homePath}, then put the worktree's copy back as committed`}
              >
                {moving === `${copy.checkout}\0${copy.path}` ? 'Moving…' : 'Move it home'}
              </button>
            ) : (
              <span className="muted">{copy.notMovable}</span>
            )}
          </li>
        ))}
      </ul>
      {state.worktreeProblems.map((problem) => (
        <p key={problem} className="banner banner-warn" role="status">
          <Message text={problem} />
        </p>
      ))}
    </section>
  );
}
