import { useState } from 'react';
import { Dialog } from '../requests/Dialog';
import { useApp } from './app-store';

/** Help → About Lanes: the versions someone filing a bug is asked for, ready to copy. */
export function AboutDialog({ onClose }: { onClose(): void }) {
  const info = useApp((state) => state.info);
  const [copied, setCopied] = useState(false);
  const rows: [string, string][] = info
    ? [
        ['Lanes', info.version],
        ['Mode', info.mode === 'electron' ? 'desktop app' : 'web mode'],
        ...(info.runtime.electron ? ([['Electron', info.runtime.electron]] as [string, string][]) : []),
        ...(info.runtime.chrome ? ([['Chromium', info.runtime.chrome]] as [string, string][]) : []),
        ['Node (Lanes)', info.runtime.node],
        ['Platform', info.platform],
        ['Browser', navigator.userAgent],
      ]
    : [];
  const text = rows.map(([name, value]) => `${name}: ${value}`).join('\n');
  return (
    <Dialog label="About Lanes" onClose={onClose} className="about-dialog">
      <h2>About Lanes</h2>
      {info ? (
        <table className="table about-table">
          <tbody>
            {rows.map(([name, value]) => (
              <tr key={name}>
                <th scope="row">{name}</th>
                <td>{value}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="muted">Asking Lanes for its versions…</p>
      )}
      <div className="row">
        <span className="grow muted" role="status">
          {copied ? 'Copied.' : ''}
        </span>
        <button
          type="button"
          className="button"
          disabled={!info}
          onClick={() =>
            void navigator.clipboard.writeText(text).then(
              () => setCopied(true),
              () => setCopied(false),
            )
          }
        >
          Copy
        </button>
        <button type="button" className="button primary" onClick={onClose}>
          OK
        </button>
      </div>
    </Dialog>
  );
}
