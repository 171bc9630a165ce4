/** What a drag carries: a tree entry to give away, or a zone chip to move. */
export type DragItem = { kind: 'path'; path: string; folder: boolean } | { kind: 'chip'; instance: string; pattern: string };

/** The zone a tree entry becomes when given to an instance: folders end with `/`. */
export function zoneFor(entry: { path: string; folder: boolean }): string {
  return entry.folder ? `${entry.path}/` : entry.path;
}

function describeDragItem(item: unknown): string {
  const drag = item as DragItem | undefined;
  if (!drag) return 'the item';
  return drag.kind === 'path' ? zoneFor(drag) : `${drag.pattern} of ${drag.instance}`;
}

/** What a screen reader hears while a folder or chip is dragged with the keyboard. */
export const dragAnnouncements = {
  onDragStart: ({ active }: { active: { data: { current?: unknown } } }) => `Picked up ${describeDragItem(active.data.current)}. Use the arrow keys to reach an instance, Space to drop, Escape to cancel.`,
  onDragOver: ({ active, over }: { active: { data: { current?: unknown } }; over: { data: { current?: unknown } } | null }) =>
    over ? `${describeDragItem(active.data.current)} is over ${(over.data.current as { instance: string }).instance}.` : `${describeDragItem(active.data.current)} is not over an instance.`,
  onDragEnd: ({ active, over }: { active: { data: { current?: unknown } }; over: { data: { current?: unknown } } | null }) =>
    over ? `${describeDragItem(active.data.current)} given to ${(over.data.current as { instance: string }).instance}.` : `${describeDragItem(active.data.current)} dropped outside the instances; nothing changed.`,
  onDragCancel: ({ active }: { active: { data: { current?: unknown } } }) => `Cancelled moving ${describeDragItem(active.data.current)}.`,
};
