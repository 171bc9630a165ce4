import {
  DndContext,
  DragOverlay,
  PointerSensor,
  pointerWithin,
  rectIntersection,
  useDroppable,
  useSensor,
  useSensors,
  type Announcements,
  type CollisionDetection,
  type DragEndEvent,
  type DragStartEvent,
} from '@dnd-kit/core';
import { memo, useCallback, useDeferredValue, useEffect, useId, useMemo, useState } from 'react';
import type { RequestBoard, RequestStatus, RequestSummary } from '../../../main/contract/requests';
import { useInstances } from '../instances/store';
import { useWorkspace } from '../workspace/store';
import { columnsOf } from './board-view';
import { ColumnKeyboardSensor } from './column-keyboard-sensor';
import { NEW_REQUEST_SHORTCUT, defaultReceiver, useNewRequest } from './new-request';
import { NewRequestDialog } from './NewRequestDialog';
import { CardFace, RequestCard } from './RequestCard';
import { RequestDialog } from './RequestDialog';
import { COLUMN_PAGE, COLUMNS, STATUS_LABEL, useRequests } from './store';
import './requests.css';
import { NoWorkspace, ScreenLoading } from '../shell/Banners';
import { shortcutLabel } from '../shell/commands';

/**
 * Cards a column draws first, more than a tall window shows; the rest of its page follows in a
 * render React does after that first frame, so the board appears without waiting for them.
 */
const FIRST_SCREEN = 12;

export function RequestsScreen() {
  const snapshot = useWorkspace((state) => state.snapshot);
  const board = useRequests((state) => state.board);
  const loaded = useRequests((state) => state.loaded);

  // The board is read once per workspace (this window asks; main pushes no whole board when a
  // workspace opens) and stays current through events; it is read here only when this window has none yet.
  useEffect(() => {
    if (snapshot && !useRequests.getState().board) void useRequests.getState().load();
  }, [snapshot?.root]);

  if (!snapshot) {
    return <NoWorkspace title="Requests" what="Open a repository to see its cross-instance requests." />;
  }
  if (!loaded) return <ScreenLoading title="Requests" what="Reading the requests…" />;
  if (!board) return <BoardUnavailable />;
  return <Board board={board} />;
}

function BoardUnavailable() {
  const error = useRequests((state) => state.error);
  return (
    <section className="screen" aria-labelledby="screen-title">
      <header className="screen-header">
        <h1 id="screen-title">Requests</h1>
      </header>
      <div className="banner banner-error" role="alert">
        <span>{error ?? 'The request board could not be read.'}</span>
        <button type="button" className="button small" onClick={() => void useRequests.getState().load()}>
          Try again
        </button>
      </div>
    </section>
  );
}

