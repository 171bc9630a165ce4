import { useEffect, useState } from 'react';
import type { RequestSummary } from '../../../main/contract/requests';
import { RequestDialog } from '../requests/RequestDialog';
import { useRequests } from '../requests/store';
import { NoWorkspace, ScreenLoading } from '../shell/Banners';
import { Message } from '../shell/Message';
import { useWorkspace } from '../workspace/store';
import { DecisionForm } from './DecisionForm';
import { DependencyGraph } from './DependencyGraph';
import { PriorityMatrix } from './PriorityMatrix';
import { SuggestedOrder } from './SuggestedOrder';
import { SyncPanel } from './SyncPanel';
import '../requests/requests.css';
import './planning.css';

/**
 * The Plan screen: the requests on a priority matrix, their dependencies, the order they
 * suggest, decisions for every agent, and lanes.yml's scheduled sync points.
 */
export function PlanningScreen() {
  const snapshot = useWorkspace((state) => state.snapshot);
  const board = useRequests((state) => state.board);
  const plan = useRequests((state) => state.plan);
  const loaded = useRequests((state) => state.loaded);
  const error = useRequests((state) => state.error);
  const unblocked = useRequests((state) => state.unblocked);
  const [openFile, setOpenFile] = useState<string | null>(null);
  const open = (request: RequestSummary) => setOpenFile(request.file);

  useEffect(() => {
    if (snapshot && (!useRequests.getState().board || !useRequests.getState().plan)) void useRequests.getState().load();
  }, [snapshot?.root]);

  if (!snapshot) return <NoWorkspace title="Plan" what="Open a repository to plan its cross-instance requests." />;
  if (!loaded || !board) return <ScreenLoading title="Plan" what="Reading the requests and the plan…" />;

  return (
    <section className="screen plan-screen" aria-labelledby="plan-title">
      <header className="screen-header">
        <div>
          <h1 id="plan-title">Plan</h1>
          <p className="muted plan-intro">
            The requests of <span className="mono">{board.folder}/</span> by urgency and importance, and what waits for what.
          </p>
        </div>
      </header>

      {unblocked.map((notice) => (
        <div key={notice.file} className="banner banner-info" role="status" data-testid="unblocked-notice">
          <span>
            “{notice.title}” is no longer blocked: {notice.blockers.map((title) => `“${title}”`).join(', ')} {notice.blockers.length === 1 ? 'is' : 'are'} done.{' '}
            {notice.handedOff
              ? `Lanes handed it to ${notice.instance}.`
              : notice.instance
                ? <Message text={`${notice.instance} was told${notice.notHandedOffBecause ? `; it was not handed over: ${notice.notHandedOffBecause}` : '.'}`} />
                : 'It names no instance to tell.'}
          </span>
          <button type="button" className="button ghost small" onClick={() => useRequests.getState().dismissUnblocked(notice.file)}>
            Dismiss
          </button>
        </div>
      ))}
      {error && (
        <div className="banner banner-error" role="alert">
          <span>{error}</span>
          <button type="button" className="button ghost small" onClick={() => useRequests.getState().dismissError()}>
            Dismiss
          </button>
        </div>
      )}

      {board.requests.length === 0 ? (
        <div className="card empty plan-empty">
          <p>
            No requests to plan yet. Instances ask each other for work with request files in <span className="mono">{board.folder}/</span>; create the first one on the{' '}
            <a href="#/requests">Requests</a> screen, and it shows here to sort by urgency and importance.
          </p>
        </div>
      ) : (
        <>
          <section className="plan-section" aria-labelledby="matrix-title">
            <h2 id="matrix-title">Priority matrix</h2>
            <PriorityMatrix board={board} onOpen={open} />
          </section>

          <section className="plan-section" aria-labelledby="dependencies-title">
            <h2 id="dependencies-title">Dependencies</h2>
            {plan ? (
              <div className="plan-dependencies">
                <DependencyGraph plan={plan} board={board} onOpen={open} />
                <SuggestedOrder plan={plan} board={board} onOpen={open} />
              </div>
            ) : (
              <p className="muted" aria-busy="true">
                Reading the dependencies…
              </p>
            )}
          </section>
        </>
      )}

      <section className="plan-section" aria-labelledby="decisions-title">
        <h2 id="decisions-title">Decisions</h2>
        <DecisionForm />
      </section>

      <section className="plan-section" aria-labelledby="sync-title">
        <h2 id="sync-title">Sync points</h2>
        <SyncPanel />
      </section>

      {openFile && <RequestDialog file={openFile} onClose={() => setOpenFile(null)} />}
    </section>
  );
}
