import { describe, expect, it } from 'vitest';
import { makeGitRepo } from '../../../test/support/repo';
import { bridgedCore } from '../test-support';

describe('the New request form', () => {
  it('goes to the board\'s filter, else the focused instance, and only to an instance of this workspace', async () => {
    // The module reads the page's bridge when imported, as every store does.
    await bridgedCore();
    const { defaultReceiver } = await import('./new-request');
    const instances = ['VSCode', 'Windows'];
    expect(defaultReceiver(instances, 'Windows', 'VSCode')).toBe('Windows');
    expect(defaultReceiver(instances, '', 'VSCode')).toBe('VSCode');
    expect(defaultReceiver(instances, 'Designer', 'Windows')).toBe('Windows');
    expect(defaultReceiver(instances, '', null)).toBe('');
    expect(defaultReceiver([], 'VSCode')).toBe('');
  });

  it('"New request…" in the palette needs a workspace, goes to Requests and opens the form; another repository closes it', async () => {
    await bridgedCore();
    const { useNewRequest } = await import('./new-request');
    const { useCommandRegistry } = await import('../shell/commands');
    const { useWorkspace } = await import('../workspace/store');
    const command = () => useCommandRegistry.getState().sources.get('requests')?.find((entry) => entry.id === 'requests.new');
    expect(command()?.enabled).toBe(false);

    expect(await useWorkspace.getState().open(makeGitRepo())).toBe(true);
    expect(command()).toMatchObject({ enabled: true, shortcut: 'Alt+N' });
    window.location.hash = '#/zones';
    await command()!.run();
    expect(window.location.hash).toBe('#/requests');
    expect(useNewRequest.getState().open).toBe(true);

    expect(await useWorkspace.getState().open(makeGitRepo())).toBe(true);
    expect(useNewRequest.getState().open).toBe(false);
  });
});
