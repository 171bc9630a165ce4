import { ComingNext } from '../shell/ComingNext';

export function ZonesScreen() {
  return <ComingNext title="Zones" what="Give each instance the folders it owns by drag and drop, see overlaps and unowned areas, and enforce ownership before writes, as they happen, at commit and in CI." />;
}
