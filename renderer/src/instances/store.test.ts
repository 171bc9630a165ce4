import { describe, expect, it } from 'vitest';
import { fakeAgent, lanesYml } from '../../../main/instances/test-support';
import { trustAllCommands } from '../../../test/support/trust';
import { waitFor } from '../../../test/support/wait';
import { bridgedCore, stateWhere } from '../test-support';
import type { InstanceState } from '../../../main/contract/instances';

const REPL = fakeAgent('--repl');

/** The instances store of a fresh page, over a workspace with one scripted agent; trusted unless asked. */
async function instancesPage({ trusted = true } = {}) {
  const { core } = await bridgedCore({ 'README.md': '# test\n', 'lanes.yml': lanesYml([{ name: 'api', agent: REPL }]) });
  if (trusted) await trustAllCommands(core);
  const store = await import('./store');
  await store.useInstances.getState().load();
  return { core, ...store };
}

describe('the instances store', () => {
  it('with no workspace open, the list is empty and that is not an error', async () => {
    await bridgedCore();
    const { useInstances } = await import('./store');
    await useInstances.getState().load();
    expect(useInstances.getState()).toMatchObject({ instances: [], configProblem: null, loading: false, error: null });
  });

  it('a start waits on its button until main answers; the terminal gets the agent\'s output and input; a stop ends it', async () => {
    const { useInstances, attachTerminal, terminalInput } = await instancesPage();
    expect(useInstances.getState().instances.map(({ name, status }) => ({ name, status }))).toEqual([{ name: 'api', status: 'stopped' }]);

    let output = '';
    const terminal = attachTerminal('api', { output: (data) => (output += data) });
    const starting = useInstances.getState().start('api');
    expect(useInstances.getState().pending).toEqual({ api: true });
    await starting;
    expect(useInstances.getState().pending).toEqual({});
    expect(useInstances.getState().error).toBeNull();
    expect(useInstances.getState().instances[0]?.pid).toBeGreaterThan(0);

    // Output comes by events straight to the terminal, not through the store: wait on the text.
    await waitFor(() => output.includes('> '), "the agent's prompt in the terminal", 10_000);
    await terminalInput.write('api', 'hello\r');
    await waitFor(() => output.includes('echo: hello'), 'the echo of the typed line', 10_000);

    await useInstances.getState().stop('api');
    await stateWhere(useInstances, (state) => !['running', 'starting', 'waiting', 'idle'].includes(state.instances[0]!.status), 'the agent to end');
    expect(useInstances.getState().instances[0]?.status).toBe('exited');
    terminal.detach();
  });

  it('an untrusted agent is refused with main\'s reason, and its button is free again', async () => {
    const { useInstances } = await instancesPage({ trusted: false });
    await useInstances.getState().start('api');
    const state = useInstances.getState();
    expect(state.pending).toEqual({});
    expect(state.error).toContain('trust it first');
    expect(state.instances[0]?.status).toBe('stopped');

    useInstances.getState().dismissError();
    expect(useInstances.getState().error).toBeNull();
  });

  it('focusing an instance switches to its view; the grid keeps which one was focused', async () => {
    const { useInstances } = await instancesPage();
    expect(useInstances.getState()).toMatchObject({ layout: 'grid', focused: null });
    useInstances.getState().setLayout('focus');
    expect(useInstances.getState()).toMatchObject({ layout: 'focus', focused: 'api' });
    useInstances.getState().setLayout('grid');
    expect(useInstances.getState()).toMatchObject({ layout: 'grid', focused: 'api' });
    useInstances.getState().focus('api');
    expect(useInstances.getState()).toMatchObject({ layout: 'focus', focused: 'api' });
  });

  it('a changed list keeps the objects of the instances that did not change, so only their own cards redraw', async () => {
    const { keepUnchanged } = await import('./store');
    const state = (name: string, cpu: number, zones = ['api/**']): InstanceState => ({
      name, role: 'backend', agent: 'claude', zones, cwd: `/repo/.lanes/${name}`, worktree: `lanes/${name}`,
      status: 'running', statusSource: 'screen', statusDetail: null, statusSince: '2026-12-04T10:00:00.000Z',
      pid: 4242, exitCode: null, signal: null, startedAt: '2026-12-04T10:00:00.000Z', usage: { cpu, memory: 52_428_800, processes: 1 }, problem: null,
    });
    const before = [state('api', 3), state('web', 40), state('docs', 0)];
    // What main sends when web's CPU figure changes: every instance, each a new object.
    const after = keepUnchanged(before, [state('api', 3), state('web', 55), state('docs', 0)]);
    expect(after[0]).toBe(before[0]);
    expect(after[1]).not.toBe(before[1]);
    expect(after[1]?.usage?.cpu).toBe(55);
    expect(after[2]).toBe(before[2]);

    // A change anywhere in an instance, nested lists and usage included, is a change.
    expect(keepUnchanged(before, [state('api', 3, ['api/**', 'docs/**'])])[0]).not.toBe(before[0]);
    expect(keepUnchanged(before, [{ ...state('api', 3), usage: null }])[0]).not.toBe(before[0]);
    expect(keepUnchanged(before, [{ ...state('api', 3), usage: { cpu: 3, memory: 52_428_800, processes: 2 } }])[0]).not.toBe(before[0]);
    expect(keepUnchanged(before, [{ ...state('api', 3), status: 'waiting' }])[0]).not.toBe(before[0]);
    // Nothing changed: the list itself is the same, and the screen does not redraw.
    expect(keepUnchanged(before, [state('api', 3), state('web', 40), state('docs', 0)])).toBe(before);
    // Reordered, added or removed: a new list, the unchanged instances' objects kept.
    const reordered = keepUnchanged(before, [state('docs', 0), state('api', 3)]);
    expect(reordered).not.toBe(before);
    expect(reordered[0]).toBe(before[2]);
    expect(reordered[1]).toBe(before[0]);
  });
});

