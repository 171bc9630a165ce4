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
});
