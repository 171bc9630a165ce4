import { ComingNext } from '../shell/ComingNext';

export function RequestsScreen() {
  return <ComingNext title="Requests" what="Cross-instance request files as a live kanban board: open, in progress, blocked and done, with new requests and hand-off to an agent." />;
}
