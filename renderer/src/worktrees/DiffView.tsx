import type { DiffFile, WorktreeDiff } from '../../../main/contract/worktrees';

/** The instance's changes against its base, file by file, with old and new line numbers. */
export function DiffView({ diff }: { diff: WorktreeDiff }) {
  const additions = diff.files.reduce((sum, file) => sum + file.additions, 0);
  const deletions = diff.files.reduce((sum, file) => sum + file.deletions, 0);
  return (
    <section className="diff-view" aria-label={`Diff against ${diff.base}`} data-testid="diff-view">
      <p className="muted">
        {diff.files.length === 0
          ? `No changes against ${diff.base}.`
          : `${diff.files.length} file${diff.files.length === 1 ? '' : 's'} changed against ${diff.base} (since ${diff.mergeBase.slice(0, 7)}): `}
        {diff.files.length > 0 && (
          <>
            <span className="diff-add-count">+{additions}</span> <span className="diff-del-count">−{deletions}</span>
          </>
        )}
      </p>
      {diff.files.map((file) => (
        <DiffFileView key={`${file.oldPath ?? ''}→${file.path}`} file={file} />
      ))}
      {diff.untracked.length > 0 && (
        <p className="muted">
          Not in the diff until added to git: <span className="mono">{diff.untracked.join(', ')}</span>
        </p>
      )}
    </section>
  );
}

function DiffFileView({ file }: { file: DiffFile }) {
  return (
    <details className="diff-file" open={file.additions + file.deletions <= 400}>
      <summary>
        <span className="mono">{file.oldPath ? `${file.oldPath} → ${file.path}` : file.path}</span>
        <span className="tag">{file.status}</span>
        <span className="diff-add-count">+{file.additions}</span> <span className="diff-del-count">−{file.deletions}</span>
      </summary>
      {file.binary ? (
        <p className="muted diff-note">Binary file; not shown.</p>
      ) : (
        <table className="diff-table">
          <tbody>
            {file.hunks.map((hunk, hunkIndex) => [
              <tr key={`h${hunkIndex}`} className="diff-hunk">
                <td colSpan={3}>{hunk.header}</td>
              </tr>,
              ...hunk.lines.map((line, lineIndex) => (
                <tr key={`${hunkIndex}-${lineIndex}`} className={`diff-${line.kind}`}>
                  <td className="diff-num">{line.oldLine ?? ''}</td>
                  <td className="diff-num">{line.newLine ?? ''}</td>
                  <td className="diff-text">
                    <span aria-hidden="true" className="diff-marker">
                      {line.kind === 'add' ? '+' : line.kind === 'delete' ? '−' : ' '}
                    </span>
                    <span className="visually-hidden">{line.kind === 'add' ? 'added: ' : line.kind === 'delete' ? 'removed: ' : ''}</span>
                    {line.text}
                  </td>
                </tr>
              )),
            ])}
          </tbody>
        </table>
      )}
      {file.truncated && <p className="muted diff-note">This file's diff is long; Lanes shows its beginning only.</p>}
    </details>
  );
}
