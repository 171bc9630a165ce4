import { useEffect } from 'react';
import { relativeTime } from '../shell/format';
import type { AgentProgress } from '../../../main/contract/agents';
import { useAgents } from './store';
import './agents.css';

/** What an instance's agent last reported in this run (null if nothing), loading the reports once. */
export function useAgentProgress(instance: string): AgentProgress | null {
  const progress = useAgents((state) => state.progress[instance]);
  const loaded = useAgents((state) => state.loaded);
  useEffect(() => {
    if (!loaded) void useAgents.getState().load();
  }, [loaded]);
  return progress ?? null;
}

/**
 * What an instance's agent last reported through the agents' API (`report_progress`,
 * `lanes agent progress`), for its card's status line. `compact` shows the bar alone (or the
 * text, when the report has no percentage), for a line that also carries what the agent asks.
 * The tooltip always has the whole report and its time.
 */
export function AgentProgressLine({ instance, progress, compact = false }: { instance: string; progress: AgentProgress; compact?: boolean }) {
  const when = relativeTime(progress.at);
  const bar = progress.percent !== null && (
    <span className="agent-progress-bar" role="progressbar" aria-label={`${instance}'s progress`} aria-valuenow={progress.percent} aria-valuemin={0} aria-valuemax={100}>
      <span style={{ width: `${progress.percent}%` }} />
    </span>
  );
  return (
    <span className={`agent-progress${compact ? ' compact' : ''}`} data-testid={`agent-progress-${instance}`} title={`${progress.text} (reported ${when})`}>
      {bar}
      {(!compact || !bar) && <span className="agent-progress-text">{progress.text}</span>}
      {!compact && <span className="muted agent-progress-when">{when}</span>}
    </span>
  );
}
