import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isMap, isSeq, type Document } from 'yaml';
import type { CreateInstanceArgs, CreateInstanceResult, SetupResult } from '../contract/worktrees';
import { LanesError, errnoCode, isLanesError } from '../shared/errors';
import type { LoadedConfig } from '../workspace/config';
import type { ConfigService } from '../workspace/config-service';
import { coordinationProblems } from '../workspace/coordination-check';
import { git, runGit } from '../shared/git';
import { checkoutHead, shortCommit } from './git-state';
import { copyIncludedFiles } from './include';
import { defaultBranchName, defaultWorktreePath, worktreeConfigValue } from './location';
import { branchExists, checkBranchName, checkInstanceName, resolveCommit } from './naming';
import { AGENT_PRESETS, CUSTOM_ROLE, plainShellCommand, rolePreset } from './presets';

export type ProgressStep = 'check' | 'worktree' | 'include' | 'config' | 'setup' | 'done' | 'failed';

export interface CreateHooks {
  progress(step: ProgressStep, message: string, percent?: number | null): void;
  setupOutput(data: string): void;
  runSetup(command: string, cwd: string, onOutput: (data: string) => void): Promise<SetupResult>;
  /** Resolves when the user trusts the repository's setup command; otherwise throws why not. */
  requireTrusted(command: string): Promise<void>;
}

interface Plan {
  readonly name: string;
  readonly role: string;
  readonly prompt: string;
  readonly agent: string;
  /** Only for a typed command the user marked; the known agents take prose without it. */
  readonly takesInstructions: boolean;
  readonly zones: string[];
}

/**
 * Creates an instance: checks everything first, makes its branch and worktree (with progress),
 * copies the files `.worktreeinclude` lists, adds it to lanes.yml as the file is by then
 * (comments kept), then runs the workspace's setup command. When a step before lanes.yml is
 * saved fails, the worktree and branch made so far are removed again, so a failed creation
 * leaves nothing behind.
 */
export async function createInstance(root: string, lanesYml: ConfigService, args: CreateInstanceArgs, hooks: CreateHooks): Promise<CreateInstanceResult> {
  hooks.progress('check', 'Checking the name, branch and folder…');
  const loaded = await lanesYml.read();
  const plan = planInstance(args, loaded);
  const problems = coordinationProblems(root, { paths: loaded.config.paths, instances: [{ name: plan.name, zones: plan.zones }] });
  if (problems.length > 0) throw new LanesError('invalid-argument', `Lanes did not create "${plan.name}". ${problems.map((problem) => problem.message).join(' ')}`);
  // The name is checked again against lanes.yml as it is when the instance is added.
  const addInstance = (entry: Record<string, unknown>) =>
    lanesYml.edit((document, current) => {
      checkInstanceName(plan.name, current.config.instances);
      appendInstance(document, entry);
    });

  if (args.worktree.mode === 'none') {
    hooks.progress('config', 'Saving the instance in lanes.yml…');
    await addInstance(instanceEntry(plan, {}));
    hooks.progress('done', `"${plan.name}" runs in the main checkout.`);
    return { instance: plan.name, branch: null, base: null, worktree: null, copied: [], setup: null, setupNotRun: null };
  }

  const { base, baseLabel } = await chooseBase(root, args.base);
  const requestedBranch = args.branch?.trim() || defaultBranchName(plan.name);
  // Independent questions to git, asked at once: each is a process start.
  const [baseCommit, branch, branchExisted] = await Promise.all([
    resolveCommit(root, base),
    checkBranchName(root, requestedBranch),
    branchExists(root, requestedBranch),
  ]);
  const folder = args.worktree.mode === 'path' ? resolveFolder(root, args.worktree.path) : defaultWorktreePath(root, loaded.config, plan.name);
  if (path.resolve(folder) === path.resolve(root)) {
    throw new LanesError('invalid-argument', 'The worktree cannot be the repository itself. Choose another folder, or "no worktree" to run in the main checkout.');
  }

  hooks.progress('worktree', `Creating branch "${branch}" from ${baseLabel} and its worktree in ${folder}…`, 0);
  await fs.mkdir(path.dirname(folder), { recursive: true });
  // Without a checkout first, then a checkout that reports progress: `worktree add` itself
  // shows progress only on a terminal.
  try {
    await git(root, ['worktree', 'add', '--no-checkout', '-b', branch, folder, baseCommit]);
  } catch (error) {
    // git makes the branch before it looks at the folder, and keeps it when the folder is refused.
    if (!branchExisted && (await branchExists(root, branch))) await runGit(root, ['branch', '-D', branch]);
    throw error;
  }
  const undo = () => removeCreated(root, folder, branch);
  let copied: string[];
  try {
    await git(folder, ['checkout', '--progress', '--force'], {
      onProgress: (progress) => hooks.progress('worktree', `${progress.title}: ${progress.percent}%`, progress.percent),
    });
    hooks.progress('worktree', 'The files are checked out.', 100);
    hooks.progress('include', 'Copying the files .worktreeinclude lists…');
    copied = await copyIncludedFiles(root, folder);
    hooks.progress('config', 'Saving the instance in lanes.yml…');
    await addInstance(instanceEntry(plan, { branch, base, worktree: worktreeConfigValue(root, folder) }));
  } catch (error) {
    await undo();
    throw error;
  }

  let setup: SetupResult | null = null;
  let setupNotRun: string | null = null;
  const command = loaded.config.setup?.trim() ?? '';
  // lanes.yml comes with the repository: its setup command runs only once the user trusts it.
  // Refused, the worktree stays made and the user can run the command by hand.
  if (command !== '' && args.runSetup !== false) {
    setupNotRun = await hooks.requireTrusted(command).then(
      () => null,
      (error: unknown) => (isLanesError(error) ? error.message : `Lanes could not check whether the setup command is trusted (${String(error)}).`),
    );
    if (setupNotRun !== null) hooks.progress('setup', `Setup not run: ${setupNotRun}`);
  }
  if (command !== '' && args.runSetup !== false && setupNotRun === null) {
    hooks.progress('setup', `Running the setup command: ${command}`);
    setup = await hooks.runSetup(command, folder, hooks.setupOutput);
    const ended = setup.exitCode === 0 ? 'finished' : setup.exitCode === null ? `was stopped (${setup.signal ?? 'could not start'})` : `exited with code ${setup.exitCode}`;
    hooks.progress('setup', `The setup command ${ended}.`);
  }
  hooks.progress('done', `"${plan.name}" is ready in ${folder} on branch "${branch}".`);
  return { instance: plan.name, branch, base, worktree: folder, copied, setup, setupNotRun };
}

