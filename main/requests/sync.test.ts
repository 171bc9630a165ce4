import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SyncState } from '../contract/requests';
import { makeGitRepo } from '../../test/support/repo';
import { fakeAgent } from '../instances/test-support';
import { nextDue } from './sync-schedule';
import { FakeClock, openRequests, waitFor } from './test-support';

/** 08:45 on a working day, local time. */
const START = new Date(2026, 11, 2, 8, 45).getTime();
const local = (hours: number, minutes: number, day = 2) => new Date(2026, 11, day, hours, minutes).toISOString();

const SYNC = `sync:
  - at: "09:00"
    text: Post your plan for today.
  - every: 30
    text: Write your progress into the shared state.
`;

function workspace(sync: string): string {
  const root = makeGitRepo({
    'lanes.yml': `instances:\n  - name: VSCode\n    agent: ${JSON.stringify(fakeAgent('--repl'))}\n    takesInstructions: true\n    zones: [lib/]\n  - name: Shell\n    agent: bash\n    zones: [docs/]\n  - name: Idle\n    agent: claude\n    zones: [supabase/]\n${sync}`,
  });
  // Written beforehand so the instances room's two concurrent additions to info/exclude cannot race.
  writeFileSync(path.join(root, '.git/info/exclude'), '/.claude/settings.local.json\n/.lanes/context/\n');
  return root;
}

/** A real core on a fake clock with VSCode's fake agent running, recording the sync states it announces. */
async function openWithVSCodeRunning(root: string, clock: FakeClock, userDataDir?: string) {
  const opened = await openRequests(root, clock, userDataDir);
  const output: string[] = [];
  const states: (SyncState | null)[] = [];
  opened.core.onEvent((name, payload) => {
    if (name === 'instances.output') output.push((payload as { data: string }).data);
    if (name === 'requests.synced') states.push(payload as SyncState | null);
  });
  await opened.call('instances.start', { name: 'VSCode' });
  await waitFor(() => output.join('').includes('> '), 'the agent prompt');
  const typedLines = () => [...output.join('').matchAll(/echo: (Scheduled sync from lanes\.yml: [^\r\n]*)/g)].map((match) => match[1]);
  return { ...opened, output, states, typedLines };
}

describe('sync points: when they come due', () => {
  it('comes due at the next HH:MM in local time, tomorrow once it has passed', () => {
    const point = { at: '09:00', text: 'Plan' };
    expect(new Date(nextDue(point, START)).toISOString()).toBe(local(9, 0));
    expect(new Date(nextDue(point, new Date(2026, 11, 2, 9, 0).getTime())).toISOString()).toBe(local(9, 0, 3));
    expect(new Date(nextDue(point, new Date(2026, 11, 31, 23, 59).getTime())).toISOString()).toBe(new Date(2027, 0, 1, 9, 0).toISOString());
  });

  it('repeats every N minutes from when it was scheduled, once for the ticks a sleeping machine missed', () => {
    const point = { every: 30, text: 'Progress' };
    expect(nextDue(point, START)).toBe(START + 30 * 60_000);
    expect(nextDue(point, START + 30 * 60_000, START + 30 * 60_000)).toBe(START + 60 * 60_000);
    expect(nextDue(point, START + 125 * 60_000, START + 30 * 60_000)).toBe(START + 150 * 60_000);
  });
});

