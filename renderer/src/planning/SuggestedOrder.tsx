import { useRequests } from '../requests/store';
import { Message } from '../shell/Message';
import type { RequestBoard, RequestPlan, RequestSummary } from '../../../main/contract/requests';

/** The plan's waves (what can run in parallel, one request per receiver), and what no order can place. */
export function SuggestedOrder({ plan, board, onOpen }: { plan: RequestPlan; board: RequestBoard; onOpen(request: RequestSummary): void }) {
  const byFile = new Map(board.requests.map((request) => [request.file, request]));
  const problems = plan.requests.flatMap((entry) => entry.blockers.filter((blocker) => blocker.problem !== null).map((blocker) => ({ file: entry.file, blocker })));
  const link = (file: string) => {
    const request = byFile.get(file);
    if (!request) return <span className="mono">{file}</span>;
    return (
      <button type="button" className="req-title" onClick={() => onOpen(request)}>
        {request.title}
      </button>
    );
  };
  return (
    <div className="plan-order">
      <h3>Suggested order</h3>
      {plan.waves.length === 0 ? (
        <p className="muted">Nothing is left to do.</p>
      ) : (
        <ol className="plan-waves" data-testid="waves">
          {plan.waves.map((wave, index) => (
            <li key={wave.join('\n')} data-testid="wave">
              <span className="plan-wave-label muted">Wave {index + 1}</span>
              <ul>
                {wave.map((file) => (
                  <li key={file}>
                    {link(file)} <span className="muted">→ {byFile.get(file)?.toInstance ?? byFile.get(file)?.to ?? 'no receiver'}</span>
                  </li>
                ))}
              </ul>
            </li>
          ))}
        </ol>
      )}
      {(plan.unordered.length > 0 || problems.length > 0) && (
        <>
          <h3>Needs fixing</h3>
          <ul className="plan-problems" data-testid="plan-problems">
            {plan.unordered.map((entry) => (
              <li key={entry.file}>
                {link(entry.file)}: <Message text={entry.reason} />
              </li>
            ))}
            {problems.map(({ file, blocker }) => {
              const request = byFile.get(file);
              return (
                <li key={`${file}\n${blocker.ref}`}>
                  {link(file)}: <Message text={`\`blocked_by\`: ${blocker.problem}`} />{' '}
                  {request && (
                    <button
                      type="button"
                      className="button small"
                      aria-label={`Remove "${blocker.ref}" from the blocked_by of ${request.title}`}
                      onClick={() => void useRequests.getState().unblock(request, blocker.ref)}
                    >
                      Remove from blocked_by
                    </button>
                  )}
                </li>
              );
            })}
          </ul>
        </>
      )}
    </div>
  );
}
