import { useDraggable } from '@dnd-kit/core';
import type { KeyboardEvent } from 'react';
import type { TreeEntry } from '../../../main/contract/zones';
import { zoneFor, type DragItem } from './drag-item';
import { OwnerStrip } from './OwnerStrip';
import { useZones, type DraftInstance } from './store';

// TreeChildren and TreeRow render each other (a folder's row holds its children), so they share
// a file rather than import each other.

/** The entries of one open folder, and how many more it holds than are shown. */

export function TreeChildren({ entries, more, depth, draft }: { entries: readonly TreeEntry[]; more: number; depth: number; draft: readonly DraftInstance[] }) {
  return (
    <>
      {entries.map((entry) => (
        <TreeRow key={entry.path} entry={entry} depth={depth} draft={draft} />
      ))}
      {more > 0 && (
        <li role="none" className="muted tree-more" style={{ paddingLeft: depth * 14 }}>
          and {more} more not shown (give a glob for them by hand)
        </li>
      )}
    </>
  );
}

export function TreeRow({ entry, depth, draft }: { entry: TreeEntry; depth: number; draft: readonly DraftInstance[] }) {
  const expanded = useZones((state) => state.expanded.includes(entry.path));
  const children = useZones((state) => (expanded ? state.analysis?.folders[entry.path] : undefined));
  const toggleFolder = useZones((state) => state.toggleFolder);
  const addZone = useZones((state) => state.addZone);
  const folder = entry.kind === 'folder';
  const { attributes, listeners, setNodeRef, isDragging } = useDraggable({ id: `path:${entry.path}`, data: { kind: 'path', path: entry.path, folder } satisfies DragItem });

  const onKeyDown = (event: KeyboardEvent<HTMLElement>) => {
    // While the row is carried, the arrows are the drag's: they move it between instances.
    if (event.target !== event.currentTarget || isDragging) return;
    if (folder && (event.key === 'Enter' || (event.key === 'ArrowRight' && !expanded) || (event.key === 'ArrowLeft' && expanded))) {
      event.preventDefault();
      toggleFolder(entry.path);
      return;
    }
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      moveFocus(event.currentTarget, event.key === 'ArrowDown' ? 1 : -1);
      return;
    }
    const digit = Number.parseInt(event.key, 10);
    if (digit >= 1 && digit <= draft.length) {
      event.preventDefault();
      addZone(draft[digit - 1]!.name, zoneFor({ path: entry.path, folder }));
      return;
    }
    listeners?.onKeyDown?.(event);
  };

  const ownerNames = entry.owners.map((owner) => owner.name).join(', ');
  const state = entry.overlapping > 0 ? 'overlap' : entry.unowned > 0 ? (entry.unowned === entry.files ? 'unowned' : 'partly-unowned') : 'owned';

  return (
    <li role="none">
      <div
        {...attributes}
        {...listeners}
        ref={setNodeRef}
        role="treeitem"
        aria-level={depth}
        aria-expanded={folder ? expanded : undefined}
        data-path={entry.path}
        data-state={state}
        className={`tree-row tree-${state}${isDragging ? ' is-dragging' : ''}`}
        style={{ paddingLeft: 6 + (depth - 1) * 14 }}
        aria-roledescription={folder ? "draggable folder" : "draggable file"}
        tabIndex={0}
        onKeyDown={onKeyDown}
        onDoubleClick={() => folder && toggleFolder(entry.path)}
      >
        {folder ? (
          <button
            type="button"
            className="tree-toggle"
            tabIndex={-1}
            aria-hidden="true"
            onPointerDown={(event) => event.stopPropagation()}
            onClick={() => toggleFolder(entry.path)}
          >
            {expanded ? '▾' : '▸'}
          </button>
        ) : (
          <span className="tree-toggle" aria-hidden="true" />
        )}
        {/* The row is named by what it shows (WCAG 2.5.3): words only a screen reader needs are hidden, not replaced. */}
        <span className={`tree-name${folder ? ' is-folder' : ''}`}>
          {entry.name}
          <span className="visually-hidden">{folder ? ' folder,' : ','}</span>
        </span>
        <OwnerStrip entry={entry} draft={draft} />
        {ownerNames && <span className="tree-owners">{ownerNames}</span>}
        {entry.overlapping > 0 && <span className="tag tag-danger">{entry.overlapping} overlapping</span>}
        {/* A wholly unowned row is told by its muted name; only a partly unowned folder carries a tag. */}
        {entry.unowned > 0 && (entry.unowned === entry.files ? <span className="visually-hidden">, unowned</span> : <span className="tag tag-warn">{entry.unowned} unowned</span>)}
        <span className="count">
          {entry.files}
          <span className="visually-hidden">{entry.files === 1 ? ' file' : ' files'}</span>
        </span>
      </div>
      {folder && expanded && (
        <ul role="group" className="tree">
          {children ? <TreeChildren entries={children.children} more={children.more} depth={depth + 1} draft={draft} /> : <li className="muted tree-more">Reading…</li>}
        </ul>
      )}
    </li>
  );
}

function moveFocus(from: HTMLElement, step: 1 | -1): void {
  const tree = from.closest('[role="tree"]');
  if (!tree) return;
  const items = [...tree.querySelectorAll<HTMLElement>('[role="treeitem"]')];
  const next = items[items.indexOf(from) + step];
  next?.focus();
}
