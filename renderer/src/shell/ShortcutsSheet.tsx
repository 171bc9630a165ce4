import { useMemo } from 'react';
import { Dialog } from '../requests/Dialog';
import { availableCommands, shortcutLabel, useCommandRegistry } from './commands';

/** Help → Keyboard shortcuts: every command that has keys, by group. */
export function ShortcutsSheet({ onClose }: { onClose(): void }) {
  const sources = useCommandRegistry((state) => state.sources);
  const groups = useMemo(() => {
    const byGroup = new Map<string, [string, string][]>();
    for (const command of availableCommands(sources)) {
      if (!command.shortcut) continue;
      byGroup.set(command.group, [...(byGroup.get(command.group) ?? []), [command.title, shortcutLabel(command.shortcut)]]);
    }
    return [...byGroup];
  }, [sources]);
  return (
    <Dialog label="Keyboard shortcuts" onClose={onClose} className="shortcuts-sheet">
      <div className="row">
        <h2 className="grow">Keyboard shortcuts</h2>
        <button type="button" className="button ghost small" onClick={onClose}>
          Close
        </button>
      </div>
      {groups.map(([group, rows]) => (
        <section key={group} aria-label={group}>
          <h3>{group}</h3>
          <table className="table shortcuts-table">
            <tbody>
              {rows.map(([title, keys]) => (
                <tr key={title}>
                  <td>{title}</td>
                  <td>
                    <kbd className="palette-kbd">{keys}</kbd>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ))}
      <p className="muted">In a terminal, Ctrl+K belongs to the shell; {shortcutLabel('Mod+Shift+P')} opens the palette there too.</p>
    </Dialog>
  );
}
