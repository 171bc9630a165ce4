import type { Ownership } from '../../../main/contract/zones';
import { plural } from './plural';

/** The files two instances own and the files nobody owns, by folder. */
export function OwnershipProblems({ analysis }: { analysis: Ownership }) {
  if (analysis.overlaps.length === 0 && analysis.unownedPaths.length === 0) return null;
  return (
    <div className="zones-problems">
      {analysis.overlaps.length > 0 && (
        <section className="card" aria-label="Overlaps">
          <h2>
            Overlaps <span className="count">{plural(analysis.overlapping, 'file')}</span>
          </h2>
          <ul className="path-groups">
            {analysis.overlaps.map((group) => (
              <li key={group.path}>
                <span className="mono">{group.path}</span> <span className="muted">{plural(group.files, 'file')}, owned by {group.owners.join(' and ')}</span>
              </li>
            ))}
          </ul>
        </section>
      )}
      {analysis.unownedPaths.length > 0 && (
        <section className="card" aria-label="Unowned">
          <h2>
            Unowned <span className="count">{plural(analysis.unowned, 'file')}</span>
          </h2>
          <ul className="path-groups">
            {analysis.unownedPaths.map((group) => (
              <li key={group.path}>
                <span className="mono">{group.path}</span> {group.files > 1 && <span className="muted">{group.files} files</span>}
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}
