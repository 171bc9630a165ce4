import { ComingNext } from '../shell/ComingNext';

export function MemoryScreen() {
  return <ComingNext title="Memory" what="Browse, search and edit the memory folder and the shared-state file, keep the index under 200 lines, and run the session wrap-up." />;
}
