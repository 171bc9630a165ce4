import { useEffect } from 'react';
import type { CoordinationState } from '../../../main/contract/memory';
import type { Violation } from '../../../main/contract/zones';
import { Message } from '../shell/Message';
import { currentCopy, isWorktreeCopyWrite, useCoordination } from '../workspace/coordination-store';
import '../workspace/coordination.css';
import { useZones } from './store';
import { violationsLink } from './routes';

/** The live watcher's log: each write outside a zone, newest first; one instance's, or everyone's. */
export function ViolationLog({ instance = null }: { instance?: string | null }) {
  const all = useZones((state) => state.violations);
  const total = useZones((state) => state.total);
  const counts = useZones((state) => state.counts);
  const clearViolations = useZones((state) => state.clearViolations);
  const coordination = useCoordination((state) => state.state);
  const moveError = useCoordination((state) => state.error);
  const violations = instance === null ? all : all.filter((violation) => violation.instance === instance || violation.instances.includes(instance));
  const shown = violations.slice(-200).reverse();
  const count = instance === null ? total : (counts[instance] ?? 0);

  // Which rows are writes into a worktree's copy of a coordination file comes from the home's layout.
  useEffect(() => {
    if (useCoordination.getState().state === null) void useCoordination.getState().load();
  }, []);

  return (
    <section className="card violation-log" aria-label="Violations">
      <div className="row">
        <h2 className="grow">
          {instance === null ? 'Writes outside a zone' : `Writes by ${instance} outside its zone`} <span className="count">{count}</span>
        </h2>
        {instance !== null && (
          <a className="button small ghost" href={violationsLink()}>
            Show every instance
          </a>
        )}
        <button className="button small" type="button" onClick={() => void clearViolations(instance ?? undefined)} disabled={count === 0 && violations.length === 0}>
          Clear
        </button>
      </div>
      {moveError && coordination && shown.some((violation) => isWorktreeCopyWrite(coordination, violation)) && (
        <p className="form-error" role="alert">
          <Message text={moveError} />{' '}
          <button className="button ghost small" type="button" onClick={() => useCoordination.getState().dismissError()}>
            Dismiss
          </button>
        </p>
      )}
      {shown.length === 0 ? (
        <p className="muted">None so far. Lanes watches every worktree and the main checkout while the workspace is open.</p>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Instance</th>
              <th scope="col">Path</th>
              <th scope="col">Owner</th>
              <th scope="col">Action</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((violation) => (
              <tr key={violation.id}>
                <td className="muted">{new Date(violation.at).toLocaleTimeString()}</td>
                <td>{violation.instance ?? violation.instances.join(' or ')}</td>
                <td className="mono">
                  {violation.path}
                  {violation.writes > 1 && <span className="count">×{violation.writes}</span>}
                  {violation.change === 'delete' && <span className="tag">deleted</span>}
                  {coordination && isWorktreeCopyWrite(coordination, violation) && <WorktreeCopyNote state={coordination} violation={violation} />}
                </td>
                <td>{violation.owners.length > 0 ? violation.owners.join(', ') : <span className="muted">nobody</span>}</td>
                <td>{violation.restored ? <span className="tag">restored from git</span> : <span className="tag tag-warn">warned</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {violations.length > shown.length && <p className="muted">Showing the latest {shown.length} of {violations.length}.</p>}
    </section>
  );
}

/** "Written to API's copy of /home/web/requests/x.md", and the one action: move it home. */
function WorktreeCopyNote({ state, violation }: { state: CoordinationState; violation: Violation }) {
  const moving = useCoordination((store) => store.moving);
  const moved = useCoordination((store) => store.moved.find((entry) => entry.path === violation.path && entry.checkout === violation.checkout));
  const copy = currentCopy(state, violation);
  const who = violation.instance ?? violation.instances.join(' or ');
  const homePath = copy?.homePath ?? `${state.home}/${violation.path}`;
  return (
    <div className="worktree-copy-note" data-testid="worktree-copy-note">
      <span className="muted">
        written to {who}’s copy of <span className="mono">{homePath}</span>
      </span>
      {copy && copy.notMovable === null ? (
        <button
          className="button small primary"
          type="button"
          disabled={moving !== null}
          onClick={() => void useCoordination.getState().moveHome(copy.checkout, copy.path)}
          title={`Copy it to ${copy.homePath}, then put ${who}’s copy back as committed`}
        >
          {moving === `${copy.checkout}\0${copy.path}` ? 'Moving…' : 'Move it home'}
        </button>
      ) : copy ? (
        <span className="muted">{copy.notMovable}</span>
      ) : moved ? (
        <span className="tag">moved home</span>
      ) : (
        <span className="muted">no change left in the worktree</span>
      )}
    </div>
  );
}
