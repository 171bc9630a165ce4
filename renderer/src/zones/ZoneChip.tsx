import { useDraggable } from '@dnd-kit/core';
import type { KeyboardEvent } from 'react';
import { Message } from '../shell/Message';
import type { DragItem } from './drag-item';
import { useZones, type DraftInstance } from './store';

/** One zone of an instance: dragged to move it, removed with its button or Delete. */
export function ZoneChip({ instance, pattern, draft, problem, overlaps }: { instance: string; pattern: string; draft: readonly DraftInstance[]; problem: string | null; overlaps: boolean }) {
  const removeZone = useZones((state) => state.removeZone);
  const moveZone = useZones((state) => state.moveZone);
  const { attributes, listeners, setNodeRef, isDragging } = useDraggable({ id: `chip:${instance}:${pattern}`, data: { kind: 'chip', instance, pattern } satisfies DragItem });

  const onKeyDown = (event: KeyboardEvent<HTMLElement>) => {
    if (event.target !== event.currentTarget) return;
    if (event.key === 'Delete' || event.key === 'Backspace') {
      event.preventDefault();
      removeZone(instance, pattern);
      return;
    }
    const digit = Number.parseInt(event.key, 10);
    if (digit >= 1 && digit <= draft.length) {
      event.preventDefault();
      const target = draft[digit - 1]!.name;
      moveZone(instance, target, pattern);
      focusZoneChip(target, pattern);
      return;
    }
    listeners?.onKeyDown?.(event);
  };

  return (
    <li className="zone-chip-item">
      {/* The chip is drawn around two controls side by side, never one inside the other. */}
      <span className={`chip zone-chip${problem ? ' has-problem' : ''}${overlaps ? ' has-overlap' : ''}${isDragging ? ' is-dragging' : ''}`} title={problem ?? undefined}>
        <span
          ref={setNodeRef}
          className="mono zone-chip-handle"
          {...attributes}
          {...listeners}
          tabIndex={0}
          data-zone-chip={chipKey(instance, pattern)}
          onKeyDown={onKeyDown}
          aria-label={`${pattern}, zone of ${instance}${problem ? `, problem: ${problem}` : ''}${overlaps ? ', overlaps another instance' : ''}. Delete removes it; a number moves it to that instance.`}
        >
          {pattern}
        </span>
        <button
          type="button"
          className="chip-remove"
          aria-label={`Remove ${pattern} from ${instance}`}
          onPointerDown={(event) => event.stopPropagation()}
          onClick={() => removeZone(instance, pattern)}
        >
          ×
        </button>
      </span>
      {problem && (
        <span className="form-error chip-problem">
          <Message text={`\`${pattern}\` ${problem}`} />
        </span>
      )}
    </li>
  );
}

function chipKey(instance: string, pattern: string): string {
  return JSON.stringify([instance, pattern]);
}

/** Keeps the keyboard on a chip that moved: it is a new element in another card once drawn. */
export function focusZoneChip(instance: string, pattern: string): void {
  requestAnimationFrame(() => {
    const chip = document.querySelector<HTMLElement>(`[data-zone-chip="${CSS.escape(chipKey(instance, pattern))}"]`);
    chip?.focus();
  });
}
