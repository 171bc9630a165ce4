import { useLeases } from './leases-store';
import { LEASES_LINK, OWNERSHIP_LINK, useZonesView, violationsLink } from './routes';
import { useZones } from './store';

/** Ownership (the editor), Violations (the watcher's log) and Leases, at the top, so none sits below another's length. */
export function ZonesTabs() {
  const view = useZonesView();
  const total = useZones((state) => state.total);
  const leases = useLeases((state) => state.leases?.live.length ?? 0);
  return (
    <nav className="zones-tabs" aria-label="Zones views">
      <a href={OWNERSHIP_LINK} aria-current={view.tab === 'ownership' ? 'page' : undefined}>
        Ownership
      </a>
      <a href={violationsLink()} aria-current={view.tab === 'violations' ? 'page' : undefined}>
        Violations <span className="count">{total}</span>
      </a>
      <a href={LEASES_LINK} aria-current={view.tab === 'leases' ? 'page' : undefined}>
        Leases <span className="count">{leases}</span>
      </a>
    </nav>
  );
}
