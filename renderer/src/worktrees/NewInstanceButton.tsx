/** Opens the form that creates an instance (name, role, agent, branch) and its worktree. Filled by the instances issue. */
export function NewInstanceButton() {
  return null;
}
