import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Room, RoomFactory } from '../core/room';
import { LanesError, isLanesError } from '../shared/errors';
import { agentCommand, createInstance } from './create-instance';
import { runGit } from '../shared/git';
import { checkoutHead, shortCommit } from './git-state';
import { INCLUDE_FILE } from './include';
import { instanceDiff, instanceStatus, mergeInstance, pruneWorktrees, removeInstance, restoreWorktree, worktreeList } from './instance-git';
import { defaultBranchName, defaultWorktreePath, worktreesFolder } from './location';
import { AGENT_PRESETS, ROLE_PRESETS } from './presets';
import { SetupRunner } from './setup';

/**
 * The worktrees room: creating instances with their branch and worktree, and each instance's
 * git state. Setup commands it starts are stopped when the workspace closes.
 */
export const createWorktreesRoom: RoomFactory = (context): Room => {
  const setup = new SetupRunner();
  // Creations and removals each check lanes.yml, work in git for a while, then edit it; one at a
  // time, so two quick clicks for the same name or folder do not race in git.
  let operations: Promise<unknown> = Promise.resolve();
  const oneAtATime = <T>(task: () => Promise<T>): Promise<T> => {
    const run = operations.then(task, task);
    operations = run.catch(() => undefined);
    return run;
  };

  const changed = async (instance: string | null) => {
    context.emit('worktrees.changed', { instance });
    await context.refreshWorkspace();
  };

  return {
    handlers: {
      'worktrees.options': async () => {
        const { root } = context.requireWorkspace();
        const [loaded, refs, head, hasInclude] = await Promise.all([
          context.workspaceConfig().read(),
          runGit(root, ['for-each-ref', '--format=%(refname)%00%(refname:short)', '--sort=-committerdate', 'refs/heads/', 'refs/remotes/', 'refs/tags/']),
          checkoutHead(root),
          fs.access(path.join(root, INCLUDE_FILE)).then(
            () => true,
            () => false,
          ),
        ]);
        const setupCommand = typeof loaded.config.setup === 'string' && loaded.config.setup.trim() !== '' ? loaded.config.setup.trim() : null;
        return {
          roles: ROLE_PRESETS.map((preset) => ({ ...preset })),
          agents: AGENT_PRESETS.map((preset) => ({ ...preset })),
          ...refChoices(refs.stdout),
          currentBranch: head.branch,
          currentCommit: head.commit ? shortCommit(head.commit) : null,
          worktreesFolder: worktreesFolder(root, loaded.config),
          setup: setupCommand,
          hasWorktreeInclude: hasInclude,
          instances: loaded.config.instances.map((instance) => instance.name),
        };
      },
      'worktrees.suggest': async ({ name }) => {
        const { root } = context.requireWorkspace();
        const { config } = await context.workspaceConfig().read();
        return { branch: defaultBranchName(name), path: defaultWorktreePath(root, config, name) };
      },
      'worktrees.createInstance': async (args) => {
        const { root } = context.requireWorkspace();
        const operation = args.operation ?? null;
        const instance = args.name.trim();
        try {
          // The agent the user picked or typed here is theirs to run, not a command the repository brought.
          await context.services.trust?.trustChosen({ kind: 'agent', command: agentCommand(args.agent), instance });
          const result = await oneAtATime(() => createInstance(root, context.workspaceConfig(), args, {
            progress: (step, message, percent) => context.emit('worktrees.progress', { operation, instance, step, message, percent: percent ?? null }),
            setupOutput: (data) => context.emit('worktrees.setupOutput', { operation, instance, data }),
            runSetup: (command, cwd, onOutput) => setup.run(command, cwd, onOutput),
            requireTrusted: async (command) => {
              await context.services.trust?.requireTrusted({ kind: 'setup', command, instance });
            },
          }));
          await changed(result.instance);
          return result;
        } catch (error) {
          const message = isLanesError(error) ? error.message : 'Lanes could not create the instance.';
          context.emit('worktrees.progress', { operation, instance, step: 'failed', message, percent: null });
          throw error;
        }
      },
      'worktrees.status': async ({ instance, fresh }) => instanceStatus(context.requireWorkspace().root, await context.workspaceConfig().read(), instance, { fresh }),
      'worktrees.diff': async ({ instance }) => instanceDiff(context.requireWorkspace().root, await context.workspaceConfig().read(), instance),
      'worktrees.merge': async ({ instance, mode }) => {
        const result = await mergeInstance(context.requireWorkspace().root, await context.workspaceConfig().read(), instance, mode);
        if (result.outcome !== 'conflict' && result.outcome !== 'up-to-date') await changed(instance);
        return result;
      },
      'worktrees.remove': async ({ instance, confirm, deleteBranch, keepInstance }) => {
        const { root } = context.requireWorkspace();
        if (context.services.instances?.isRunning(instance)) {
          throw new LanesError('conflict', `"${instance}" is running. Stop it first, then remove ${keepInstance ? 'its worktree' : 'it'}.`, { running: true });
        }
        const result = await oneAtATime(() => removeInstance(root, context.workspaceConfig(), instance, { confirm, deleteBranch, keepInstance }));
        await changed(result.instance);
        return result;
      },
      'worktrees.restoreWorktree': async ({ instance }) => {
        const { root } = context.requireWorkspace();
        const result = await oneAtATime(async () => restoreWorktree(root, await context.workspaceConfig().read(), instance));
        await changed(result.instance);
        return result;
      },
      'worktrees.list': async ({ fresh }) => {
        const { root } = context.requireWorkspace();
        const config = await context.workspaceConfig().read().catch(() => null);
        return worktreeList(root, config?.config ?? null, { fresh });
      },
      'worktrees.prune': async () => {
        const pruned = await pruneWorktrees(context.requireWorkspace().root);
        if (pruned.length > 0) await changed(null);
        return { pruned };
      },
    },
    workspaceClosed: () => setup.stopAll(),
    dispose: () => setup.stopAll(),
  };
};

/** `for-each-ref` lines (`full\0short`) split into local branches and the other refs a base can be; `origin/HEAD` is left out. */
function refChoices(output: string): { branches: string[]; otherRefs: string[] } {
  const branches: string[] = [];
  const otherRefs: string[] = [];
  for (const line of output.split('\n')) {
    const [full, short] = line.split('\0');
    if (!full || !short || full.endsWith('/HEAD')) continue;
    (full.startsWith('refs/heads/') ? branches : otherRefs).push(short);
  }
  return { branches, otherRefs };
}