describe('sync points: typed into the running agents', () => {
  it('types each point when it comes due into every running agent that takes prose, and says why not into the others', async () => {
    const clock = new FakeClock(START);
    const { call, typedLines } = await openWithVSCodeRunning(workspace(SYNC), clock);

    const before: SyncState = await call('requests.syncState');
    expect(before.points).toEqual([
      { index: 0, at: '09:00', every: null, text: 'Post your plan for today.', next: local(9, 0) },
      { index: 1, at: null, every: 30, text: 'Write your progress into the shared state.', next: local(9, 15) },
    ]);
    expect(before.agents.map((agent) => agent.lastSyncedAt)).toEqual([null, null, null]);

    clock.advanceMinutes(14);
    expect((await call('requests.syncState')).agents[0].lastSyncedAt).toBeNull();

    clock.advanceMinutes(1);
    await waitFor(() => typedLines().length === 1, 'the 09:00 sync point in the terminal', 10_000);
    expect(typedLines()).toEqual(['Scheduled sync from lanes.yml: Post your plan for today.']);
    const after = await waitFor(async () => {
      const state: SyncState = await call('requests.syncState');
      return state.agents[0]!.lastSyncedAt ? state : null;
    }, 'VSCode to show as synced');
    expect(after.agents).toEqual([
      { instance: 'VSCode', lastSyncedAt: local(9, 0), lastText: 'Post your plan for today.', notSyncedBecause: null },
      { instance: 'Shell', lastSyncedAt: null, lastText: null, notSyncedBecause: expect.stringMatching(/runs `bash`, which would run this text as a command/) },
      { instance: 'Idle', lastSyncedAt: null, lastText: null, notSyncedBecause: 'Idle is not running.' },
    ]);
    expect(after.points.map((point) => point.next)).toEqual([local(9, 0, 3), local(9, 15)]);

    clock.advanceMinutes(15 + 30);
    await waitFor(() => typedLines().length === 3, 'the 09:15 and 09:45 sync points', 10_000);
    expect(typedLines().slice(1)).toEqual(['Scheduled sync from lanes.yml: Write your progress into the shared state.', 'Scheduled sync from lanes.yml: Write your progress into the shared state.']);
    await waitFor(async () => (await call('requests.syncState')).agents[0].lastSyncedAt === local(9, 45), 'the last sync at 09:45');
    await call('instances.stop', { name: 'VSCode' });
  });

  it('follows a change of lanes.yml: a kept point keeps its time, a changed one is scheduled from now; an invalid file keeps the last schedule', async () => {
    const clock = new FakeClock(START);
    const root = workspace(SYNC);
    const { core, call, states, typedLines } = await openWithVSCodeRunning(root, clock);
    const invalid: unknown[] = [];
    core.onEvent((name, payload) => {
      if (name === 'config.changed' && (payload as { status: string }).status === 'invalid') invalid.push(payload);
    });
    clock.advanceMinutes(5);
    const file = path.join(root, 'lanes.yml');
    const valid = readFileSync(file, 'utf8').replace('every: 30', 'every: 10');
    writeFileSync(file, valid);
    const changed = await waitFor(() => states.find((state) => state?.points[1]?.every === 10), 'the new schedule to be announced', 10_000);
    expect(changed.points.map((point) => point.next)).toEqual([local(9, 0), local(9, 0)]);

    writeFileSync(file, valid.replace('every: 10', 'every: 0'));
    await waitFor(() => invalid.length > 0, 'lanes.yml to be seen as invalid', 10_000);
    clock.advanceMinutes(10);
    // The schedule still comes due; the instances room refuses to type while it cannot read lanes.yml, and the screen says so.
    const fired = await waitFor(() => states.find((state) => state?.agents[0]?.notSyncedBecause), 'the 09:00 points to come due', 10_000);
    expect(fired.points.map((point) => point.next)).toEqual([local(9, 0, 3), local(9, 10)]);
    expect(fired.agents[0]!.notSyncedBecause).toMatch(/Lanes cannot read lanes\.yml \(.*line \d+.*\), so it cannot tell whether VSCode reads typed instructions/);
    expect(typedLines()).toEqual([]);
    await call('instances.stop', { name: 'VSCode' });
  });

  it('types a point now on request, and refuses one the screen showed before lanes.yml changed', async () => {
    const clock = new FakeClock(START);
    const { call, failure, typedLines } = await openWithVSCodeRunning(workspace(SYNC), clock);
    const result = await call('requests.syncNow', { point: 1, text: 'Write your progress into the shared state.' });
    expect(result).toMatchObject({ text: 'Write your progress into the shared state.', at: local(8, 45), typed: ['VSCode'] });
    expect(result.notTyped.map((entry: { instance: string }) => entry.instance)).toEqual(['Shell', 'Idle']);
    await waitFor(() => typedLines().length === 1, 'the sync point in the terminal', 10_000);
    expect((await call('requests.syncState')).agents[0]).toMatchObject({ lastSyncedAt: local(8, 45), lastText: 'Write your progress into the shared state.' });

    expect(await failure('requests.syncNow', { point: 1, text: 'An older text' })).toMatchObject({ code: 'conflict', message: expect.stringMatching(/changed since the screen showed it/) });
    expect(await failure('requests.syncNow', { point: 7, text: 'Anything' })).toMatchObject({ code: 'conflict' });
    await call('instances.stop', { name: 'VSCode' });
  });

  it('keeps when each agent was last synced across a restart of Lanes, and sets a damaged record aside', async () => {
    const clock = new FakeClock(START);
    const root = workspace(SYNC);
    const first = await openWithVSCodeRunning(root, clock);
    await first.call('requests.syncNow', { point: 0, text: 'Post your plan for today.' });
    await first.call('instances.stop', { name: 'VSCode' });
    await first.core.dispose();

    const second = await openRequests(root, clock, first.userDataDir);
    expect((await second.call('requests.syncState')).agents[0]).toMatchObject({ instance: 'VSCode', lastSyncedAt: local(8, 45), lastText: 'Post your plan for today.' });
    await second.core.dispose();

    const folder = path.join(first.userDataDir, 'sync');
    const [record] = readdirSync(folder);
    writeFileSync(path.join(folder, record!), '{ "version": 1, "agents": [');
    const third = await openRequests(root, clock, first.userDataDir);
    expect((await third.call('requests.syncState')).agents[0].lastSyncedAt).toBeNull();
    expect(readdirSync(folder).filter((name) => name.startsWith(`${record}.damaged-`))).toHaveLength(1);
  });
});
