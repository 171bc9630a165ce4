import type { CreateInstanceArgs, InstanceOptions } from '../../../main/contract/worktrees';

/** The role of a prompt the user writes from scratch (main saves it as "custom"). */
export const CUSTOM_ROLE = 'custom';

/** What the New instance dialog holds; `null` marks a field the user has not touched, which follows its default. */
export interface NewInstanceForm {
  readonly name: string | null;
  readonly role: string;
  /** The role prompt as edited; null keeps the role preset's own prompt. */
  readonly prompt: string | null;
  readonly agent: string;
  readonly command: string;
  readonly takesInstructions: boolean;
  readonly base: string | null;
  readonly branch: string;
  readonly mode: 'default' | 'path' | 'none';
  readonly folder: string;
  readonly runSetup: boolean;
}

export const EMPTY_FORM: NewInstanceForm = {
  name: null,
  role: 'frontend',
  prompt: null,
  agent: 'claude',
  command: '',
  takesInstructions: false,
  base: null,
  branch: '',
  mode: 'default',
  folder: '',
  runSetup: true,
};

/** What the untouched fields stand for: known once main has said which instances and branch there are. */
export type FormDefaults = Pick<InstanceOptions, 'roles' | 'instances' | 'currentBranch'>;

/** Before main has answered: no roles known, no instances, no branch. */
export const NO_DEFAULTS: FormDefaults = { roles: [], instances: [], currentBranch: null };

function rolePreset(defaults: FormDefaults, role: string): FormDefaults['roles'][number] | undefined {
  return role === CUSTOM_ROLE ? undefined : defaults.roles.find((preset) => preset.id === role);
}

/**
 * `wanted`, or `wanted-2`, `wanted-3`… : the first that no instance has yet, compared as lanes.yml
 * compares names (case-insensitively).
 */
export function nextFreeName(wanted: string, taken: readonly string[]): string {
  const used = new Set(taken.map((name) => name.toLowerCase()));
  if (!used.has(wanted.toLowerCase())) return wanted;
  let number = 2;
  while (used.has(`${wanted}-${number}`.toLowerCase())) number += 1;
  return `${wanted}-${number}`;
}

/** The name shown: as typed, else one after the role ("Frontend", "Frontend-2"), else "Agent". */
export function shownName(form: NewInstanceForm, defaults: FormDefaults): string {
  if (form.name !== null) return form.name;
  return nextFreeName(rolePreset(defaults, form.role)?.label ?? 'Agent', defaults.instances);
}

/** The base shown: as typed, else the main checkout's branch (empty when detached: main then takes its commit). */
export function shownBase(form: NewInstanceForm, defaults: FormDefaults): string {
  return form.base ?? defaults.currentBranch ?? '';
}

/** The role prompt shown: as edited, else the preset's. */
export function shownPrompt(form: NewInstanceForm, defaults: FormDefaults): string {
  return form.prompt ?? rolePreset(defaults, form.role)?.prompt ?? '';
}

/**
 * The `worktrees.createInstance` arguments for the form. A preset role sends no prompt unless it
 * was edited into something else (main then saves the preset's prompt); an emptied prompt falls
 * back to the preset's too. A custom role always sends what was written.
 */
export function createArgs(form: NewInstanceForm, defaults: FormDefaults): Omit<CreateInstanceArgs, 'operation'> {
  const prompt = form.prompt?.trim() ?? '';
  const sendsPrompt = form.role === CUSTOM_ROLE || (prompt !== '' && prompt !== rolePreset(defaults, form.role)?.prompt.trim());
  const base = shownBase(form, defaults).trim();
  const branch = form.branch.trim();
  const custom = form.agent === 'custom';
  return {
    name: shownName(form, defaults),
    role: form.role,
    ...(sendsPrompt ? { prompt: form.prompt ?? '' } : {}),
    agent: custom ? { command: form.command } : { preset: form.agent },
    ...(custom && form.takesInstructions ? { takesInstructions: true } : {}),
    worktree: form.mode === 'path' ? { mode: 'path', path: form.folder } : { mode: form.mode },
    runSetup: form.runSetup,
    ...(form.mode !== 'none' && base !== '' ? { base } : {}),
    ...(form.mode !== 'none' && branch !== '' ? { branch } : {}),
  };
}
