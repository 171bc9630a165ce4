import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bridgedCore, stateWhere } from '../test-support';

const FIRST = 'npm ci';
const SECOND = 'make setup';

/** The trust store of a fresh page, over a repository whose lanes.yml names a setup command nobody was asked about. */
async function trustPage() {
  const { core, root } = await bridgedCore({ 'README.md': '# web\n', 'lanes.yml': `setup: ${FIRST}\n` });
  const { useTrust } = await import('./store');
  await useTrust.getState().load();
  return { core, root: root!, useTrust };
}

const setup = (command: string) => ({ kind: 'setup' as const, command, instance: null });

describe('the trust store', () => {
  it('loads the commands the repository names, untrusted, and asks', async () => {
    const { useTrust } = await trustPage();
    const { state, error } = useTrust.getState();
    expect(error).toBeNull();
    expect(state?.ask).toBe(true);
    expect(state?.commands).toEqual([{ ...setup(FIRST), trusted: false, declined: false }]);
  });

  it('trusts exactly the commands the dialog showed: one lanes.yml added since stays untrusted', async () => {
    const { useTrust, root } = await trustPage();
    useTrust.getState().review();
    const shown = useTrust.getState().state!.commands;

    writeFileSync(path.join(root, 'lanes.yml'), `setup: ${SECOND}\n`);
    await stateWhere(useTrust, (state) => state.state?.commands.some((command) => command.command === SECOND) ?? false, 'the new command from lanes.yml');

    const trusting = useTrust.getState().trust(shown);
    expect(useTrust.getState().busy).toBe(true);
    await trusting;

    const after = useTrust.getState();
    expect(after.busy).toBe(false);
    expect(after.reviewing).toBe(false);
    expect(after.error).toBeNull();
    expect(after.state?.commands.find((command) => command.command === SECOND)?.trusted).toBe(false);
  });

  it('Browse without running declines the shown commands and closes the dialog; with nothing shown it only closes', async () => {
    const { useTrust } = await trustPage();
    useTrust.getState().review();
    await useTrust.getState().browse([]);
    expect(useTrust.getState().reviewing).toBe(false);
    expect(useTrust.getState().state?.commands[0]?.declined).toBe(false);

    useTrust.getState().review();
    await useTrust.getState().browse(useTrust.getState().state!.commands);
    const after = useTrust.getState();
    expect(after.reviewing).toBe(false);
    expect(after.state?.commands).toEqual([{ ...setup(FIRST), trusted: false, declined: true }]);
    expect(after.state?.ask).toBe(false);
  });

  it('revoking withdraws the trust given', async () => {
    const { useTrust } = await trustPage();
    await useTrust.getState().trust(useTrust.getState().state!.commands);
    expect(useTrust.getState().state?.commands[0]?.trusted).toBe(true);

    await useTrust.getState().revokeAll();
    expect(useTrust.getState().state?.commands[0]?.trusted).toBe(false);
    expect(useTrust.getState().error).toBeNull();
  });

  it('the workspace closed: the state and the open dialog go; a decision then fails with main\'s reason', async () => {
    const { useTrust, core } = await trustPage();
    useTrust.getState().review();
    const shown = useTrust.getState().state!.commands;

    await core.call('workspace.close', {});
    await stateWhere(useTrust, (state) => state.state === null, 'the state of no workspace');
    expect(useTrust.getState().reviewing).toBe(false);

    await useTrust.getState().trust(shown);
    const after = useTrust.getState();
    expect(after.busy).toBe(false);
    expect(after.error).toBe('No workspace is open. Open a git repository on the Workspace screen first.');
    expect(after.state).toBeNull();
  });
});
