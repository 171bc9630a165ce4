import { create } from 'zustand';
import type {
  DecisionResult,
  NewRequest,
  PlannedRequest,
  Quadrant,
  RequestBoard,
  RequestChange,
  RequestDetail,
  RequestPaths,
  RequestPlan,
  RequestStatus,
  RequestSummary,
  SendResult,
  Unblocked,
} from '../../../main/contract/requests';
import { errorMessage, lanes } from '../client';
import { sameData } from '../shell/same-data';
import { useWorkspace } from '../workspace/store';

export const COLUMNS: readonly { status: RequestStatus; label: string }[] = [
  { status: 'open', label: 'Open' },
  { status: 'in-progress', label: 'In progress' },
  { status: 'blocked', label: 'Blocked' },
  { status: 'done', label: 'Done' },
];

export const STATUS_LABEL: Record<RequestStatus, string> = { open: 'Open', 'in-progress': 'In progress', blocked: 'Blocked', done: 'Done' };

interface RequestsState {
  board: RequestBoard | null;
  /** Where requests live, absolute in the workspace's home, as agents are told; null until read. */
  paths: RequestPaths | null;
  /** True once the board of the open workspace has been read. */
  loaded: boolean;
  error: string | null;
  /** Files being moved: the card shows its new column until main answers. */
  pending: Record<string, RequestStatus>;
  /** Files being placed on the matrix: the card shows its new quadrant (null: the tray) until main answers. */
  placing: Record<string, Quadrant | null>;
  /** The dependencies and the suggested order, kept current by main; null until read. */
  plan: RequestPlan | null;
  planByFile: ReadonlyMap<string, PlannedRequest>;
  /** Requests whose last blocker reached done since this window opened, newest first. */
  unblocked: Unblocked[];
  filterInstance: string;
  query: string;
  /** Files matching `query` (searched in main, bodies included); null when there is no query. */
  matches: ReadonlySet<string> | null;
  load(): Promise<void>;
  ensureLoaded(): void;
  /** Moves a card; answers the request as it is now, or null when the move was refused (see `error`). */
  move(request: RequestSummary, status: RequestStatus): Promise<RequestSummary | null>;
  /** Places a card on the priority matrix (null: back to the unsorted tray); null when refused (see `error`). */
  prioritize(request: RequestSummary, quadrant: Quadrant | null): Promise<RequestSummary | null>;
  /** Takes one name off the request's `blocked_by` (one that finds no request); an error lands in `error`. */
  unblock(request: RequestSummary, blocker: string): Promise<RequestSummary | null>;
  dismissUnblocked(file: string): void;
  /** Records a decision in the shared-state file and types it into the running agents. */
  decide(text: string): Promise<DecisionResult>;
  create(input: NewRequest): Promise<RequestSummary>;
  read(file: string): Promise<RequestDetail>;
  save(file: string, text: string, version: string): Promise<RequestSummary>;
  send(file: string): Promise<SendResult>;
  setFilter(instance: string): void;
  setQuery(query: string): void;
  dismissError(): void;
}

let searchTimer: ReturnType<typeof setTimeout> | null = null;
/** Whole boards pushed by main so far, to tell whether one arrived while `load` waited. */
let boardsReceived = 0;
/** Plans pushed by main so far, likewise. */
let plansReceived = 0;

function withPlan(plan: RequestPlan | null): Pick<RequestsState, 'plan' | 'planByFile'> {
  return { plan, planByFile: new Map(plan?.requests.map((entry) => [entry.file, entry])) };
}
/** The reading of the board under way, and the workspace it reads (see `shapeOf`). */
let reading: { workspace: string; done: Promise<void> } | null = null;

/** What the board depends on: the workspace, its requests folder and the instances of lanes.yml. */
function shapeOf(snapshot: ReturnType<typeof useWorkspace.getState>['snapshot']): string | null {
  return snapshot ? [snapshot.root, snapshot.config.paths.requests, ...snapshot.config.instances.map((instance) => instance.name)].join('\n') : null;
}

/** Cards a column of the board draws before "Show all": keeps a board of thousands of files quick to draw. */
export const COLUMN_PAGE = 40;

