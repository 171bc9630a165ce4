import { useZones } from './store';
import { violationsLink } from './routes';

/** The live watcher's log: each write outside a zone, newest first; one instance's, or everyone's. */
export function ViolationLog({ instance = null }: { instance?: string | null }) {
  const all = useZones((state) => state.violations);
  const total = useZones((state) => state.total);
  const counts = useZones((state) => state.counts);
  const clearViolations = useZones((state) => state.clearViolations);
  const violations = instance === null ? all : all.filter((violation) => violation.instance === instance || violation.instances.includes(instance));
  const shown = violations.slice(-200).reverse();
  const count = instance === null ? total : (counts[instance] ?? 0);
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
