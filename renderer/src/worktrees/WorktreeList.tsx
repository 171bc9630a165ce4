import { useEffect } from 'react';
import { formatBytes, useWorktrees } from './store';
import './worktrees.css';

/** Every worktree git knows, the instance it belongs to and its disk use, with an offer to prune the ones whose folder is gone. */
export function WorktreeList() {
  const { list, listError, pruned, loadList, prune } = useWorktrees();
  useEffect(() => {
    void loadList();
  }, [loadList]);

  const gone = list?.filter((entry) => entry.prunable) ?? [];
  // Columns nobody has a value in say nothing: a lone main checkout has no instance and no measured size.
  const showInstance = list?.some((entry) => entry.instance !== null) ?? false;
  const showDisk = list?.some((entry) => entry.diskBytes !== null) ?? false;
  return (
    <section className="card worktree-list" aria-labelledby="worktree-list-title">
      <header className="row">
        <h2 id="worktree-list-title" className="grow">
          Worktrees
        </h2>
        <button className="button small ghost" type="button" onClick={() => void loadList(true)} aria-label="Refresh worktrees and disk use">
          Refresh
        </button>
      </header>
      {listError && (
        <p className="form-error" role="alert">
          {listError}
        </p>
      )}
      {gone.length > 0 && (
        <div className="banner banner-warn worktree-problem" role="status">
          <span className="grow">
            {gone.length === 1 ? '1 worktree has' : `${gone.length} worktrees have`} lost {gone.length === 1 ? 'its' : 'their'} folder. Pruning makes git forget{' '}
            {gone.length === 1 ? 'it' : 'them'}; branches are kept.
          </span>
          <button className="button small" type="button" onClick={() => void prune()}>
            Prune
          </button>
        </div>
      )}
      {pruned && pruned.length > 0 && <p className="muted" role="status">Pruned: {pruned.join(', ')}</p>}
      {list && (
        <table className="table" aria-label="Worktrees and disk use">
          <thead>
            <tr>
              <th scope="col">Folder</th>
              <th scope="col">Branch</th>
              {showInstance && <th scope="col">Instance</th>}
              {showDisk && <th scope="col">Disk</th>}
            </tr>
          </thead>
          <tbody>
            {list.map((entry) => (
              <tr key={entry.path}>
                <td className="mono worktree-folder" title={entry.path}>
                  <span className="worktree-folder-name">{folderName(entry.path)}</span>
                  {entry.isMain && <span className="tag">main checkout</span>}
                  {entry.prunable && <span className="tag tag-warn">folder gone</span>}
                  {entry.locked && <span className="tag">locked</span>}
                </td>
                <td className="mono worktree-nowrap">{entry.branch ?? entry.head ?? '—'}</td>
                {showInstance && <td>{entry.instance ?? <span className="muted">—</span>}</td>}
                {showDisk && <td className="worktree-nowrap">{entry.diskBytes === null ? '—' : formatBytes(entry.diskBytes)}</td>}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** The folder's own name; the full path is its tooltip (paths of sibling worktrees differ only at the end). */
function folderName(folder: string): string {
  return folder.split(/[\\/]/).filter(Boolean).pop() ?? folder;
}
