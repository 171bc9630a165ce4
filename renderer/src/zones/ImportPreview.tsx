import { Message } from '../shell/Message';
import { useZones } from './store';

/** The scope table Lanes read from the shared-state file, shown before it replaces anything in the editor. */
export function ImportPreview() {
  const preview = useZones((state) => state.importPreview);
  const applyImport = useZones((state) => state.applyImport);
  const cancelImport = useZones((state) => state.cancelImport);
  if (!preview) return null;
  return (
    <div className="card import-preview" role="region" aria-label="Import the scope table">
      <h2>Scope table in {preview.path}</h2>
      {preview.found ? (
        <>
          <p className="muted">This is what Lanes understood. Applying it replaces these instances' zones in the editor; nothing is saved until you save.</p>
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Instance</th>
                <th scope="col">Zones</th>
              </tr>
            </thead>
            <tbody>
              {preview.rows.map((row) => (
                <tr key={row.instance}>
                  <td>
                    {row.instance}
                    {!row.known && <span className="tag tag-warn">new</span>}
                  </td>
                  <td className="mono">{row.zones.join(', ') || '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
      {preview.problems.length > 0 && (
        <ul className="import-problems">
          {preview.problems.map((problem) => (
            <li key={problem} className="form-error">
              <Message text={problem} />
            </li>
          ))}
        </ul>
      )}
      <div className="row">
        {preview.found && (
          <button className="button primary" type="button" onClick={applyImport}>
            Apply to the editor
          </button>
        )}
        <button className="button" type="button" onClick={cancelImport}>
          {preview.found ? 'Cancel' : 'Close'}
        </button>
      </div>
    </div>
  );
}
