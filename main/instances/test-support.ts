import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EventName } from '../contract';
import { Lanes } from '../app/lanes';
import { makeGitRepo, makeTempDir } from '../../test/support/repo';
import { trustAllCommands } from '../../test/support/trust';
import { waitFor as waitUntil } from '../../test/support/wait';
import { shellQuote } from './command-line';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const FAKE_AGENT = path.join(repoRoot, 'test', 'fake-agent', 'agent.mjs');
/** `lanes notify` from source, for hooks in tests (the built CLI may not exist). */
export const NOTIFY_FROM_SOURCE = [
  process.execPath,
  '--import',
  path.join(repoRoot, 'node_modules', 'tsx', 'dist', 'loader.mjs'),
  path.join(repoRoot, 'test', 'fake-agent', 'notify.mjs'),
]
  .map(shellQuote)
  .join(' ');

/** The agent command line for the fake agent with these steps. */
export function fakeAgent(...steps: string[]): string {
  return [process.execPath, FAKE_AGENT, ...steps].map(shellQuote).join(' ');
}

export interface TestInstance {
  name: string;
  agent: string;
  role?: string;
  zones?: string[];
  worktree?: string;
  branch?: string;
}

export function lanesYml(instances: TestInstance[]): string {
  return `# test workspace\ninstances:\n${instances
    .map(
      (instance) =>
        `  - name: ${JSON.stringify(instance.name)}\n    role: ${instance.role ?? 'backend'}\n    agent: ${JSON.stringify(instance.agent)}\n` +
        `    zones: ${JSON.stringify(instance.zones ?? ['src/'])}\n${instance.worktree ? `    worktree: ${JSON.stringify(instance.worktree)}\n` : ''}` +
        (instance.branch ? `    branch: ${JSON.stringify(instance.branch)}\n` : ''),
    )
    .join('')}`;
}

export function makeWorkspace(instances: TestInstance[]): string {
  return makeGitRepo({ 'README.md': '# test\n', 'lanes.yml': lanesYml(instances), 'src/.keep': '' });
}

export interface RecordedEvent {
  readonly name: EventName;
  readonly payload: any;
}

/**
 * A real core with its own user-data folder, recording every event. It trusts the workspace's
 * commands unless `trusted` is false (for tests of trust itself). Its agents stop when it is
 * disposed (and its pty host exits) unless `agentsOnQuit` is 'keep'.
 */
export async function openCore(
  root: string,
  userDataDir = makeTempDir('lanes-user-'),
  { trusted = true, agentsOnQuit = 'stop' }: { trusted?: boolean; agentsOnQuit?: 'keep' | 'stop' } = {},
) {
  const core = new Lanes({ userDataDir, platform: { mode: 'web' }, version: 'test' });
  const chosen = await core.call('instances.setQuitChoice', { choice: agentsOnQuit, remembered: true });
  if (!chosen.ok) throw new Error(chosen.error.message);
  const events: RecordedEvent[] = [];
  core.onEvent((name, payload) => events.push({ name, payload }));
  const opened = await core.call('workspace.open', { path: root });
  if (!opened.ok) throw new Error(opened.error.message);
  if (trusted) await trustAllCommands(core);
  const call = async (name: string, args: unknown = {}): Promise<any> => {
    const envelope = await core.call(name, args);
    if (!envelope.ok) throw Object.assign(new Error(envelope.error.message), { code: envelope.error.code });
    return envelope.value;
  };
  const output = (instance: string) =>
    events
      .filter((event) => event.name === 'instances.output' && event.payload.instance === instance)
      .map((event) => event.payload.data as string)
      .join('');
  return { core, events, call, output, userDataDir };
}

/** Waits up to 10 s by default: agents are real processes in ptys. */
export function waitFor<T>(probe: () => T | Promise<T>, what: string, timeoutMs = 10_000): Promise<NonNullable<T>> {
  return waitUntil(probe, what, timeoutMs);
}

/** Whether a process exists and is not a zombie (a zombie's parent, not Lanes, must reap it). */
export function isRunningPid(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

export function openDescriptors(): number {
  return readdirSync('/proc/self/fd').length;
}