function Board({ board }: { board: RequestBoard }) {
  const pending = useRequests((state) => state.pending);
  const filterInstance = useRequests((state) => state.filterInstance);
  const query = useRequests((state) => state.query);
  const matches = useRequests((state) => state.matches);
  const error = useRequests((state) => state.error);
  const { move, setFilter, setQuery, dismissError } = useRequests.getState();
  const [openFile, setOpenFile] = useState<string | null>(null);
  const creating = useNewRequest((state) => state.open);
  const focusedInstance = useInstances((state) => state.focused);
  const [dragging, setDragging] = useState<RequestSummary | null>(null);
  const filterId = useId();
  const searchId = useId();
  const openRequest = useCallback((request: RequestSummary) => setOpenFile(request.file), []);

  const columns = useMemo(() => columnsOf(board.requests, { pending, instance: filterInstance, matches }), [board.requests, pending, filterInstance, matches]);
  // Done requests not read yet (the first answer holds the newest; the rest follow): counted by
  // name where the search decides, a lower bound ("+") where the instance filter would need them read.
  const leftOut = board.doneLeftOut ?? NONE;
  const doneNotRead = filterInstance !== '' ? 0 : matches ? leftOut.filter((file) => matches.has(file)).length : leftOut.length;
  const doneUnsure = filterInstance !== '' && leftOut.length > 0;
  const sensors = useSensors(useSensor(PointerSensor, { activationConstraint: { distance: 6 } }), useSensor(ColumnKeyboardSensor));
  const titleOf = (file: unknown) => board.requests.find((request) => request.file === file)?.title ?? String(file);
  const announcements: Announcements = {
    onDragStart: ({ active }) => `Picked up “${titleOf(active.id)}”. Use the left and right arrows to choose a column, Space to drop, Escape to cancel.`,
    onDragOver: ({ active, over }) => (over ? `“${titleOf(active.id)}” is over ${STATUS_LABEL[over.id as RequestStatus]}.` : `“${titleOf(active.id)}” is over no column.`),
    onDragEnd: ({ active, over }) => (over ? `“${titleOf(active.id)}” moved to ${STATUS_LABEL[over.id as RequestStatus]}.` : `“${titleOf(active.id)}” was not moved.`),
    onDragCancel: ({ active }) => `Moving “${titleOf(active.id)}” was cancelled.`,
  };

  const onDragStart = (event: DragStartEvent) => setDragging((event.active.data.current?.request as RequestSummary | undefined) ?? null);
  const onDragEnd = (event: DragEndEvent) => {
    setDragging(null);
    const request = event.active.data.current?.request as RequestSummary | undefined;
    const target = event.over?.id as RequestStatus | undefined;
    if (request && target && target !== request.status) void move(request, target);
  };

  return (
    <section className="screen req-screen" aria-labelledby="screen-title">
      <header className="screen-header">
        <div>
          <h1 id="screen-title">Requests</h1>
          <p className="muted mono req-folder">
            {board.folder}/{!board.exists && ' — not created yet; the first request creates it'}
          </p>
        </div>
        <div className="row req-toolbar">
          <label htmlFor={filterId} className="visually-hidden">
            Instance
          </label>
          <select id={filterId} className="input" value={filterInstance} onChange={(event) => setFilter(event.target.value)}>
            <option value="">All instances</option>
            {board.instances.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
          <label htmlFor={searchId} className="visually-hidden">
            Search requests
          </label>
          <input id={searchId} className="input" type="search" placeholder="Search requests" value={query} onChange={(event) => setQuery(event.target.value)} />
          <button type="button" className="button primary" onClick={() => useNewRequest.getState().show()} title={`New request (${shortcutLabel(NEW_REQUEST_SHORTCUT)})`}>
            New request
          </button>
        </div>
      </header>

      {board.problem && (
        <div className="banner banner-error" role="alert" data-testid="requests-problem">
          {board.problem}
        </div>
      )}
      {error && (
        <div className="banner banner-error" role="alert">
          <span>{error}</span>
          <button type="button" className="button ghost small" onClick={dismissError}>
            Dismiss
          </button>
        </div>
      )}

      <DndContext
        sensors={sensors}
        collisionDetection={pointerFirst}
        onDragStart={onDragStart}
        onDragEnd={onDragEnd}
        onDragCancel={() => setDragging(null)}
        accessibility={{ announcements, screenReaderInstructions: { draggable: 'To move this request, press Space, then the left or right arrow to choose a column, and Space again to drop it. Escape cancels.' } }}
      >
        <div className="req-board">
          {COLUMNS.map((column) => (
            <Column
              key={column.status}
              status={column.status}
              label={column.label}
              requests={columns[column.status]}
              notRead={column.status === 'done' ? doneNotRead : 0}
              atLeast={column.status === 'done' && doneUnsure}
              instances={board.instances}
              onOpen={openRequest}
            />
          ))}
        </div>
        <DragOverlay dropAnimation={null}>{dragging && <div className="req-card req-card-overlay"><CardFace request={dragging} instances={board.instances} onOpen={() => undefined} /></div>}</DragOverlay>
      </DndContext>

      {openFile && <RequestDialog file={openFile} onClose={() => setOpenFile(null)} />}
      {creating && (
        <NewRequestDialog
          to={defaultReceiver(board.instances, filterInstance, focusedInstance)}
          onClose={() => useNewRequest.getState().hide()}
          onCreated={(request) => {
            useNewRequest.getState().hide();
            setOpenFile(request.file);
          }}
        />
      )}
    </section>
  );
}

interface ColumnProps {
  status: RequestStatus;
  label: string;
  requests: RequestSummary[];
  /** Requests the column holds that are not read yet (counted, not drawn). */
  notRead: number;
  /** True when the count is a lower bound: requests not read yet may belong to the column too. */
  atLeast: boolean;
  instances: readonly string[];
  onOpen(request: RequestSummary): void;
}

const NONE: readonly string[] = [];

const Column = memo(function Column({ status, label, requests, notRead, atLeast, instances, onOpen }: ColumnProps) {
  const { setNodeRef, isOver } = useDroppable({ id: status });
  const [showAll, setShowAll] = useState(false);
  const page = useDeferredValue(COLUMN_PAGE, FIRST_SCREEN);
  const shown = showAll ? requests : requests.slice(0, page);
  const headingId = useId();
  return (
    <section ref={setNodeRef} className="req-column" data-status={status} data-over={isOver || undefined} aria-labelledby={headingId} data-testid={`column-${status}`}>
      <h2 id={headingId} className="req-column-title">
        {label}{' '}
        <span className="count" data-testid="column-count" title={atLeast ? 'At least: some done requests are still being read.' : undefined}>
          {requests.length + notRead}
          {atLeast && '+'}
        </span>
      </h2>
      <div className="req-column-cards">
        {shown.map((request) => (
          <RequestCard key={request.file} request={request} instances={instances} onOpen={onOpen} />
        ))}
        {requests.length + notRead === 0 && !atLeast && <p className="req-column-empty muted">No requests</p>}
        {showAll && notRead > 0 && <p className="req-column-empty muted">Reading {notRead} more…</p>}
        {!showAll && shown.length < requests.length + notRead && (
          <button type="button" className="button ghost small" onClick={() => setShowAll(true)}>
            Show all {requests.length + notRead}
          </button>
        )}
      </div>
    </section>
  );
}, sameColumn);

/** A column redraws only when its own cards change, not whenever any file on the board does. */
function sameColumn(before: ColumnProps, after: ColumnProps): boolean {
  return (
    before.status === after.status &&
    before.instances === after.instances &&
    before.notRead === after.notRead &&
    before.atLeast === after.atLeast &&
    before.onOpen === after.onOpen &&
    before.requests.length === after.requests.length &&
    before.requests.every((request, index) => request === after.requests[index])
  );
}

/** The pointer decides the column when there is one; the keyboard, by overlap. */
export const pointerFirst: CollisionDetection = (args) => {
  const hits = pointerWithin(args);
  return hits.length > 0 ? hits : rectIntersection(args);
};
