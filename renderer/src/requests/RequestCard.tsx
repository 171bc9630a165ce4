import { useDraggable } from '@dnd-kit/core';
import { memo } from 'react';
import type { RequestSummary } from '../../../main/contract/requests';
import { ageOf, receiverProblem } from './board-view';
import { Message } from '../shell/Message';
import { useRequests } from './store';

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
      </div>
      {request.blockedBy.length > 0 && request.status !== 'done' && <WaitingFor request={request} />}
      {request.warnings.length > 0 && (
        <p className="req-warning" data-testid="request-warning" title={request.warnings.join('\n')}>
          <Message text={request.warnings[0]!} />
        </p>
      )}
    </>
  );
}

/** What a request still waits for: the titles of its unfinished blockers, and names that find no request. */
function WaitingFor({ request }: { request: RequestSummary }) {
  const planned = useRequests((state) => state.planByFile.get(request.file));
  const board = useRequests((state) => state.board);
  if (!planned) return <p className="req-waiting muted">blocked by {request.blockedBy.join(', ')}</p>;
  const byFile = new Map(board?.requests.map((other) => [other.file, other]));
  const open = planned.blockers.filter((blocker) => blocker.file !== null && byFile.get(blocker.file)?.status !== 'done');
  const missing = planned.blockers.filter((blocker) => blocker.file === null);
  if (open.length === 0 && missing.length === 0 && !planned.inCycle) return null;
  return (
    <p className="req-waiting" data-testid="waiting-for">
      {open.length > 0 && (
        <span>
          Waits for {open.map((blocker) => `“${byFile.get(blocker.file!)?.title ?? blocker.ref}”`).join(', ')}
        </span>
      )}
      {missing.map((blocker) => (
        <span key={blocker.ref} className="tag tag-warn" title={blocker.problem ?? undefined}>
          {blocker.ref}: not found
        </span>
      ))}
      {planned.inCycle && (
        <span className="tag tag-warn" title="Its blocked_by goes round in a circle: none of these requests can start first.">
          in a cycle
        </span>
      )}
    </p>
  );
}
