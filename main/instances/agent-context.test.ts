import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { git, makeGitRepo } from '../../test/support/repo';
import { DEFAULT_PATHS, instanceConfigSchema, workspaceConfigSchema } from '../workspace/config';
import { coordinationPaths } from '../workspace/home';
import { contextText, prepareAgent } from './agent-context';

describe('Claude Code’s own memory in the home', () => {
  it('points a Claude instance’s autoMemoryDirectory at the home’s memory folder, git-ignored, and names it in the context', async () => {
    const home = makeGitRepo({ 'memory/MEMORY.md': '# Memory\n' });
    const paths = coordinationPaths(home, DEFAULT_PATHS);
    const claude = instanceConfigSchema.parse({ name: 'API', agent: 'claude --model opus' });
    const shell = instanceConfigSchema.parse({ name: 'Shell', agent: 'bash' });
    const config = workspaceConfigSchema.parse({ instances: [claude, shell] });
    const context = contextText({ instance: claude, config, paths, workspaceName: 'web' });
    expect(context).toContain(`Lanes sets \`autoMemoryDirectory\` to \`${paths.memory}\``);
    expect(contextText({ instance: shell, config, paths, workspaceName: 'web' })).not.toContain('autoMemoryDirectory');

    await prepareAgent({ cwd: home, kind: 'claude', args: [], instanceName: 'API', context, notifyCommand: () => 'lanes notify', memoryFolder: paths.memory });
    const settings = JSON.parse(readFileSync(path.join(home, '.claude/settings.local.json'), 'utf8'));
    expect(settings.autoMemoryDirectory).toBe(paths.memory);
    expect(Object.keys(settings.hooks)).toEqual(['Notification', 'Stop', 'UserPromptSubmit']);
    expect(git(home, 'status', '--porcelain')).toBe('');
  });
});
