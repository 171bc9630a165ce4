import { useEffect } from 'react';
import { useZones } from './store';

/** A red badge with the number of writes the instance made outside its zone; nothing when zero. */
export function ViolationBadge({ instance }: { instance: string }) {
  const count = useZones((state) => state.counts[instance] ?? 0);
  const loaded = useZones((state) => state.violationsLoaded);
  const loadViolations = useZones((state) => state.loadViolations);
  useEffect(() => {
    if (!loaded) void loadViolations();
  }, [loaded, loadViolations]);
  if (count === 0) return null;
  return (
    <span className="badge badge-danger" title={`${count} ${count === 1 ? 'write' : 'writes'} outside the zone of ${instance}`} aria-label={`${count} ${count === 1 ? 'write' : 'writes'} outside its zone`}>
      {count}
    </span>
  );
}
