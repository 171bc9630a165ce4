import { useLayoutEffect, useRef } from 'react';
import { useTrust, type TrustedCommand } from './store';
import './trust.css';

/**
 * Workspace trust, as VS Code's: when a repository's lanes.yml names commands the user was never
 * asked about, Lanes asks once on opening, before anything runs. The same dialog reviews every
 * command later, from the Restricted mode bar or the trust status in the navigation.
 */
export function TrustDialog() {
  const state = useTrust((store) => store.state);
  const reviewing = useTrust((store) => store.reviewing);
  const asked = Boolean(state?.ask) && !reviewing;
  if (!state || (!asked && !reviewing)) return null;
  const shown = asked ? state.commands.filter((command) => !command.trusted && !command.declined) : state.commands;
  return <TrustModal root={state.root} commands={shown} asked={asked} />;
}

function TrustModal({ root, commands, asked }: { root: string; commands: TrustedCommand[]; asked: boolean }) {
  const ref = useRef<HTMLDialogElement>(null);
  const busy = useTrust((store) => store.busy);
  const error = useTrust((store) => store.error);
  const { trust, browse, revokeAll } = useTrust.getState();
  const untrusted = commands.filter((command) => !command.trusted);
  const undecided = untrusted.filter((command) => !command.declined);
  const anyTrusted = commands.some((command) => command.trusted);

  // Opened in the same commit as the state that asks, so nothing can be clicked behind it meanwhile.
  useLayoutEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);

  return (
    <dialog
      ref={ref}
      className="trust-dialog"
      aria-labelledby="trust-title"
      aria-describedby="trust-intro"
      onCancel={(event) => {
        event.preventDefault();
        if (!busy) void browse(undecided);
      }}
    >
      <div className="trust-inner">
        <h2 id="trust-title">{asked ? 'Do you trust the commands in this repository?' : 'Commands in this repository'}</h2>
        <div id="trust-intro" className="trust-intro">
          <p>
            The lanes.yml of <code className="trust-root">{root}</code> names commands that Lanes runs on this computer, with your permissions,
            when you start an instance or make a new one.
          </p>
          <p className="muted">
            Trust them only if you trust the people who wrote this repository. Without trust you can still browse every screen; Lanes runs
            nothing from lanes.yml. A command that changes later is asked about again.
          </p>
        </div>
        {commands.length === 0 ? (
          <p className="muted">lanes.yml names no commands.</p>
        ) : (
          <table className="table trust-table">
            <thead>
              <tr>
                <th scope="col">Kind</th>
                <th scope="col">Instance</th>
                <th scope="col">Command</th>
                {!asked && <th scope="col">Trust</th>}
              </tr>
            </thead>
            <tbody>
              {commands.map((command) => (
                <tr key={`${command.kind}\u0000${command.instance ?? ''}\u0000${command.command}`} data-testid="trust-command">
                  <td>{command.kind === 'agent' ? 'Agent' : 'Setup'}</td>
                  <td>{command.instance ?? <span className="muted">every new worktree</span>}</td>
                  <td>
                    <code className="trust-command">{command.command}</code>
                  </td>
                  {!asked && <td>{command.trusted ? <span className="tag">trusted</span> : <span className="tag tag-warn">not trusted</span>}</td>}
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        <div className="trust-actions">
          {!asked && anyTrusted && (
            <button className="button danger" type="button" disabled={busy} onClick={() => void revokeAll()}>
              Stop trusting these commands
            </button>
          )}
          <span className="grow" />
          <button className="button" type="button" disabled={busy} onClick={() => void browse(undecided)}>
            {untrusted.length > 0 ? 'Browse without running' : 'Close'}
          </button>
          {untrusted.length > 0 && (
            <button className="button primary" type="button" disabled={busy} onClick={() => void trust(untrusted)}>
              Trust and run these commands
            </button>
          )}
        </div>
      </div>
    </dialog>
  );
}

/** The bar every screen shows while the repository holds commands Lanes will not run. */
export function RestrictedModeBar() {
  const state = useTrust((store) => store.state);
  const untrusted = state?.commands.filter((command) => !command.trusted).length ?? 0;
  if (untrusted === 0) return null;
  return (
    <div className="banner banner-warn trust-bar" role="status" data-testid="restricted-mode">
      <span className="grow">
        <strong>Restricted mode.</strong>{' '}
        {untrusted === 1
          ? "Lanes does not run the command from this repository's lanes.yml you have not trusted: instances using it do not start."
          : `Lanes runs none of the ${untrusted} commands from this repository's lanes.yml you have not trusted: instances using them do not start.`}
      </span>
      <button className="button small" type="button" onClick={() => useTrust.getState().review()}>
        Review commands
      </button>
    </div>
  );
}

/** The repository's trust at a glance, in the navigation: a way to review it when all is trusted too. */
export function TrustStatus() {
  const state = useTrust((store) => store.state);
  if (!state || state.commands.length === 0) return null;
  const restricted = state.commands.some((command) => !command.trusted);
  return (
    <button className={`button ghost small trust-status ${restricted ? 'trust-status-restricted' : ''}`} type="button" onClick={() => useTrust.getState().review()}>
      {restricted ? 'Restricted mode' : 'Commands trusted'}
    </button>
  );
}