/**
 * The base a new instance starts from: the ref typed, else the main checkout's branch, else (HEAD
 * detached, as in a CI clone or mid-bisect) its current commit, recorded as the full hash so the
 * instance's ahead/behind stays meaningful. `baseLabel` says which, for the progress line.
 */
async function chooseBase(root: string, typed: string | undefined): Promise<{ base: string; baseLabel: string }> {
  const trimmed = typed?.trim() ?? '';
  if (trimmed !== '') return { base: trimmed, baseLabel: `"${trimmed}"` };
  const head = await checkoutHead(root);
  if (head.branch) return { base: head.branch, baseLabel: `"${head.branch}"` };
  if (!head.commit) throw new LanesError('invalid-argument', 'The repository has no commit yet, so a new worktree has nothing to start from. Make a first commit, then create the instance.');
  return { base: head.commit, baseLabel: `the current commit ${shortCommit(head.commit)} (detached HEAD)` };
}

function planInstance(args: CreateInstanceArgs, loaded: LoadedConfig): Plan {
  const name = checkInstanceName(args.name, loaded.config.instances);
  const preset = rolePreset(args.role);
  if (!preset && args.role !== CUSTOM_ROLE) {
    throw new LanesError('invalid-argument', `"${args.role}" is not a role Lanes knows. Pick a preset or "custom" and write the prompt.`);
  }
  const prompt = (args.prompt ?? preset?.prompt ?? '').trim();
  if (prompt === '') throw new LanesError('invalid-argument', 'Write the role prompt: what this instance is responsible for.');
  return {
    name,
    role: args.role,
    prompt,
    agent: agentCommand(args.agent),
    takesInstructions: 'command' in args.agent && args.takesInstructions === true,
    zones: (args.zones ?? []).map((zone) => zone.trim()).filter((zone) => zone !== ''),
  };
}

/** The agent command line an instance gets from the agent the user picked or typed in New instance. */
export function agentCommand(agent: CreateInstanceArgs['agent']): string {
  if ('command' in agent) return agent.command.trim();
  if (agent.preset === 'shell') return plainShellCommand(process.platform, process.env);
  const preset = AGENT_PRESETS.find((candidate) => candidate.id === agent.preset);
  if (!preset?.command) throw new LanesError('invalid-argument', `"${agent.preset}" is not an agent preset. Pick one from the list or type a command.`);
  return preset.command;
}

function resolveFolder(root: string, requested: string): string {
  const trimmed = requested.trim();
  if (trimmed.includes('\0')) throw new LanesError('invalid-argument', 'The folder name contains a NUL byte.');
  const expanded = trimmed === '~' || trimmed.startsWith('~/') ? path.join(os.homedir(), trimmed.slice(1)) : trimmed;
  return path.resolve(root, expanded);
}

function instanceEntry(plan: Plan, gitPlacement: { branch?: string; base?: string; worktree?: string }): Record<string, unknown> {
  return {
    name: plan.name,
    role: plan.role,
    prompt: plan.prompt,
    agent: plan.agent,
    ...(plan.takesInstructions ? { takesInstructions: true } : {}),
    ...(gitPlacement.branch ? { branch: gitPlacement.branch } : {}),
    ...(gitPlacement.base ? { base: gitPlacement.base } : {}),
    ...(gitPlacement.worktree ? { worktree: gitPlacement.worktree } : {}),
    zones: plan.zones,
  };
}

function appendInstance(document: Document, entry: Record<string, unknown>): void {
  const contents = document.contents;
  if (!isMap(contents)) {
    document.contents = document.createNode({ version: 1, instances: [entry] }) as typeof document.contents;
    return;
  }
  const instances = contents.get('instances', true);
  if (isSeq(instances)) instances.add(document.createNode(entry));
  else contents.set('instances', document.createNode([entry]));
}

/** Takes back a half-made instance: its worktree folder and registration, and the new branch. */
async function removeCreated(root: string, folder: string, branch: string): Promise<void> {
  await runGit(root, ['worktree', 'remove', '--force', '--force', folder]);
  try {
    await fs.rm(folder, { recursive: true, force: true });
  } catch (error) {
    if (errnoCode(error) !== 'ENOENT') throw error;
  }
  await runGit(root, ['worktree', 'prune']);
  await runGit(root, ['branch', '-D', branch]);
}
