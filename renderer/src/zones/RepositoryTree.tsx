import { useZones, type DraftInstance } from './store';
import { TreeChildren } from './TreeRow';

/** The tracked folders and files of the repository, each showing its owners; a folder opens in place. */
export function RepositoryTree({ draft }: { draft: readonly DraftInstance[] }) {
  const analysis = useZones((state) => state.analysis);
  const root = analysis?.folders[''];
  return (
    <div className="card zones-tree">
      <h2>Repository</h2>
      <p className="muted zones-hint">
        Keys: arrows move, Enter opens a folder, {draft.length > 1 ? `1–${Math.min(9, draft.length)}` : '1'} gives it to that instance, Space picks it up to drag.
      </p>
      {!root ? (
        <p className="muted">Reading…</p>
      ) : root.children.length === 0 ? (
        <p className="empty">This repository has no tracked files yet.</p>
      ) : (
        <ul role="tree" aria-label="Repository folders" className="tree">
          <TreeChildren entries={root.children} more={root.more} depth={1} draft={draft} />
        </ul>
      )}
    </div>
  );
}
