/** Git state of one instance's worktree: branch, ahead/behind, changes, diff, merge back, removal. Filled by the instances issue. */
export function WorktreePanel(_props: { instance: string }) {
  return null;
}
