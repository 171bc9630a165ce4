/**
 * The worktrees room's calls and events (git state of each instance's worktree: status, diff,
 * merge back, removal). Empty until its issue lands.
 */
export const worktreesCalls = {};

export const worktreesEvents = {};
