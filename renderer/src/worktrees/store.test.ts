import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { makeGitRepo } from '../../../test/support/repo';
import { trustAllCommands } from '../../../test/support/trust';
import { bridgedCore, stateWhere } from '../test-support';

const SETUP = `node -e "console.log('installing in ' + require('path').basename(process.cwd()))"`;

const FILES = { 'README.md': '# web\n', 'lanes.yml': `setup: ${JSON.stringify(SETUP)}\n` };

const frontend = { name: 'Frontend', role: 'frontend', agent: { preset: 'claude' }, worktree: { mode: 'default' } } as const;

/** The worktrees store of a fresh page, over a repository whose setup command is trusted. */
async function worktreesPage() {
  const { core, root } = await bridgedCore(FILES);
  await trustAllCommands(core);
  const { useWorktrees } = await import('./store');
  const { useWorkspace } = await import('../workspace/store');
  await useWorkspace.getState().load();
  return { core, root: root!, useWorktrees, useWorkspace };
}

describe('the worktrees store', () => {
  it('follows a creation through its steps and the setup output, then holds the result', async () => {
    const { useWorktrees } = await worktreesPage();
    const steps: string[] = [];
    useWorktrees.subscribe((state) => {
      const step = state.creation?.step;
      if (step && steps.at(-1) !== step) steps.push(step);
    });

    const creating = useWorktrees.getState().createInstance(frontend);
    expect(useWorktrees.getState().creation).toMatchObject({ busy: true, step: null, error: null, result: null });
    const result = await creating;

    const creation = useWorktrees.getState().creation!;
    expect(creation.busy).toBe(false);
    expect(creation.error).toBeNull();
    expect(creation.result).toEqual(result);
    expect(result?.instance).toBe('Frontend');
    expect(creation.setupOutput).toContain('installing in repo-frontend');
    expect(steps).toContain('worktree');
    expect(steps).toContain('setup');
    expect(steps.at(-1)).toBe('done');
  });

  it('a refused creation ends as failed with main\'s reason, and the dialog opened again starts clean', async () => {
    const { useWorktrees } = await worktreesPage();
    await useWorktrees.getState().createInstance(frontend);

    const again = await useWorktrees.getState().createInstance(frontend);
    expect(again).toBeNull();
    const failed = useWorktrees.getState().creation!;
    expect(failed).toMatchObject({ busy: false, step: 'failed', result: null });
    expect(failed.error).toContain('Frontend');

    useWorktrees.getState().openDialog();
    expect(useWorktrees.getState().creation).toBeNull();
  });

  it('removing a worktree with uncommitted work asks for the typed name, then removes it and its panel', async () => {
    const { useWorktrees } = await worktreesPage();
    const created = await useWorktrees.getState().createInstance(frontend);
    const folder = created!.worktree!;
    writeFileSync(path.join(folder, 'draft.txt'), 'unsaved thoughts\n');
    await useWorktrees.getState().loadStatus('Frontend');
    expect(useWorktrees.getState().panels.Frontend?.status?.changes.map((change) => change.path)).toEqual(['draft.txt']);

    const refused = await useWorktrees.getState().remove('Frontend', { confirm: undefined, deleteBranch: false, keepInstance: false });
    expect(refused).toBe(false);
    const panel = useWorktrees.getState().panels.Frontend!;
    expect(panel.needsConfirmation).toBe(true);
    expect(panel.busy).toBeNull();
    expect(panel.error).toContain('type the instance\'s name "Frontend"');
    expect(existsSync(folder)).toBe(true);

    const removed = await useWorktrees.getState().remove('Frontend', { confirm: 'Frontend', deleteBranch: false, keepInstance: false });
    expect(removed).toBe(true);
    expect(useWorktrees.getState().panels.Frontend).toBeUndefined();
    expect(existsSync(folder)).toBe(false);
  });

  it('lanes.yml changed on disk: the creation form\'s choices are read again', async () => {
    const { useWorktrees, root } = await worktreesPage();
    await useWorktrees.getState().loadOptions();
    expect(useWorktrees.getState().options?.setup).toBe(SETUP);

    writeFileSync(path.join(root, 'lanes.yml'), 'setup: npm ci\n');
    const reread = await stateWhere(useWorktrees, (state) => state.options?.setup !== SETUP, 'the new setup command in the form');
    expect(reread.options?.setup).toBe('npm ci');
  });

  it('lanes.yml changed while the form\'s first read was on its way: the form is read again, not left with the old answer', async () => {
    const { core, useWorktrees, root } = await worktreesPage();
    // The first read of the choices answers from the old file, and only after the change was announced.
    const call = core.call.bind(core);
    let changed!: () => void;
    const announced = new Promise<void>((resolve) => (changed = resolve));
    const subscription = core.onEvent((name) => name === 'config.changed' && setTimeout(changed, 50));
    let first = true;
    vi.spyOn(core, 'call').mockImplementation(async (name, args) => {
      const answer = await call(name, args);
      if (name === 'worktrees.options' && first) {
        first = false;
        writeFileSync(path.join(root, 'lanes.yml'), 'setup: npm ci\n');
        await announced;
      }
      return answer;
    });

    await useWorktrees.getState().loadOptions();
    const reread = await stateWhere(useWorktrees, (state) => state.options?.setup === 'npm ci', 'the new setup command in the form');
    expect(reread.options?.setup).toBe('npm ci');
    subscription.dispose();
  });

  it('another repository opened: the panels and lists of the old one are dropped', async () => {
    const { useWorktrees, useWorkspace } = await worktreesPage();
    await useWorktrees.getState().createInstance(frontend);
    await useWorktrees.getState().loadStatus('Frontend');
    await useWorktrees.getState().loadList();
    expect(useWorktrees.getState().list?.map((entry) => entry.instance)).toEqual([null, 'Frontend']);

    expect(await useWorkspace.getState().open(makeGitRepo())).toBe(true);

    const state = useWorktrees.getState();
    expect(state.panels).toEqual({});
    expect(state.list).toBeNull();
    expect(state.options).toBeNull();
  });
});
