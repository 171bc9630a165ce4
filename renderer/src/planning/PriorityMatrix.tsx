import { DndContext, DragOverlay, PointerSensor, useDroppable, useSensor, useSensors, type Announcements, type DragEndEvent } from '@dnd-kit/core';
import { memo, useId, useMemo, useState } from 'react';
import { newestFirst, type Quadrant, type RequestBoard, type RequestSummary } from '../../../main/contract/requests';
import { ColumnKeyboardSensor, type KeyboardDragOptions } from '../requests/column-keyboard-sensor';
import { CardFace, RequestCard } from '../requests/RequestCard';
import { useRequests } from '../requests/store';
import { pointerFirst } from '../requests/RequestsScreen';

/** A drop area of the matrix: a quadrant, or the tray of requests without urgency and importance. */
type Place = Quadrant | 'unsorted';

export const PLACES: readonly { place: Place; label: string; hint: string }[] = [
  { place: 'unsorted', label: 'Unsorted', hint: 'No urgency or importance yet' },
  { place: 'do-first', label: 'Do first', hint: 'Urgent and important' },
  { place: 'schedule', label: 'Schedule', hint: 'Important, not urgent' },
  { place: 'delegate', label: 'Delegate', hint: 'Urgent, not important' },
  { place: 'later', label: 'Later', hint: 'Neither urgent nor important' },
];
const LABEL = Object.fromEntries(PLACES.map((entry) => [entry.place, entry.label])) as Record<Place, string>;
const KEYBOARD: KeyboardDragOptions = { grid: true };

/**
 * The unfinished requests on urgency × importance quadrants. A card dragged by mouse, or picked
 * up with Space and carried with the arrows, writes only its `urgency:` and `importance:`.
 */
export function PriorityMatrix({ board, onOpen }: { board: RequestBoard; onOpen(request: RequestSummary): void }) {
  const placing = useRequests((state) => state.placing);
  const [dragging, setDragging] = useState<RequestSummary | null>(null);
  const sensors = useSensors(useSensor(PointerSensor, { activationConstraint: { distance: 6 } }), useSensor(ColumnKeyboardSensor, KEYBOARD));

  const places = useMemo(() => {
    const grouped: Record<Place, RequestSummary[]> = { unsorted: [], 'do-first': [], schedule: [], delegate: [], later: [] };
    for (const request of board.requests) {
      if (request.status === 'done') continue;
      const quadrant = request.file in placing ? placing[request.file]! : request.quadrant;
      grouped[quadrant ?? 'unsorted'].push(request);
    }
    for (const list of Object.values(grouped)) list.sort(newestFirst);
    return grouped;
  }, [board.requests, placing]);

  const titleOf = (file: unknown) => board.requests.find((request) => request.file === file)?.title ?? String(file);
  const announcements: Announcements = {
    onDragStart: ({ active }) => `Picked up “${titleOf(active.id)}”. Use the arrows to choose a quadrant, Space to drop, Escape to cancel.`,
    onDragOver: ({ active, over }) => (over ? `“${titleOf(active.id)}” is over ${LABEL[over.id as Place]}.` : `“${titleOf(active.id)}” is over no quadrant.`),
    onDragEnd: ({ active, over }) => (over ? `“${titleOf(active.id)}” placed in ${LABEL[over.id as Place]}.` : `“${titleOf(active.id)}” was not moved.`),
    onDragCancel: ({ active }) => `Moving “${titleOf(active.id)}” was cancelled.`,
  };
  const onDragEnd = (event: DragEndEvent) => {
    setDragging(null);
    const request = event.active.data.current?.request as RequestSummary | undefined;
    const place = event.over?.id as Place | undefined;
    if (!request || !place) return;
    const quadrant = place === 'unsorted' ? null : place;
    if (quadrant !== request.quadrant) void useRequests.getState().prioritize(request, quadrant);
  };

  return (
    <DndContext
      sensors={sensors}
      collisionDetection={pointerFirst}
      onDragStart={(event) => setDragging((event.active.data.current?.request as RequestSummary | undefined) ?? null)}
      onDragEnd={onDragEnd}
      onDragCancel={() => setDragging(null)}
      accessibility={{ announcements, screenReaderInstructions: { draggable: 'To place this request, press Space, then the arrows to choose a quadrant, and Space again to drop it. Escape cancels.' } }}
    >
      <div className="plan-matrix">
        {PLACES.map((entry) => (
          <PlaceArea key={entry.place} place={entry.place} label={entry.label} hint={entry.hint} requests={places[entry.place]} instances={board.instances} onOpen={onOpen} />
        ))}
      </div>
      <DragOverlay dropAnimation={null}>
        {dragging && (
          <div className="req-card req-card-overlay">
            <CardFace request={dragging} instances={board.instances} onOpen={() => undefined} />
          </div>
        )}
      </DragOverlay>
    </DndContext>
  );
}

interface PlaceProps {
  place: Place;
  label: string;
  hint: string;
  requests: RequestSummary[];
  instances: readonly string[];
  onOpen(request: RequestSummary): void;
}

const PlaceArea = memo(function PlaceArea({ place, label, hint, requests, instances, onOpen }: PlaceProps) {
  const { setNodeRef, isOver } = useDroppable({ id: place });
  const headingId = useId();
  return (
    <section ref={setNodeRef} className={`plan-place plan-place-${place}`} data-over={isOver || undefined} aria-labelledby={headingId} data-testid={`place-${place}`}>
      <h3 id={headingId} className="plan-place-title">
        {label} <span className="count">{requests.length}</span>
      </h3>
      <p className="plan-place-hint muted">{hint}</p>
      <div className="plan-place-cards">
        {requests.map((request) => (
          <RequestCard key={request.file} request={request} instances={instances} onOpen={onOpen} />
        ))}
      </div>
    </section>
  );
});
