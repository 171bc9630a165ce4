import { OWNERSHIP_LINK, useZonesView, violationsLink } from './routes';
import { useZones } from './store';

/** Ownership (the editor) and Violations (the watcher's log), at the top, so neither sits below the other's length. */
export function ZonesTabs() {
  const view = useZonesView();
  const total = useZones((state) => state.total);
  return (
    <nav className="zones-tabs" aria-label="Zones views">
      <a href={OWNERSHIP_LINK} aria-current={view.tab === 'ownership' ? 'page' : undefined}>
        Ownership
      </a>
      <a href={violationsLink()} aria-current={view.tab === 'violations' ? 'page' : undefined}>
        Violations <span className="count">{total}</span>
      </a>
    </nav>
  );
}
