import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';

/**
 * An agent's CPU priority: below Lanes and its renderer, so the UI stays responsive while agents
 * work (issue 13). The nice value (below-normal on Windows) orders the agent against other
 * processes of its own group.
 *
 * On Linux that alone is not enough. With autogroup (a kernel built with CONFIG_SCHED_AUTOGROUP,
 * where it is on unless booted with `noautogroup`; it is on here, and it applies to processes the
 * system has not put in a cpu cgroup of their own) the scheduler first shares the CPU between
 * autogroups, one per session, and only then by nice within each. A pty starts a new
 * session, so each agent is an autogroup of its own, and its nice value changed nothing against
 * the user's other programs. Measured here: two agents at nice 10 spinning in loops took 67% of a
 * core each, and two loops at nice 0 of the user's session 33%. With the agents' autogroups at
 * nice 10 as well: 17% and 84%. So the agent's autogroup gets the niceness too
 * (`/proc/<pid>/autogroup`, sched(7)); every process of its session shares it, its children's
 * included, whenever they start. Raising a nice value needs no privilege, but without
 * CAP_SYS_ADMIN the kernel takes one such write per 100 ms from all processes (EAGAIN meanwhile),
 * so nine agents started at once are all lowered within about a second.
 */
export function lowerPriority(pid: number, niceness: number): void {
  try {
    os.setPriority(pid, process.platform !== 'win32' ? niceness : niceness === 0 ? os.constants.priority.PRIORITY_NORMAL : os.constants.priority.PRIORITY_BELOW_NORMAL);
  } catch (error) {
    console.error(`Lanes could not lower the CPU priority of process ${pid}:`, error);
  }
  if (process.platform === 'linux' && niceness > 0) lowerAutogroup(pid, niceness, AUTOGROUP_TRIES);
}

/** Tries at this interval while the new process has yet to leave the pty host's session. */
const AUTOGROUP_RETRY_MS = 5;
/** And at this one while the kernel refuses writes faster than one per 100 ms (to all processes of unprivileged users). */
const AUTOGROUP_BUSY_MS = 110;
const AUTOGROUP_TRIES = 100;

/**
 * The agent's autogroup at `niceness`, once the agent has its own: forked by node-pty, it calls
 * setsid before it runs the agent, and until then it is in the pty host's autogroup, which must
 * never be lowered (the host would then serve keystrokes at the agents' priority).
 */
function lowerAutogroup(pid: number, niceness: number, triesLeft: number): void {
  const own = autogroupOf('self');
  const its = autogroupOf(String(pid));
  // No autogroups in this kernel, or the process is gone: nothing to lower.
  if (own === null || its === null) return;
  if (its.group === own.group) {
    if (triesLeft > 1) setTimeout(() => lowerAutogroup(pid, niceness, triesLeft - 1), AUTOGROUP_RETRY_MS).unref();
    else console.error(`Lanes could not lower the CPU priority of process ${pid}'s session: it did not start a session of its own.`);
    return;
  }
  if (its.nice >= niceness) return;
  try {
    writeFileSync(`/proc/${pid}/autogroup`, String(niceness));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EAGAIN' && triesLeft > 1) setTimeout(() => lowerAutogroup(pid, niceness, triesLeft - 1), AUTOGROUP_BUSY_MS).unref();
    // Gone meanwhile, or a kernel that refuses: the agent runs at its nice value alone.
    else if (code !== 'ENOENT' && code !== 'ESRCH') console.error(`Lanes could not lower the CPU priority of process ${pid}'s session:`, error);
  }
}

/** `/proc/<pid>/autogroup` ("/autogroup-42 nice 10"): the group and its nice value, or null without one. */
export function autogroupOf(pid: string): { group: string; nice: number } | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/autogroup`, 'utf8');
  } catch {
    return null;
  }
  const match = /^(\S+) nice (-?\d+)/.exec(text);
  return match ? { group: match[1]!, nice: Number(match[2]) } : null;
}
