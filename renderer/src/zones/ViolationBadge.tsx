import { useEffect } from 'react';
import { plural } from './plural';
import { useZones } from './store';
import { violationsLink } from './routes';
import './zones.css';

/**
 * "guarding…" while the watcher of the instance's checkout is starting (writes are not seen
 * yet), then the number of writes it made outside its zone, as a link to those violations;
 * nothing when it has made none.
 */
export function ViolationBadge({ instance }: { instance: string }) {
  const count = useZones((state) => state.counts[instance] ?? 0);
  const guarding = useZones((state) => state.enforcement?.watchers.some((watcher) => watcher.state === 'starting' && watcher.instances.includes(instance)) ?? false);
  const loaded = useZones((state) => state.violationsLoaded);
  const loadViolations = useZones((state) => state.loadViolations);
  useEffect(() => {
    if (!loaded) void loadViolations();
  }, [loaded, loadViolations]);
  if (guarding) {
    return (
      <span className="badge badge-pending" title={`Lanes is starting to watch the checkout of ${instance}; writes outside its zone show once it is ready.`} data-testid="guarding-badge">
        guarding…
      </span>
    );
  }
  if (count === 0) return null;
  return (
    <a className="badge badge-danger" href={violationsLink(instance)} title={`${plural(count, 'violation')}: writes by ${instance} outside its zone. Show them.`} data-testid="violation-badge">
      {plural(count, 'violation')}
    </a>
  );
}
