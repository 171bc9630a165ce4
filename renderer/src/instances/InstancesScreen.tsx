import { ComingNext } from '../shell/ComingNext';

export function InstancesScreen() {
  return <ComingNext title="Instances" what="Create instances with their own worktree and branch, run each agent in a live terminal, and see at a glance which one is running, waiting for input or finished." />;
}
