/**
 * The choices the "New instance" form offers. Only what the user picks is saved in lanes.yml
 * (the role's name, its prompt, the agent's command line); the instances room reads the agent
 * command from lanes.yml alone, so editing a preset here never changes an existing instance.
 * Pure data: the renderer imports this file too.
 */

export interface RolePreset {
  readonly id: string;
  readonly label: string;
  /** A short role prompt the user can edit before it is saved. */
  readonly prompt: string;
}

export const ROLE_PRESETS: readonly RolePreset[] = [
  {
    id: 'frontend',
    label: 'Frontend',
    prompt:
      'You are the frontend instance. You own the user interface: screens, components, styles and their tests. Keep the UI consistent and accessible, and ask the backend instance through a request file when you need an API change.',
  },
  {
    id: 'backend',
    label: 'Backend',
    prompt:
      'You are the backend instance. You own the server side: APIs, data models, migrations and their tests. Keep contracts stable, document every API change for the other instances, and never edit UI code.',
  },
  {
    id: 'devops',
    label: 'DevOps',
    prompt:
      'You are the devops instance. You own builds, CI, packaging, deployment and infrastructure scripts. Keep the pipeline green and fast, and tell the other instances through request files when a change affects how they build or test.',
  },
  {
    id: 'qa',
    label: 'QA',
    prompt:
      'You are the QA instance. You own the test suites and test tooling. Write tests that fail for real bugs, report defects to their owners through request files, and do not fix product code yourself.',
  },
  {
    id: 'integration',
    label: 'Integration hub',
    prompt:
      'You are the integration hub. You merge the other instances\' branches, resolve conflicts, keep the shared-state file current and route requests between instances. Change product code only to make the pieces fit together.',
  },
];

/** The role name saved for a prompt the user wrote from scratch. */
export const CUSTOM_ROLE = 'custom';

export interface AgentPreset {
  readonly id: string;
  readonly label: string;
  /** The command line saved in lanes.yml; null for the shell (machine-dependent) and for a command the user types. */
  readonly command: string | null;
}

export const AGENT_PRESETS: readonly AgentPreset[] = [
  { id: 'claude', label: 'Claude Code', command: 'claude' },
  { id: 'codex', label: 'Codex CLI', command: 'codex' },
  { id: 'gemini', label: 'Gemini CLI', command: 'gemini' },
  { id: 'aider', label: 'Aider', command: 'aider' },
  /** Resolved on the machine that creates the instance (see `plainShellCommand`). */
  { id: 'shell', label: 'Plain shell', command: null },
  { id: 'custom', label: 'Other command…', command: null },
];

/**
 * The command a "plain shell" instance runs on this machine: the user's login shell, else the
 * platform's usual one.
 */
export function plainShellCommand(platform: string, env: Record<string, string | undefined>): string {
  if (platform === 'win32') return 'powershell.exe';
  return env.SHELL && env.SHELL.trim() !== '' ? env.SHELL : '/bin/sh';
}

export function rolePreset(id: string): RolePreset | undefined {
  return ROLE_PRESETS.find((preset) => preset.id === id);
}
