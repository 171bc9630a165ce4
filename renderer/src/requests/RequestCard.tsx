import { useDraggable } from '@dnd-kit/core';
import { memo } from 'react';
import type { RequestSummary } from '../../../main/contract/requests';
import { ageOf, receiverProblem } from './board-view';
import { Message } from '../shell/Message';

interface CardProps {
  request: RequestSummary;
  instances: readonly string[];
  onOpen(request: RequestSummary): void;
}

/**
 * One request on the board. The whole card drags with the mouse; the grip button is the
 * keyboard handle (Space to pick up, ←/→ to change column, Space to drop), and the title opens
 * the request.
 */
export const RequestCard = memo(function RequestCard({ request, instances, onOpen }: CardProps) {
  const { attributes, listeners, setNodeRef, setActivatorNodeRef, isDragging } = useDraggable({ id: request.file, data: { request } });
  return (
    <article
      ref={setNodeRef}
      className="req-card"
      data-testid="request-card"
      data-file={request.file}
      data-dragging={isDragging || undefined}
      onPointerDown={listeners?.onPointerDown as React.PointerEventHandler | undefined}
    >
      <CardFace request={request} instances={instances} onOpen={onOpen}>
        <button
          ref={setActivatorNodeRef}
          type="button"
          className="req-grip"
          {...attributes}
          onKeyDown={listeners?.onKeyDown as React.KeyboardEventHandler | undefined}
          aria-label={`Move “${request.title}”`}
          title="Drag, or press Space then ← → and Space, to move"
        >
          <span aria-hidden="true">⠿</span>
        </button>
      </CardFace>
    </article>
  );
});

/** The card's content, also drawn under the pointer while dragging. */
export function CardFace({ request, instances, onOpen, children }: CardProps & { children?: React.ReactNode }) {
  const problem = receiverProblem(request, instances);
  return (
    <>
      <div className="req-card-top">
        <button type="button" className="req-title" onClick={() => onOpen(request)}>
          {request.title}
        </button>
        {children}
      </div>
      <div className="req-parties">
        <span>{request.from ?? '?'}</span>
        <span aria-label="to"> → </span>
        <span className={problem ? 'req-unknown' : undefined}>{request.to ?? '?'}</span>
        {problem && (
          <span className="tag tag-warn" title={problem} data-testid="unknown-receiver">
            not an instance
          </span>
        )}
      </div>
      <div className="req-meta muted">
        <span title={request.date ?? request.modifiedAt}>{ageOf(request)}</span>
        {request.priority && <span className={`tag req-priority req-priority-${request.priority.toLowerCase()}`}>{request.priority}</span>}
        {request.blockedBy.length > 0 && <span className="tag">blocked by {request.blockedBy.join(', ')}</span>}
      </div>
      {request.warnings.length > 0 && (
        <p className="req-warning" data-testid="request-warning" title={request.warnings.join('\n')}>
          <Message text={request.warnings[0]!} />
        </p>
      )}
    </>
  );
}
