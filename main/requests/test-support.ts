import { afterEach } from 'vitest';
import type { RequestChange } from '../contract/requests';
import { lanesComposition } from '../app/lanes';
import { LanesCore } from '../core/core';
import { createRequestsRoom, requestsRoomWith } from './room';
import { systemClock, type SyncClock } from './sync-schedule';
import { makeTempDir } from '../../test/support/repo';
import { trustAllCommands } from '../../test/support/trust';

const opened: LanesCore[] = [];
afterEach(async () => {
  for (const core of opened.splice(0)) await core.dispose();
});

/**
 * A real core with the workspace open, recording the requests room's events; disposed after the
 * test. Its requests room keeps time by `clock` (a `FakeClock` for tests of the sync schedule).
 */
export async function openRequests(root: string, clock: SyncClock = systemClock, userDataDir = makeTempDir('lanes-user-')) {
  const rooms = lanesComposition.rooms.map((room) => (room === createRequestsRoom ? requestsRoomWith(clock) : room));
  const core = new LanesCore({ userDataDir, platform: { mode: 'web' }, version: 'test' }, { ...lanesComposition, rooms });
  opened.push(core);
  const changes: RequestChange[] = [];
  core.onEvent((name, payload) => {
    if (name === 'requests.changed') changes.push(payload as RequestChange);
  });
  const call = async (name: string, args: unknown = {}): Promise<any> => {
    const envelope = await core.call(name, args);
    if (!envelope.ok) throw Object.assign(new Error(envelope.error.message), { code: envelope.error.code });
    return envelope.value;
  };
  await call('workspace.open', { path: root });
  await trustAllCommands(core);
  /** The error code and message of a call that must fail. */
  const failure = async (name: string, args: unknown = {}): Promise<{ code: string; message: string }> => {
    const envelope = await core.call(name, args);
    if (envelope.ok) throw new Error(`${name} should have failed`);
    return envelope.error;
  };
  return { core, changes, call, failure, userDataDir };
}

export { waitFor } from '../../test/support/wait';

/** A clock that stands still until the test advances it, running the timers that come due on the way, in order. */
export class FakeClock implements SyncClock {
  private timers: { readonly time: number; readonly task: () => void }[] = [];

  constructor(private time: number) {}

  now(): number {
    return this.time;
  }

  at(time: number, task: () => void): () => void {
    const timer = { time, task };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((other) => other !== timer);
    };
  }

  advanceMinutes(minutes: number): void {
    const end = this.time + minutes * 60_000;
    for (;;) {
      const due = this.timers.filter((timer) => timer.time <= end).sort((a, b) => a.time - b.time)[0];
      if (!due) break;
      this.timers = this.timers.filter((timer) => timer !== due);
      this.time = Math.max(this.time, due.time);
      due.task();
    }
    this.time = end;
  }
}

/** The field report's example request, byte for byte as people write them. */
export const FIELD_REPORT_REQUEST = `# AI University: Allen AI UI Addition (Windows#67 → VSCode)
## What to add
In \`lib/pages/gemini_university_v2_page.dart\`, add to \`_providerMeta\`:
| Key | Value |
|-----|-------|
| provider | \`allen_ai\` |
| name | \`Allen AI (AI2)\` |
| emoji | \`🔬\` |
| color | \`Color(0xFF1565C0)\` |
Migration already added: \`20260413049000_seed_allenai_ai_university.sql\`
`;

export const LANES_YML = `instances:
  - name: VSCode
    role: frontend
    zones: [lib/]
  - name: Windows
    role: backend
    zones: [docs/, supabase/migrations/]
`;
