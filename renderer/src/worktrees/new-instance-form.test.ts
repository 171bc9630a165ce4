import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { makeGitRepo } from '../../../test/support/repo';
import { bridgedCore } from '../test-support';
import { EMPTY_FORM, NO_DEFAULTS, createArgs, nextFreeName, shownName, type FormDefaults } from './new-instance-form';

const ROLES: FormDefaults['roles'] = [
  { id: 'frontend', label: 'Frontend', prompt: 'You own the UI.' },
  { id: 'qa', label: 'QA', prompt: 'You own the tests.' },
];

describe('the New instance form', () => {
  it('suggests the first name no instance has, compared as lanes.yml compares names', () => {
    expect(nextFreeName('Frontend', [])).toBe('Frontend');
    expect(nextFreeName('Frontend', ['frontend'])).toBe('Frontend-2');
    expect(nextFreeName('Frontend', ['Frontend', 'FRONTEND-2', 'api'])).toBe('Frontend-3');
    const defaults = { roles: ROLES, instances: ['QA'], currentBranch: 'main' };
    expect(shownName({ ...EMPTY_FORM, role: 'qa' }, defaults)).toBe('QA-2');
    expect(shownName({ ...EMPTY_FORM, role: 'custom' }, defaults)).toBe('Agent');
    expect(shownName({ ...EMPTY_FORM, name: '' }, defaults)).toBe('');
  });

  it('sends no prompt for a preset role unless it was edited, and the base only when there is one', () => {
    const defaults = { roles: ROLES, instances: [], currentBranch: 'main' };
    expect(createArgs(EMPTY_FORM, defaults)).toEqual({
      name: 'Frontend',
      role: 'frontend',
      agent: { preset: 'claude' },
      worktree: { mode: 'default' },
      runSetup: true,
      base: 'main',
    });
    expect(createArgs({ ...EMPTY_FORM, prompt: ' You own the UI. ' }, defaults)).not.toHaveProperty('prompt');
    expect(createArgs({ ...EMPTY_FORM, prompt: '  ' }, defaults)).not.toHaveProperty('prompt');
    expect(createArgs({ ...EMPTY_FORM, prompt: 'Only the settings page.' }, defaults).prompt).toBe('Only the settings page.');
    // A custom role sends what was written, even nothing, for main to refuse with its reason.
    expect(createArgs({ ...EMPTY_FORM, role: 'custom' }, defaults).prompt).toBe('');
    // Detached HEAD: no base, main starts from the current commit; no worktree: no base or branch at all.
    expect(createArgs(EMPTY_FORM, { ...defaults, currentBranch: null })).not.toHaveProperty('base');
    expect(createArgs({ ...EMPTY_FORM, mode: 'none', branch: 'lanes/x' }, defaults)).not.toHaveProperty('base');
    expect(createArgs({ ...EMPTY_FORM, mode: 'none', branch: 'lanes/x' }, defaults)).not.toHaveProperty('branch');
    // Before main has answered, an untouched preset role still sends no prompt: main knows its own presets.
    expect(createArgs(EMPTY_FORM, NO_DEFAULTS)).not.toHaveProperty('prompt');
  });

  it('with defaults only, main creates the instance with the preset\'s prompt on the current branch, and the next default name is free', async () => {
    const { root } = await bridgedCore({ 'README.md': '# web\n' });
    const { useWorktrees } = await import('./store');
    const { useWorkspace } = await import('../workspace/store');
    await useWorkspace.getState().load();
    const store = useWorktrees.getState();
    await store.loadOptions();
    const options = useWorktrees.getState().options!;

    const result = await store.createInstance(createArgs(EMPTY_FORM, options));
    expect(result).toMatchObject({ instance: 'Frontend', branch: 'lanes/frontend', base: 'main' });
    const saved = parse(readFileSync(path.join(root!, 'lanes.yml'), 'utf8')) as { instances: { name: string; role: string; prompt: string }[] };
    expect(saved.instances[0]).toMatchObject({ name: 'Frontend', role: 'frontend', prompt: options.roles.find((role) => role.id === 'frontend')!.prompt });

    await store.loadOptions();
    expect(shownName(EMPTY_FORM, useWorktrees.getState().options!)).toBe('Frontend-2');
  });

  it('"New instance…" in the palette needs a workspace, and opens the dialog on Instances when no screen shows its button', async () => {
    await bridgedCore();
    const { useWorktrees } = await import('./store');
    const { useCommandRegistry } = await import('../shell/commands');
    const { useWorkspace } = await import('../workspace/store');
    const command = () => useCommandRegistry.getState().sources.get('worktrees')?.find((entry) => entry.id === 'instances.new');
    expect(command()?.enabled).toBe(false);

    expect(await useWorkspace.getState().open(makeGitRepo())).toBe(true);
    expect(command()?.enabled).toBe(true);
    window.location.hash = '#/memory';
    await command()!.run();
    expect(window.location.hash).toBe('#/instances');
    expect(useWorktrees.getState().dialogOpen).toBe(true);

    useWorktrees.getState().closeDialog();
    useWorktrees.getState().countButton(1);
    window.location.hash = '#/workspace';
    await command()!.run();
    expect(window.location.hash).toBe('#/workspace');
    expect(useWorktrees.getState().dialogOpen).toBe(true);
  });
});
