import { Command } from 'cmdk';
import { useMemo } from 'react';
import { availableCommands, shortcutLabel, useCommandRegistry, type PaletteCommand } from './commands';
import './palette.css';

/** Commands grouped as registered, each group once, in the order its first command came. */
function grouped(commands: readonly PaletteCommand[]): [string, PaletteCommand[]][] {
  const groups = new Map<string, PaletteCommand[]>();
  for (const command of commands) groups.set(command.group, [...(groups.get(command.group) ?? []), command]);
  return [...groups];
}

/** Ctrl/Cmd+K: every action Lanes offers now, searchable, with its shortcut. */
export function CommandPalette({ open, onOpenChange }: { open: boolean; onOpenChange(open: boolean): void }) {
  const sources = useCommandRegistry((state) => state.sources);
  const groups = useMemo(() => grouped(availableCommands(sources)), [sources]);
  const run = (command: PaletteCommand) => {
    onOpenChange(false);
    void command.run();
  };
  return (
    <Command.Dialog open={open} onOpenChange={onOpenChange} label="Command palette" contentClassName="palette" overlayClassName="palette-overlay">
      <Command.Input className="palette-input" placeholder="Type a command or an instance…" aria-label="Command" />
      <Command.List className="palette-list">
        <Command.Empty className="palette-empty">No command matches.</Command.Empty>
        {groups.map(([group, commands]) => (
          <Command.Group key={group} heading={group} className="palette-group">
            {commands.map((command) => (
              <Command.Item
                key={command.id}
                value={`${command.group} ${command.title}`}
                keywords={command.keywords ? [...command.keywords] : undefined}
                onSelect={() => run(command)}
                className="palette-item"
              >
                <span className="grow">{command.title}</span>
                {command.shortcut && <kbd className="palette-kbd">{shortcutLabel(command.shortcut)}</kbd>}
              </Command.Item>
            ))}
          </Command.Group>
        ))}
      </Command.List>
    </Command.Dialog>
  );
}
