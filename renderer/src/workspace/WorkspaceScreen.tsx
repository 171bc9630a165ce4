import { useId, useState, type FormEvent } from 'react';
import type { CoordinationEntry, WorkspaceSnapshot } from '../../../main/contract/workspace';
import { NewInstanceButton } from '../worktrees/NewInstanceButton';
import { WorktreeList } from '../worktrees/WorktreeList';
import { useApp } from '../shell/app-store';
import { Message } from '../shell/Message';
import { relativeTime } from '../shell/format';
import { CoordinationChanges } from './CoordinationChanges';
import { useWorkspace } from './store';
import './workspace.css';
import { ErrorBanner, ScreenLoading } from '../shell/Banners';

export function WorkspaceScreen() {
  const snapshot = useWorkspace((state) => state.snapshot);
  const loading = useWorkspace((state) => state.loading);
  if (loading) return <ScreenLoading title="Workspace" what="Reading the workspace…" />;
  return snapshot ? <OpenWorkspace snapshot={snapshot} /> : <OpenRepository />;
}

function OpenRepository() {
  const { recent, busy, error, open, pickAndOpen, forget, dismissError } = useWorkspace();
  const canPick = useApp((state) => state.info?.capabilities.pickFolder ?? false);
  const [path, setPath] = useState('');
  const inputId = useId();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void open(path);
  };

  return (
    <section className="screen" aria-labelledby="screen-title">
      <header className="screen-header">
        <h1 id="screen-title">Open a repository</h1>
      </header>
      <form className="card open-form" onSubmit={submit}>
        <label htmlFor={inputId}>Path of a git repository</label>
        <div className="row">
          <input
            id={inputId}
            className="input mono grow"
            value={path}
            onChange={(event) => {
              setPath(event.target.value);
              if (error) dismissError();
            }}
            placeholder="/home/you/projects/my-app"
            autoComplete="off"
            spellCheck={false}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? `${inputId}-error` : undefined}
          />
          <button className="button primary" type="submit" disabled={busy || path.trim() === ''}>
            {busy ? 'Opening…' : 'Open'}
          </button>
          {canPick && (
            <button className="button" type="button" onClick={() => void pickAndOpen()} disabled={busy}>
              Browse…
            </button>
          )}
        </div>
        {busy && (
          <p className="muted" role="status">
            <span className="busy-dot" aria-hidden="true" /> Reading the repository: its worktrees, lanes.yml and the coordination files…
          </p>
        )}
        {error && (
          <p id={`${inputId}-error`} className="form-error" role="alert">
            <Message text={error} />
          </p>
        )}
      </form>

      <div className="card">
        <h2>Recent workspaces</h2>
        {recent.length === 0 ? (
          <p className="muted">Workspaces you open appear here.</p>
        ) : (
          <ul className="recent-list" aria-label="Recent workspaces">
            {recent.map((item) => (
              <li key={item.path}>
                <button className="recent-open" type="button" onClick={() => void open(item.path)} disabled={busy}>
                  <span className="recent-name">{item.name}</span>
                  <span className="recent-path mono">{item.path}</span>
                </button>
                <span className="muted recent-time">{relativeTime(item.openedAt)}</span>
                <button className="button ghost small" type="button" onClick={() => void forget(item.path)} aria-label={`Forget ${item.name}`}>
                  Forget
                </button>
              </li>
            ))}
          </ul>
        )}
      </div>
    </section>
  );
}

function OpenWorkspace({ snapshot }: { snapshot: WorkspaceSnapshot }) {
  const { busy, error, refresh, close, dismissError } = useWorkspace();
  const { branch, config } = snapshot;

  return (
    <section className="screen" aria-labelledby="screen-title">
      <header className="screen-header">
        <div>
          <h1 id="screen-title">{snapshot.name}</h1>
          <p className="mono muted root-path" data-testid="workspace-root">
            {snapshot.root}
          </p>
        </div>
        <div className="row">
          <span className="chip branch-chip" data-testid="workspace-branch" title="Current branch">
            {branch.detached ? `detached at ${branch.head ?? '?'}` : branch.name}
            {branch.unborn && ' (no commits yet)'}
          </span>
          <button className="button" type="button" onClick={() => void refresh()} disabled={busy}>
            Refresh
          </button>
          <button className="button ghost" type="button" onClick={() => void close()} disabled={busy}>
            Close
          </button>
          {config.instances.length > 0 && <NewInstanceButton />}
        </div>
      </header>

      {error && (
        <ErrorBanner message={error} onDismiss={dismissError} />
      )}
      {config.status === 'invalid' && config.problem && (
        <div className="banner banner-error" role="alert" data-testid="config-problem">
          <Message text={config.problem.message} />
        </div>
      )}

      <div className="workspace-grid">
        <div className="card">
          <h2>Coordination files</h2>
          <ul className="health-list" aria-label="Coordination files">
            {snapshot.coordination.map((entry) => (
              <HealthRow key={entry.key} entry={entry} />
            ))}
          </ul>
        </div>

        <CoordinationChanges root={snapshot.root} />

        <WorktreeList />

        <div className="card wide">
          <h2>
            Instances <span className="count">{config.instances.length}</span>
          </h2>
          {config.instances.length === 0 ? (
            <div className="workspace-start" data-testid="workspace-start">
              <p>
                No instances in <span className="mono">lanes.yml</span> yet. Start with one agent in its own worktree, or bring the scope
                table you already keep by hand.
              </p>
              <div className="row">
                <NewInstanceButton />
                <a className="button" href="#/zones">
                  Import a scope table…
                </a>
              </div>
            </div>
          ) : (
            <table className="table" aria-label="Instances">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Role</th>
                  <th scope="col">Agent</th>
                  <th scope="col">Branch</th>
                  <th scope="col">Zones</th>
                </tr>
              </thead>
              <tbody>
                {config.instances.map((instance) => (
                  <tr key={instance.name}>
                    <td>{instance.name}</td>
                    <td>{instance.role}</td>
                    <td className="mono">{instance.agent}</td>
                    <td className="mono">{instance.branch ?? '—'}</td>
                    <td>
                      {instance.zones.length === 0 ? (
                        <span className="muted">none</span>
                      ) : (
                        instance.zones.map((zone) => (
                          <span key={zone} className="chip mono">
                            {zone}
                          </span>
                        ))
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      </div>
    </section>
  );
}

const HEALTH_LABEL = { ok: 'Present', missing: 'Missing', problem: 'Needs attention' } as const;

function HealthRow({ entry }: { entry: CoordinationEntry }) {
  return (
    <li className="health-row" data-health={entry.health} data-testid={`health-${entry.key}`}>
      <span className={`dot dot-${entry.health}`} role="img" aria-label={HEALTH_LABEL[entry.health]} />
      <div className="health-text">
        <div className="health-title">
          <span>{entry.label}</span>
          <span className="mono muted">
            {entry.path}
            {entry.kind === 'folder' ? '/' : ''}
          </span>
        </div>
        <div className="health-detail">
          <Message text={entry.detail} />
          {entry.fixes?.includes('memory') && (
            <>
              {' '}
              <a href="#/memory" data-testid="memory-fix-link">
                Fix in Memory
              </a>
            </>
          )}
          {entry.fixes?.includes('zones') && (
            <>
              {' '}
              <a href="#/zones" data-testid={`zones-fix-link-${entry.key}`}>
                Fix on the Zones screen
              </a>
            </>
          )}
        </div>
      </div>
    </li>
  );
}
