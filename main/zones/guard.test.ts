import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { git, makeGitRepo, makeTempDir } from '../../test/support/repo';
import { decideGuard } from './guard';
import { installGuard } from './install';
import { FIELD_REPORT_CONFIG, bundleZoneScripts, removeZoneScripts, runScript } from './test-support';

let scripts: string;
beforeAll(async () => {
  scripts = await bundleZoneScripts();
});
afterAll(removeZoneScripts);

function hookInput(tool: string, filePath: string, cwd: string, extra: Record<string, unknown> = {}): string {
  const toolInput =
    tool === 'NotebookEdit'
      ? { notebook_path: filePath, new_source: 'x' }
      : tool === 'MultiEdit'
        ? { file_path: filePath, edits: [{ old_string: 'a', new_string: 'b' }] }
        : tool === 'Write'
          ? { file_path: filePath, content: 'x' }
          : { file_path: filePath, old_string: 'a', new_string: 'b' };
  return JSON.stringify({ session_id: 's1', transcript_path: '/tmp/t.jsonl', cwd, hook_event_name: 'PreToolUse', tool_name: tool, tool_input: toolInput, ...extra });
}

describe('lanes guard', () => {
  function workspace(): string {
    return makeGitRepo({ 'lanes.yml': FIELD_REPORT_CONFIG, 'lib/main.dart': 'void main() {}\n', 'docs/a.md': '# a\n' });
  }

  it.each(['Edit', 'Write', 'MultiEdit', 'NotebookEdit'])('lets %s write inside the zone and blocks it outside, as a real process', (tool) => {
    const root = workspace();
    const args = ['--workspace', root, '--instance', 'VSCode'];
    const inside = runScript(path.join(scripts, 'guard.cjs'), args, { input: hookInput(tool, path.join(root, 'lib', 'main.dart'), root) });
    expect(inside.stderr).toBe('');
    expect(inside.status).toBe(0);
    const outside = runScript(path.join(scripts, 'guard.cjs'), args, { input: hookInput(tool, path.join(root, 'docs', 'a.md'), root) });
    expect(outside.status).toBe(2);
    expect(outside.stderr).toContain('`docs/a.md` belongs to instance Windows, not to you (VSCode)');
    expect(outside.stderr).toContain('docs/cross-instance-prs/');
    expect(outside.stderr).toContain('(VSCode → Windows)');
  });

  it('lets every instance write the common coordination files', async () => {
    const root = workspace();
    for (const file of ['docs/cross-instance-prs/20260413_x.md', 'memory/MEMORY.md', 'COMPRESSED_PROMPT_V3.md']) {
      expect(await decideGuard(hookInput('Write', path.join(root, file), root), { workspace: root, instances: ['PowerShell'] })).toEqual({ allow: true });
    }
  });

  it('blocks an unowned path and says nobody owns it', async () => {
    const root = workspace();
    const decision = await decideGuard(hookInput('Write', path.join(root, 'README.md'), root), { workspace: root, instances: ['VSCode'] });
    expect(decision).toMatchObject({ allow: false });
    expect(decision.allow === false && decision.reason).toContain('`README.md` belongs to no instance');
  });

  it('resolves relative paths against the hook cwd, and refuses `..` and paths outside the worktree', async () => {
    const root = workspace();
    const options = { workspace: root, instances: ['VSCode'] };
    expect(await decideGuard(hookInput('Edit', 'main.dart', path.join(root, 'lib')), options)).toEqual({ allow: true });
    const sneaky = await decideGuard(hookInput('Edit', path.join(root, 'lib', '..', 'docs', 'a.md'), root), options);
    expect(sneaky.allow === false && sneaky.reason).toContain('`docs/a.md` belongs to instance Windows');
    const escape = await decideGuard(hookInput('Write', path.join(root, '..', 'elsewhere.txt'), root), options);
    expect(escape.allow === false && escape.reason).toContain('is outside your worktree');
    const absolute = await decideGuard(hookInput('Write', '/etc/passwd', root), options);
    expect(absolute.allow === false && absolute.reason).toContain('is outside your worktree');
  });

  it('compares names by the file system\u2019s case rule: a differently-cased path is the same file where case is ignored', async () => {
    const root = workspace();
    const differentlyCased = hookInput('Write', path.join(root, 'Lib', 'Main.dart'), root);
    // This disk is case-sensitive, as the probe finds: `Lib/` is another folder, which nobody owns.
    const probed = await decideGuard(differentlyCased, { workspace: root, instances: ['VSCode'] });
    expect(probed.allow === false && probed.reason).toContain('`Lib/Main.dart` belongs to no instance');
    // As on macOS and Windows: the same file as `lib/main.dart`, in VSCode's zone, also through a differently-cased checkout path.
    const options = { workspace: root, instances: ['VSCode'], ignoreCase: true };
    expect(await decideGuard(differentlyCased, options)).toEqual({ allow: true });
    expect(await decideGuard(hookInput('Write', path.join(root.toUpperCase(), 'lib', 'main.dart'), root), options)).toEqual({ allow: true });
    expect(await decideGuard(hookInput('Write', path.join(root, 'MEMORY', 'x.md'), root), options)).toEqual({ allow: true });
    const other = await decideGuard(hookInput('Write', path.join(root, 'DOCS', 'a.md'), root), options);
    expect(other.allow === false && other.reason).toContain('`DOCS/a.md` belongs to instance Windows');
  });

  it('takes a file named `..foo` at the top of the worktree as inside it', async () => {
    const root = workspace();
    const decision = await decideGuard(hookInput('Write', path.join(root, '..foo'), root), { workspace: root, instances: ['VSCode'] });
    expect(decision.allow === false && decision.reason).toContain('`..foo` belongs to no instance');
  });

  it('follows a symlink inside the zone that leads out of it', async () => {
    const root = workspace();
    symlinkSync(path.join(root, 'docs'), path.join(root, 'lib', 'docs-link'));
    const decision = await decideGuard(hookInput('Write', path.join(root, 'lib', 'docs-link', 'a.md'), root), { workspace: root, instances: ['VSCode'] });
    expect(decision.allow === false && decision.reason).toContain('`docs/a.md` belongs to instance Windows');
  });

  it('follows a dangling symlink to where the write would land, through a chain of links', async () => {
    const root = workspace();
    const outside = makeTempDir('lanes-outside-');
    const options = { workspace: root, instances: ['VSCode'] };
    symlinkSync('../docs/new.md', path.join(root, 'lib', 'to-docs.md'));
    symlinkSync(path.join(outside, 'not-yet.txt'), path.join(root, 'lib', 'to-outside.txt'));
    symlinkSync('hop-2', path.join(root, 'lib', 'hop-1'));
    symlinkSync('../docs/hop-3', path.join(root, 'lib', 'hop-2'));
    symlinkSync(path.join(outside, 'final'), path.join(root, 'docs', 'hop-3'));
    symlinkSync('loop-b', path.join(root, 'lib', 'loop-a'));
    symlinkSync('loop-a', path.join(root, 'lib', 'loop-b'));

    const intoDocs = await decideGuard(hookInput('Write', path.join(root, 'lib', 'to-docs.md'), root), options);
    expect(intoDocs.allow === false && intoDocs.reason).toContain('`docs/new.md` belongs to instance Windows');
    for (const link of ['to-outside.txt', 'hop-1']) {
      const out = await decideGuard(hookInput('Write', path.join(root, 'lib', link), root), options);
      expect(out.allow === false && out.reason).toContain('is outside your worktree');
    }
    const loop = await decideGuard(hookInput('Write', path.join(root, 'lib', 'loop-a'), root), options);
    expect(loop.allow).toBe(false);
    expect(await decideGuard(hookInput('Write', path.join(root, 'lib', 'fresh.dart'), root), options)).toEqual({ allow: true });
  });

  it('checks against the instance worktree named in lanes.yml', async () => {
    const root = makeGitRepo({ 'lanes.yml': `${FIELD_REPORT_CONFIG.replace('    role: frontend\n', '    role: frontend\n    worktree: ../wt-vscode\n')}` });
    const worktree = path.join(path.dirname(root), 'wt-vscode');
    git(root, 'worktree', 'add', '-q', '-b', 'lanes/vscode', worktree);
    try {
      const options = { workspace: root, instances: ['VSCode'] };
      expect(await decideGuard(hookInput('Write', path.join(worktree, 'lib', 'new.dart'), worktree), options)).toEqual({ allow: true });
      const inMain = await decideGuard(hookInput('Write', path.join(root, 'lib', 'new.dart'), worktree), options);
      expect(inMain.allow === false && inMain.reason).toContain('is outside your worktree');
    } finally {
      git(root, 'worktree', 'remove', '--force', worktree);
    }
  });

  it('fails closed on malformed JSON, a missing lanes.yml, an unknown instance, a missing path or no arguments', () => {
    const root = workspace();
    const guard = path.join(scripts, 'guard.cjs');
    const args = ['--workspace', root, '--instance', 'VSCode'];
    const malformed = runScript(guard, args, { input: '{"tool_name": "Write", ' });
    expect(malformed.status).toBe(2);
    expect(malformed.stderr).toContain('not valid JSON');

    const bare = makeGitRepo();
    const noConfig = runScript(guard, ['--workspace', bare, '--instance', 'VSCode'], { input: hookInput('Write', path.join(bare, 'a.txt'), bare) });
    expect(noConfig.status).toBe(2);
    expect(noConfig.stderr).toContain('there is no lanes.yml');

    const unknown = runScript(guard, ['--workspace', root, '--instance', 'Ghost'], { input: hookInput('Write', path.join(root, 'lib', 'a.dart'), root) });
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('no instance named "Ghost"');

    const noPath = runScript(guard, args, { input: JSON.stringify({ tool_name: 'Write', tool_input: {}, cwd: root }) });
    expect(noPath.status).toBe(2);
    expect(noPath.stderr).toContain('names no file');

    const noArgs = runScript(guard, [], { input: hookInput('Write', path.join(root, 'lib', 'a.dart'), root) });
    expect(noArgs.status).toBe(2);
  });

  it('fails closed when lanes.yml is malformed', async () => {
    const root = makeGitRepo({ 'lanes.yml': 'instances: [\n  - name: x\n' });
    const decision = await decideGuard(hookInput('Write', path.join(root, 'a'), root), { workspace: root, instances: ['x'] });
    expect(decision.allow === false && decision.reason).toContain('lanes.yml is not valid YAML');
  });

  it('lets instances sharing a checkout write any of their zones, unless LANES_INSTANCE says which one it is', () => {
    const root = workspace();
    const guard = path.join(scripts, 'guard.cjs');
    const args = ['--workspace', root, '--instance', 'VSCode', '--instance', 'Windows'];
    const input = hookInput('Write', path.join(root, 'docs', 'a.md'), root);
    expect(runScript(guard, args, { input }).status).toBe(0);
    const pinned = spawnSync(process.execPath, [guard, ...args], { input, encoding: 'utf8', env: { ...process.env, LANES_INSTANCE: 'VSCode' } });
    expect(pinned.status).toBe(2);
    expect(pinned.stderr).toContain('not to you (VSCode)');
    const both = runScript(guard, args, { input: hookInput('Write', path.join(root, '.github', 'workflows', 'ci.yml'), root) });
    expect(both.status).toBe(2);
    expect(both.stderr).toContain('belongs to instance PowerShell, not to you (VSCode or Windows)');
  });

  it('lets other tools through untouched', async () => {
    const root = workspace();
    expect(await decideGuard(JSON.stringify({ tool_name: 'Read', tool_input: { file_path: '/etc/hosts' } }), { workspace: root, instances: ['VSCode'] })).toEqual({ allow: true });
  });

  it('sees a change to lanes.yml at once, despite its cache', async () => {
    const root = workspace();
    const options = { workspace: root, instances: ['VSCode'] };
    const input = hookInput('Write', path.join(root, 'docs', 'a.md'), root);
    expect((await decideGuard(input, options)).allow).toBe(false);
    expect(readFileSync(path.join(root, '.git', 'lanes', 'zones-cache.json'), 'utf8')).toContain('VSCode');
    writeFileSync(path.join(root, 'lanes.yml'), FIELD_REPORT_CONFIG.replace('zones: [lib/, supabase/functions/]', 'zones: [lib/, docs/]'));
    expect((await decideGuard(input, options)).allow).toBe(true);
  });

  it('is installed as the worktree PreToolUse hook and the installed command really runs', async () => {
    const root = workspace();
    mkdirSync(path.join(root, '.claude'), { recursive: true });
    writeFileSync(path.join(root, '.claude', 'settings.local.json'), JSON.stringify({ permissions: { allow: ['Bash(ls)'] } }));
    await installGuard(root, ['VSCode'], root, scripts);
    const settings = JSON.parse(readFileSync(path.join(root, '.claude', 'settings.local.json'), 'utf8'));
    expect(settings.permissions).toEqual({ allow: ['Bash(ls)'] });
    const [entry] = settings.hooks.PreToolUse;
    expect(entry.matcher).toBe('Edit|Write|MultiEdit|NotebookEdit');
    const command: string = entry.hooks[0].command;
    expect(command).toContain(path.join(scripts, 'guard.cjs'));
    const result = spawnSync('sh', ['-c', command], { input: hookInput('Write', path.join(root, 'docs', 'a.md'), root), encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('belongs to instance Windows');
    expect(git(root, 'status', '--porcelain')).toBe('');
  });
});

const TABLE = '## Instance Scope Table\n| Instance | Owned Files |\n|---|---|\n| VSCode | lib/ |\n| Windows | docs/ |\n\n';
const SHARED = `# Shared state\n## Current Snapshot\n- pages: 219\n\n${TABLE}## Notes\n- keep it short\n`;

describe('lanes guard: one home for the coordination files', () => {
  const made: string[] = [];
  afterEach(() => {
    for (const folder of made.splice(0)) rmSync(folder, { recursive: true, force: true });
  });

  /** The main checkout (the home) and VSCode's linked worktree beside it. */
  function homeAndWorktree() {
    const root = makeGitRepo({ 'lib/main.dart': 'void main() {}\n', 'docs/a.md': '# a\n', 'COMPRESSED_PROMPT_V3.md': SHARED, 'memory/MEMORY.md': '# Memory\n', 'docs/cross-instance-prs/.keep': '' });
    const worktree = `${root}-vscode`;
    made.push(worktree);
    writeFileSync(path.join(root, 'lanes.yml'), FIELD_REPORT_CONFIG.replace('    role: frontend\n', `    role: frontend\n    worktree: ../${path.basename(worktree)}\n`));
    git(root, 'add', 'lanes.yml');
    git(root, 'commit', '-q', '-m', 'lanes.yml');
    git(root, 'worktree', 'add', '-q', '-b', 'lanes/vscode', worktree);
    return { root, worktree };
  }

  it('lets an instance in a worktree write the home requests, memory and shared state, from either checkout', async () => {
    const { root, worktree } = homeAndWorktree();
    for (const workspace of [root, worktree]) {
      const options = { workspace, instances: ['VSCode'] };
      for (const file of ['docs/cross-instance-prs/20260413_x.md', 'docs/cross-instance-prs/done/20260412_y.md', 'memory/feedback_success_x.md', 'memory/deeper/note.md']) {
        expect(await decideGuard(hookInput('Write', path.join(root, file), worktree), options)).toEqual({ allow: true });
      }
      const snapshot = { file_path: path.join(root, 'COMPRESSED_PROMPT_V3.md'), old_string: '- pages: 219', new_string: '- pages: 250' };
      expect(await decideGuard(JSON.stringify({ cwd: worktree, tool_name: 'Edit', tool_input: snapshot }), options)).toEqual({ allow: true });
    }
  });

  it('keeps the Instance Scope Table of the shared state out of agents\u2019 hands', async () => {
    const { root, worktree } = homeAndWorktree();
    const options = { workspace: worktree, instances: ['VSCode'] };
    const file = path.join(root, 'COMPRESSED_PROMPT_V3.md');
    const decide = (tool: string, input: Record<string, unknown>) => decideGuard(JSON.stringify({ cwd: worktree, tool_name: tool, tool_input: { file_path: file, ...input } }), options);
    const refused = [
      await decide('Edit', { old_string: '| VSCode | lib/ |', new_string: '| VSCode | lib/, docs/ |' }),
      await decide('Edit', { old_string: '| Windows | docs/ |\n', new_string: '| Windows | docs/ |\n| Sneaky | / |\n' }),
      await decide('Edit', { old_string: '| Windows | docs/ |', new_string: '', replace_all: true }),
      await decide('MultiEdit', { edits: [{ old_string: '- pages: 219', new_string: '- pages: 250' }, { old_string: 'lib/ |', new_string: 'lib/, memory/ |' }] }),
      await decide('Write', { content: SHARED.replace('| VSCode | lib/ |', '| VSCode | * |') }),
      await decide('Write', { content: '# Shared state\nNo table any more.\n' }),
      await decide('Edit', { old_string: 'text that is not there\n| VSCode | lib/ |', new_string: 'x' }),
      await decide('Edit', { old_string: '| Instance | Owned Files |', new_string: '| Instance | Owned Files | Since |' }),
    ];
    for (const decision of refused) expect(decision.allow === false && decision.reason).toContain('Instance Scope Table');
    expect(await decide('Write', { content: SHARED.replace('- pages: 219', '- pages: 250') })).toEqual({ allow: true });
    expect(await decide('Edit', { old_string: '- keep it short', new_string: '- keep it shorter' })).toEqual({ allow: true });
  });

  it('leaves the heading above the table and notes below it to the agents: only the table itself is Lanes\u2019', async () => {
    const { root, worktree } = homeAndWorktree();
    const file = path.join(root, 'COMPRESSED_PROMPT_V3.md');
    const decide = (input: Record<string, unknown>) =>
      decideGuard(JSON.stringify({ cwd: worktree, tool_name: 'Edit', tool_input: { file_path: file, ...input } }), { workspace: worktree, instances: ['VSCode'] });
    expect(await decide({ old_string: '| Windows | docs/ |\n\n', new_string: '| Windows | docs/ |\n\nVSCode hands docs/ over on Friday.\n\n' })).toEqual({ allow: true });
    expect(await decide({ old_string: '| Windows | docs/ |\n', new_string: '| Windows | docs/ |\nNote right below the last row.\n' })).toEqual({ allow: true });
    expect(await decide({ old_string: '## Instance Scope Table', new_string: '## Instance Scope Table (kept by Lanes)' })).toEqual({ allow: true });
  });

  it('refuses a write to the worktree\u2019s own copy of a coordination file, naming the home path', async () => {
    const { root, worktree } = homeAndWorktree();
    const options = { workspace: worktree, instances: ['VSCode'] };
    for (const file of ['memory/feedback_success_x.md', 'docs/cross-instance-prs/20260413_y.md', 'COMPRESSED_PROMPT_V3.md', 'lanes.yml']) {
      for (const target of [path.join(worktree, file), file]) {
        const decision = await decideGuard(hookInput('Write', target, worktree), options);
        expect(decision.allow === false && decision.reason).toContain(`\`${path.join(root, file)}\``);
      }
    }
  });

  it('still blocks everything else in the home, and links that lead out of its shared folders', async () => {
    const { root, worktree } = homeAndWorktree();
    const options = { workspace: worktree, instances: ['VSCode'] };
    const main = await decideGuard(hookInput('Write', path.join(root, 'lib', 'main.dart'), worktree), options);
    expect(main.allow === false && main.reason).toContain('is outside your worktree');
    symlinkSync(path.join(makeTempDir('lanes-outside-'), 'later.md'), path.join(root, 'memory', 'leads-out.md'));
    const link = await decideGuard(hookInput('Write', path.join(root, 'memory', 'leads-out.md'), worktree), options);
    expect(link.allow).toBe(false);
  });

  it('reads lanes.yml from the home, not the worktree\u2019s stale copy, and names the home requests folder when it refuses', async () => {
    const { root, worktree } = homeAndWorktree();
    writeFileSync(path.join(root, 'lanes.yml'), readFileSync(path.join(root, 'lanes.yml'), 'utf8').replace('zones: [lib/, supabase/functions/]', 'zones: [lib/, assets/]'));
    const options = { workspace: worktree, instances: ['VSCode'] };
    expect(await decideGuard(hookInput('Write', path.join(worktree, 'assets', 'logo.svg'), worktree), options)).toEqual({ allow: true });
    const refused = await decideGuard(hookInput('Write', path.join(worktree, 'docs', 'a.md'), worktree), options);
    expect(refused.allow === false && refused.reason).toContain(`write a request file for Windows in ${path.join(root, 'docs', 'cross-instance-prs')}${path.sep}`);
  });
});
