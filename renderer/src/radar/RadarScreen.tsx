import { useEffect } from 'react';
import type { RadarCell, RadarLane, RadarReport } from '../../../main/contract/radar';
import { ErrorBanner, NoWorkspace } from '../shell/Banners';
import { useWorkspace } from '../workspace/store';
import { plural } from '../zones/plural';
import { useRadar, type SelectedCell } from './store';
import './radar.css';

/** The conflict radar of the open repository: which branches would conflict if merged, and which files several instances changed. */
export function RadarScreen() {
  const root = useWorkspace((state) => state.snapshot?.root ?? null);
  const { radar, error, load, refresh } = useRadar();
  useEffect(() => {
    if (root) void load(root);
  }, [root, load]);

  if (!root) return <NoWorkspace title="Conflicts" what="Open a repository to see which of its instances' branches would conflict when merged." />;
  const report = radar?.report ?? null;
  const scanning = radar === null || radar.status === 'loading';
  return (
    <section className="screen radar" aria-labelledby="conflicts-title" aria-busy={scanning}>
      <header className="screen-header">
        <div>
          <h1 id="conflicts-title">Conflicts</h1>
          <p className="muted">Every instance's branch merged with every other and with its base, in git only: no checkout is touched. Updated after every commit.</p>
        </div>
        <div className="row">
          {report && (
            <span className="muted" data-testid="radar-scanned">
              Scanned {new Date(report.scannedAt).toLocaleTimeString()} in {report.durationMs} ms
            </span>
          )}
          <button className="button small" type="button" onClick={() => void refresh()} disabled={scanning}>
            {scanning ? 'Scanning…' : 'Scan again'}
          </button>
        </div>
      </header>
      <ErrorBanner message={error ?? radar?.error ?? null} onDismiss={() => useRadar.setState({ error: null })} />
      {report === null ? (
        radar?.status === 'error' ? null : <div className="card empty">Merging the branches…</div>
      ) : report.lanes.length === 0 ? (
        <div className="card empty">
          <p>No instances yet. Once lanes.yml lists instances with their branch and base, this screen shows which of them would conflict.</p>
        </div>
      ) : (
        <RadarBody report={report} />
      )}
    </section>
  );
}

function RadarBody({ report }: { report: RadarReport }) {
  const selected = useRadar((state) => state.selected);
  const select = useRadar((state) => state.select);
  const problems = report.lanes.filter((lane) => lane.problem !== null);
  const selectedCell = selected ? cellOf(report, selected) : null;
  return (
    <>
      <div className="card">
        <h2>Merge matrix</h2>
        <div className="radar-scroll">
          <table className="radar-matrix" aria-label="Predicted merge conflicts between instances">
            <thead>
              <tr>
                <th scope="col">Instance</th>
                {report.lanes.map((lane) => (
                  <th scope="col" key={lane.instance}>
                    {lane.instance}
                  </th>
                ))}
                <th scope="col">Its base</th>
              </tr>
            </thead>
            <tbody>
              {report.lanes.map((lane) => (
                <tr key={lane.instance}>
                  <th scope="row">
                    <LaneHeading lane={lane} />
                  </th>
                  {report.lanes.map((other) =>
                    other.instance === lane.instance ? (
                      <td key={other.instance} className="radar-self" aria-label={`${lane.instance} with itself`}>
                        —
                      </td>
                    ) : (
                      <MatrixCell key={other.instance} cell={cellOf(report, { instance: lane.instance, other: other.instance })} lane={lane.instance} other={other.instance} selected={selected} onSelect={select} />
                    ),
                  )}
                  <MatrixCell cell={cellOf(report, { instance: lane.instance, other: null })} lane={lane.instance} other={null} selected={selected} onSelect={select} />
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {selected && selectedCell && <CellDetail cell={selectedCell} selected={selected} onClose={() => select(null)} />}
      </div>
      {problems.length > 0 && (
        <div className="card">
          <h2>What the radar could not look at</h2>
          <ul className="radar-problems">
            {problems.map((lane) => (
              <li key={lane.instance}>
                <strong>{lane.instance}</strong>: {lane.problem}
              </li>
            ))}
          </ul>
        </div>
      )}
      <div className="card">
        <h2>Files changed by more than one instance</h2>
        {report.overlaps.length === 0 ? (
          <p className="empty">No file is changed on more than one instance's branch.</p>
        ) : (
          <table className="table" aria-label="Files changed by more than one instance">
            <thead>
              <tr>
                <th scope="col">File</th>
                <th scope="col">Changed by</th>
              </tr>
            </thead>
            <tbody>
              {report.overlaps.map((overlap) => (
                <tr key={overlap.path}>
                  <td className="mono">
                    {overlap.path} {overlap.common && <span className="tag">common</span>}
                  </td>
                  <td>{overlap.instances.join(', ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </>
  );
}

function LaneHeading({ lane }: { lane: RadarLane }) {
  return (
    <span className="radar-lane">
      <span>{lane.instance}</span>
      <span className="mono muted">{lane.branch ?? 'no branch'}</span>
      {lane.ahead !== null && lane.behind !== null && (
        <span className="muted">
          {lane.ahead} ahead, {lane.behind} behind {lane.base}
        </span>
      )}
    </span>
  );
}

function MatrixCell({ cell, lane, other, selected, onSelect }: { cell: RadarCell | null; lane: string; other: string | null; selected: SelectedCell | null; onSelect: (cell: SelectedCell) => void }) {
  const against = other ?? 'its base';
  if (!cell) return <td className="radar-self">—</td>;
  const label =
    cell.outcome === 'clean'
      ? `${lane} with ${against}: merges cleanly`
      : cell.outcome === 'conflict'
        ? `${lane} with ${against}: ${plural(cell.files.length, 'file')} would conflict`
        : `${lane} with ${against}: not known`;
  const isSelected = selected?.instance === lane && selected.other === other;
  return (
    <td className={`radar-cell radar-${cell.outcome}`}>
      <button type="button" aria-label={label} aria-pressed={isSelected} title={label} onClick={() => onSelect({ instance: lane, other })}>
        {cell.outcome === 'clean' ? '✓' : cell.outcome === 'conflict' ? cell.files.length : '?'}
      </button>
    </td>
  );
}

function CellDetail({ cell, selected, onClose }: { cell: RadarCell; selected: SelectedCell; onClose: () => void }) {
  const title = `${selected.instance} with ${selected.other ?? 'its base'}`;
  return (
    <div className="radar-detail" role="region" aria-label={title}>
      <div className="row">
        <h3 className="grow">{title}</h3>
        <button className="button ghost small" type="button" onClick={onClose}>
          Close
        </button>
      </div>
      {cell.outcome === 'clean' && <p>These branches merge without a conflict.</p>}
      {cell.outcome === 'unknown' && <p>{cell.problem}</p>}
      {cell.outcome === 'conflict' && (
        <>
          <p>{plural(cell.files.length, 'file')} would conflict:</p>
          <ul className="mono">
            {cell.files.map((file) => (
              <li key={file}>{file}</li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}

/** The report keeps each pair once; either order finds it. */
function cellOf(report: RadarReport, { instance, other }: SelectedCell): RadarCell | null {
  return (
    report.cells.find((cell) => (cell.instance === instance && cell.other === other) || (other !== null && cell.instance === other && cell.other === instance)) ?? null
  );
}
