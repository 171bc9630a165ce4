import type { Ownership } from '../../../main/contract/zones';
import { laneColor } from './lane-color';
import type { DraftInstance } from './store';

/** The share of tracked files each instance owns, as a bar and in figures, with what is common, unowned or overlapping. */
export function OwnershipSummary({ analysis, draft }: { analysis: Ownership; draft: readonly DraftInstance[] }) {
  return (
    <div className="card zones-summary" aria-label="Ownership summary">
      <div className="zones-bar" role="img" aria-label={`${analysis.total} tracked files`}>
        {analysis.perInstance.map((owner, index) =>
          owner.files > 0 ? <span key={owner.name} style={{ flexGrow: owner.files, background: laneColor(index) }} title={`${owner.name}: ${owner.files} files`} /> : null,
        )}
        {analysis.common > 0 && <span className="bar-common" style={{ flexGrow: analysis.common }} title={`${analysis.common} common files`} />}
        {analysis.unowned > 0 && <span className="bar-unowned" style={{ flexGrow: analysis.unowned }} title={`${analysis.unowned} unowned files`} />}
      </div>
      <div className="row zones-figures">
        <span>
          <strong>{analysis.total}</strong> tracked files
        </span>
        {analysis.perInstance.map((owner, index) => (
          <span key={owner.name} className="row zones-figure">
            <span className="lane-dot" style={{ background: laneColor(index) }} aria-hidden="true" />
            {owner.name} {owner.files} ({owner.percent}%)
          </span>
        ))}
        <span className="muted">{analysis.common} common</span>
        <span className={analysis.unowned > 0 ? 'tag tag-warn' : 'tag'}>
          {analysis.unowned} unowned ({analysis.unownedPercent}%)
        </span>
        {analysis.overlapping > 0 ? (
          <span className="tag tag-danger" role="status">
            {analysis.overlapping} {analysis.overlapping === 1 ? 'file is' : 'files are'} owned by two or more instances
          </span>
        ) : (
          <span className="tag">no overlaps</span>
        )}
        {draft.some((instance) => instance.isNew) && <span className="tag tag-warn">new instances will be added to lanes.yml</span>}
      </div>
    </div>
  );
}
