import { DndContext, DragOverlay, PointerSensor, useSensor, useSensors, type DragEndEvent, type DragStartEvent } from '@dnd-kit/core';
import { useState } from 'react';
import { ColumnKeyboardSensor } from '../requests/column-keyboard-sensor';
import { dragAnnouncements, zoneFor, type DragItem } from './drag-item';
import { EnforcementPanel } from './EnforcementPanel';
import { ImportPreview } from './ImportPreview';
import { InstanceCard } from './InstanceCard';
import { OwnershipProblems } from './OwnershipProblems';
import { OwnershipSummary } from './OwnershipSummary';
import { RepositoryTree } from './RepositoryTree';
import { useZones } from './store';
import { focusZoneChip } from './ZoneChip';

/** The drag-and-drop editor: the repository tree beside the instances, with what the draft leaves unowned or shared. */
export function OwnershipView() {
  const { root, saved, draft, analysis, loading, load, addZone, moveZone } = useZones();
  const [dragging, setDragging] = useState<DragItem | null>(null);
  // By keyboard, Space picks a row or a chip up and each arrow carries it to the next instance (not 25 px at a time).
  const sensors = useSensors(useSensor(PointerSensor, { activationConstraint: { distance: 4 } }), useSensor(ColumnKeyboardSensor, { grid: true }));

  const onDragStart = (event: DragStartEvent) => setDragging((event.active.data.current as DragItem | undefined) ?? null);
  const onDragEnd = (event: DragEndEvent) => {
    setDragging(null);
    const item = event.active.data.current as DragItem | undefined;
    const target = event.over?.data.current as { instance: string } | undefined;
    if (!item || !target) return;
    if (item.kind === 'path') addZone(target.instance, zoneFor(item));
    else {
      moveZone(item.instance, target.instance, item.pattern);
      focusZoneChip(target.instance, item.pattern); // the chip is drawn anew in its new card
    }
  };

  return (
    <>
      <ImportPreview />
      {saved && analysis && <OwnershipSummary analysis={analysis} draft={draft} />}

      {loading && !saved ? (
        <p className="muted" aria-busy="true">
          <span className="busy-dot" aria-hidden="true" /> Reading the repository…
        </p>
      ) : saved ? (
        <DndContext sensors={sensors} onDragStart={onDragStart} onDragEnd={onDragEnd} onDragCancel={() => setDragging(null)} accessibility={{ announcements: dragAnnouncements }}>
          <div className="zones-layout">
            <RepositoryTree draft={draft} />
            <div className="zones-instances" aria-label="Instances">
              {draft.length === 0 && <p className="empty">lanes.yml has no instances yet. Create one on the Instances screen, or import a scope table.</p>}
              {draft.map((instance, index) => (
                <InstanceCard key={instance.name} instance={instance} index={index} draft={draft} analysis={analysis} />
              ))}
            </div>
          </div>
          <DragOverlay>{dragging ? <span className="chip zone-chip dragging">{dragging.kind === 'path' ? zoneFor(dragging) : dragging.pattern}</span> : null}</DragOverlay>
        </DndContext>
      ) : (
        <div className="card empty" role="status">
          <p>Lanes could not read the zones of this repository. Once what the error named is fixed, try again.</p>
          <button className="button" type="button" onClick={() => root && void load(root)} disabled={!root}>
            Try again
          </button>
        </div>
      )}

      {saved && analysis && <OwnershipProblems analysis={analysis} />}
      {saved && <EnforcementPanel />}
    </>
  );
}
