import { describe, expect, it, vi } from 'vitest';
import { makeGitRepo } from '../../../test/support/repo';
import { bridgedCore, stateWhere } from '../test-support';
import { requestSummary } from './test-support';

const DIR = 'docs/cross-instance-prs';

describe('the requests store', () => {
  it('reads the board once when the badges and the Requests screen ask for it together', async () => {
    const { core } = await bridgedCore();
    const { useRequests } = await import('./store');
    const { useWorkspace } = await import('../workspace/store');
    const root = makeGitRepo({ 'lanes.yml': 'instances:\n  - name: VSCode\n', [`${DIR}/20260413_groq.md`]: '# Groq UI (Windows → VSCode)\n' });
    expect(await useWorkspace.getState().open(root)).toBe(true);
    const call = vi.spyOn(core, 'call');

    // The Instances screen's badge, then the Requests screen, before either has an answer.
    useRequests.getState().ensureLoaded();
    await Promise.all([useRequests.getState().load(), useRequests.getState().load()]);
    const state = await stateWhere(useRequests, (current) => current.board !== null && current.plan !== null, 'the board and its plan');
    expect(state.board!.requests.map((request) => request.file)).toEqual(['20260413_groq.md']);
    expect(call.mock.calls.filter(([name]) => name === 'requests.list')).toHaveLength(1);
    expect(call.mock.calls.filter(([name]) => name === 'requests.plan')).toHaveLength(1);
  });

  it('draws the first screenful first (the Done column counted, its newest cards), then the whole board', async () => {
    const { core } = await bridgedCore();
    const { useRequests, FIRST_DONE } = await import('./store');
    const { useWorkspace } = await import('../workspace/store');
    const tree: Record<string, string> = { 'lanes.yml': 'instances:\n  - name: VSCode\n', [`${DIR}/20260413_groq.md`]: '# Groq UI (Windows → VSCode)\n' };
    for (let index = 0; index < FIRST_DONE + 5; index += 1) tree[`${DIR}/done/2025${String(1 + (index % 12)).padStart(2, '0')}${String(1 + (index % 28)).padStart(2, '0')}_d${index}.md`] = `# D${index} (Windows → VSCode)\n`;
    const root = makeGitRepo(tree);
    expect(await useWorkspace.getState().open(root)).toBe(true);
    const call = vi.spyOn(core, 'call');
    const boards: { shown: number; leftOut: number | undefined }[] = [];
    const unsubscribe = useRequests.subscribe((state, previous) => {
      if (state.board && state.board !== previous.board) boards.push({ shown: state.board.requests.length, leftOut: state.board.doneLeftOut?.length });
    });

    await useRequests.getState().load();
    unsubscribe();
    expect(boards).toEqual([
      { shown: 1 + FIRST_DONE, leftOut: 5 },
      { shown: 1 + FIRST_DONE + 5, leftOut: undefined },
    ]);
    expect(call.mock.calls.filter(([name]) => name === 'requests.list').map(([, args]) => args)).toEqual([{ doneLimit: FIRST_DONE }, {}]);
    // The whole board kept the cards the first one had drawn.
    expect(useRequests.getState().board!.requests.filter((request) => request.status === 'done')).toHaveLength(FIRST_DONE + 5);
  });
});

describe('changes pushed to the board', () => {
  it('a whole board pushed again keeps the cards that did not change, so only the changed ones are drawn again', async () => {
    await bridgedCore();
    const { applyChange } = await import('./store');
    const board = { folder: DIR, exists: true, problem: null, instances: ['VSCode'], requests: [requestSummary('20260413_groq.md', { blockedBy: ['schema'] }), requestSummary('20260414_ui.md')] };
    const again = applyChange(board, { kind: 'board', board: structuredClone({ ...board, requests: [board.requests[0]!, { ...board.requests[1]!, title: 'UI, renamed' }] }) })!;
    expect(again.requests[0]).toBe(board.requests[0]);
    expect(again.requests[1]).not.toBe(board.requests[1]);
    expect(again.requests[1]!.title).toBe('UI, renamed');
    expect(applyChange(again, { kind: 'board', board: null })).toBeNull();
  });

  it('a left-out done request that changes or goes is no longer counted as left out', async () => {
    await bridgedCore();
    const { applyChange } = await import('./store');
    const board = { folder: DIR, exists: true, problem: null, instances: ['VSCode'], requests: [requestSummary('done/20260414_new.md')], doneLeftOut: ['done/20260101_a.md', 'done/20260102_b.md', 'done/20260103_c.md'] };
    const next = applyChange(board, { kind: 'delta', upserted: [requestSummary('done/20260101_a.md', { title: 'A, edited' })], removed: ['done/20260102_b.md'] })!;
    expect(next.doneLeftOut).toEqual(['done/20260103_c.md']);
    expect(next.requests.map((request) => request.file)).toEqual(['done/20260414_new.md', 'done/20260101_a.md']);
    expect(board.doneLeftOut).toHaveLength(3);
  });
});
