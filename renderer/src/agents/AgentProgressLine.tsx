import { useEffect } from 'react';
import { relativeTime } from '../shell/format';
import { useAgents } from './store';
import './agents.css';

/**
 * What an instance's agent last reported through the agents' API (`report_progress`,
 * `lanes agent progress`), for its card; nothing when it reported nothing in this run.
 */
export function AgentProgressLine({ instance }: { instance: string }) {
  const progress = useAgents((state) => state.progress[instance]);
  const loaded = useAgents((state) => state.loaded);
  useEffect(() => {
    if (!loaded) void useAgents.getState().load();
  }, [loaded]);
  if (!progress) return null;
  const when = relativeTime(progress.at);
  return (
    <p className="agent-progress" data-testid={`agent-progress-${instance}`} title={`${progress.text} (reported ${when})`}>
      {progress.percent !== null && (
        <span className="agent-progress-bar" role="progressbar" aria-label={`${instance}'s progress`} aria-valuenow={progress.percent} aria-valuemin={0} aria-valuemax={100}>
          <span style={{ width: `${progress.percent}%` }} />
        </span>
      )}
      <span className="agent-progress-text">{progress.text}</span>
      <span className="muted agent-progress-when">{when}</span>
    </p>
  );
}