/**
 * Done cards asked for in the first answer: the Done column's first page. A long-lived repository
 * keeps most of its requests in `done/`; the rest follow in a second answer.
 */
export const FIRST_DONE = COLUMN_PAGE;

/**
 * Resolves once the next frame is drawn, so a second answer does not delay the first board; after
 * 100 ms at the latest, as a hidden window draws no frames.
 */
function afterNextFrame(): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, 100);
    if (typeof requestAnimationFrame === 'function') {
      requestAnimationFrame(() =>
        setTimeout(() => {
          clearTimeout(timer);
          resolve();
        }, 0),
      );
    }
  });
}

/**
 * Reads the board and the paths, then the plan. The first screenful comes first: every request
 * still to do and the newest done ones (the Done column counts the rest, named in `doneLeftOut`);
 * once that is drawn, the whole board replaces it. The plan only adds the "waits for" lines and
 * the Plan screen, so it is asked for after the first board, never before it (main would make the
 * plan first and the board would wait for it).
 */
async function readBoard(set: (partial: Partial<RequestsState>) => void): Promise<void> {
  const boardsBefore = boardsReceived;
  const paths = lanes.call('requests.paths', {}).then(
    (value) => set({ paths: value }),
    () => set({ paths: null }),
  );
  const readPlan = () => {
    const plansBefore = plansReceived;
    return lanes.call('requests.plan', {}).then(
      (value) => {
        if (plansReceived === plansBefore) set(withPlan(value));
      },
      () => undefined,
    );
  };
  // A whole board pushed meanwhile (the workspace just opened, the folder moved) is at least as
  // new as an answer, and the deltas after it are applied to it: drawing the answer too would only
  // draw the board twice, or go back to an older one.
  const take = (board: RequestBoard) => {
    if (boardsReceived !== boardsBefore) set({ error: null });
    else set({ board: replaceBoard(useRequests.getState().board, board), loaded: true, error: null });
  };
  let plan: Promise<void> | null = null;
  try {
    const first = await lanes.call('requests.list', { doneLimit: FIRST_DONE });
    take(first);
    await afterNextFrame();
    plan = readPlan();
    if ((first.doneLeftOut?.length ?? 0) > 0 && boardsReceived === boardsBefore) take(await lanes.call('requests.list', {}));
  } catch (error) {
    set({ error: errorMessage(error), loaded: true });
  }
  await Promise.all([paths, plan ?? readPlan()]);
}

let searchSeq = 0;

export const useRequests = create<RequestsState>((set, get) => {
  const runSearch = (delay: number) => {
    if (searchTimer) clearTimeout(searchTimer);
    const query = get().query.trim();
    if (query === '') {
      set({ matches: null });
      return;
    }
    const seq = ++searchSeq;
    searchTimer = setTimeout(() => {
      lanes
        .call('requests.search', { query })
        .then(({ files }) => {
          if (seq === searchSeq) set({ matches: new Set(files) });
        })
        .catch((error: unknown) => set({ error: errorMessage(error) }));
    }, delay);
  };

  /**
   * Runs a change of a card while the card shows its outcome (`pending` or `placing` holds it
   * until main answers); answers the request as it is now, or null when refused (see `error`).
   */
  const shownMeanwhile = async <K extends 'pending' | 'placing'>(
    key: K,
    file: string,
    outcome: RequestsState[K][string],
    change: () => Promise<RequestSummary>,
  ): Promise<RequestSummary | null> => {
    set((state) => ({ [key]: { ...state[key], [file]: outcome }, error: null }) as Partial<RequestsState>);
    try {
      return await change();
    } catch (error) {
      set({ error: errorMessage(error) });
      return null;
    } finally {
      set((state) => {
        const shown = { ...state[key] };
        delete shown[file];
        return { [key]: shown } as Partial<RequestsState>;
      });
    }
  };

  return {
    board: null,
    paths: null,
    loaded: false,
    error: null,
    pending: {},
    placing: {},
    plan: null,
    planByFile: new Map(),
    unblocked: [],
    filterInstance: '',
    query: '',
    matches: null,
    load() {
      const workspace = shapeOf(useWorkspace.getState().snapshot);
      if (workspace === null) {
        set({ board: null, loaded: true });
        return Promise.resolve();
      }
      // The Instances screen's badges and the Requests screen both ask as they are drawn: one
      // reading of the board (a megabyte for thousands of files) serves them all.
      if (reading?.workspace === workspace) return reading.done;
      if (!get().board) set({ loaded: false });
      const done = readBoard(set).finally(() => {
        if (reading?.done === done) reading = null;
      });
      reading = { workspace, done };
      return done;
    },
    ensureLoaded() {
      if (!get().loaded) void get().load();
    },
    move(request, status) {
      if (request.status === status) return Promise.resolve(request);
      return shownMeanwhile('pending', request.file, status, () => lanes.call('requests.move', { file: request.file, status, version: request.version }));
    },
    prioritize(request, quadrant) {
      if (request.quadrant === quadrant) return Promise.resolve(request);
      return shownMeanwhile('placing', request.file, quadrant, () => lanes.call('requests.prioritize', { file: request.file, quadrant, version: request.version }));
    },
    async unblock(request, blocker) {
      set({ error: null });
      try {
        return await lanes.call('requests.unblock', { file: request.file, blocker, version: request.version });
      } catch (error) {
        set({ error: errorMessage(error) });
        return null;
      }
    },
    dismissUnblocked: (file) => set((state) => ({ unblocked: state.unblocked.filter((notice) => notice.file !== file) })),
    decide: (text) => lanes.call('requests.decide', { text }),
    create: (input) => lanes.call('requests.create', input),
    read: (file) => lanes.call('requests.read', { file }),
    save: (file, text, version) => lanes.call('requests.save', { file, text, version }),
    send: (file) => lanes.call('requests.send', { file }),
    setFilter: (filterInstance) => set({ filterInstance }),
    setQuery(query) {
      set({ query });
      runSearch(150);
    },
    dismissError: () => set({ error: null }),
  };
});

