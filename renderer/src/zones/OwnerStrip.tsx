import type { TreeEntry } from '../../../main/contract/zones';
import { laneColor } from './lane-color';
import type { DraftInstance } from './store';

/** One dot in its instance's colour for each owner of a tree entry. */
export function OwnerStrip({ entry, draft }: { entry: TreeEntry; draft: readonly DraftInstance[] }) {
  if (entry.owners.length === 0) return null;
  return (
    <span className="owner-strip" aria-hidden="true">
      {entry.owners.map((owner) => {
        const index = draft.findIndex((instance) => instance.name === owner.name);
        return <span key={owner.name} className="lane-dot" style={{ background: laneColor(index) }} title={`${owner.name}: ${owner.files} of ${entry.files}`} />;
      })}
    </span>
  );
}
