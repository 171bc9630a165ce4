import { describe, expect, it } from 'vitest';
import { fakeAgent, lanesYml } from '../../../main/instances/test-support';
import { trustAllCommands } from '../../../test/support/trust';
import { waitFor } from '../../../test/support/wait';
import { bridgedCore, stateWhere } from '../test-support';

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
});