/**
 * Applies a change pushed by main; deltas replace cards by `file`. A card whose summary is the
 * same as before keeps its object, so the board draws again only the cards that changed.
 */
export function applyChange(board: RequestBoard | null, change: RequestChange): RequestBoard | null {
  if (change.kind === 'board') return replaceBoard(board, change.board);
  if (!board) return board;
  const gone = new Set([...change.removed, ...change.upserted.map((request) => request.file)]);
  const next: RequestBoard = { ...board, exists: board.exists || change.upserted.length > 0, requests: [...board.requests.filter((request) => !gone.has(request.file)), ...change.upserted] };
  // A left-out done request that changed or went is now known, or gone: it is no longer counted as left out.
  if (board.doneLeftOut) next.doneLeftOut = board.doneLeftOut.filter((file) => !gone.has(file));
  return next;
}

/** The board read again (the workspace opened, the folder moved): the cards that did not change keep their objects. */
function replaceBoard(board: RequestBoard | null, next: RequestBoard | null): RequestBoard | null {
  if (!board || !next) return next;
  const known = new Map(board.requests.map((request) => [request.file, request]));
  return {
    ...next,
    requests: next.requests.map((request) => {
      const before = known.get(request.file);
      return before && sameData(before, request) ? before : request;
    }),
  };
}

lanes.on('requests.changed', (change) => {
  if (change.kind === 'board') boardsReceived += 1;
  useRequests.setState((state) => ({ board: applyChange(state.board, change), loaded: true }));
  // A search answer may be stale now that files changed.
  if (useRequests.getState().query.trim() !== '') useRequests.getState().setQuery(useRequests.getState().query);
});

lanes.on('requests.planned', (plan) => {
  plansReceived += 1;
  useRequests.setState(withPlan(plan));
});

lanes.on('requests.unblocked', (notice) => {
  useRequests.setState((state) => ({ unblocked: [notice, ...state.unblocked.filter((other) => other.file !== notice.file)].slice(0, 20) }));
});

// Another workspace, requests folder or set of instances in lanes.yml: read the board again.
useWorkspace.subscribe((state, previous) => {
  if (shapeOf(state.snapshot) !== shapeOf(previous.snapshot)) {
    if (!state.snapshot) useRequests.setState({ board: null, paths: null, unblocked: [], ...withPlan(null) });
    else if (useRequests.getState().loaded) void useRequests.getState().load();
  }
});
