import { useEffect } from 'react';
import { NoWorkspace } from '../shell/Banners';
import { useWorkspace } from '../workspace/store';
import { useLeases } from './leases-store';
import { useZones } from './store';
import { ZoneEditor } from './ZoneEditor';
import './zones.css';

/** Loads the zones of the open repository (again when another one opens). */
export function ZonesScreen() {
  const root = useWorkspace((state) => state.snapshot?.root ?? null);
  const load = useZones((state) => state.load);
  const loadLeases = useLeases((state) => state.load);
  useEffect(() => {
    if (!root) return;
    void load(root);
    void loadLeases(root);
  }, [root, load, loadLeases]);

  if (!root) {
    return <NoWorkspace title="Zones" what="Open a repository to edit who owns which of its files." />;
  }
  return <ZoneEditor />;
}
