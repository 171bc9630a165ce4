import { useEffect } from 'react';
import { useRequests } from './store';

/** The number of requests waiting for an instance (not done yet); nothing when there are none. */
export function RequestBadge({ instance }: { instance: string }) {
  const count = useRequests((state) => state.board?.requests.filter((request) => request.toInstance === instance && request.status !== 'done').length ?? 0);
  useEffect(() => useRequests.getState().ensureLoaded(), []);
  if (count === 0) return null;
  const label = `${count} ${count === 1 ? 'request' : 'requests'} waiting for ${instance}`;
  return (
    <span className="badge" title={label} aria-label={label} data-testid="request-badge">
      {count}
    </span>
  );
}
