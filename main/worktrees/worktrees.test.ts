import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { git, writeFiles } from '../../test/support/repo';
import { openDetachedClone, openWorkbench, type Workbench } from './test-support';

const LANES_YML = `# Lanes workspace for the web app
version: 1

paths:
  sharedState: COMPRESSED_PROMPT_V3.md # snapshot every instance reads
  requests: docs/cross-instance-prs
  memory: memory

instances:
  # The backend was set up by hand
  - name: Backend
    role: backend
    agent: codex
    zones: [api/]
`;

let bench: Workbench | null = null;
afterEach(async () => {
  await bench?.core.dispose();
  bench = null;
});

async function open(files: Record<string, string> = {}): Promise<Workbench> {
  bench = await openWorkbench({ 'README.md': '# web\n', 'lanes.yml': LANES_YML, ...files });
  return bench;
}

const frontend = { name: 'Frontend', role: 'frontend', agent: { preset: 'claude' }, worktree: { mode: 'default' } } as const;

describe('worktrees.createInstance', () => {
  it('creates the branch and worktree beside the repository and saves the instance in lanes.yml, comments kept', async () => {
    const { root, parent, call, events } = await open();
    const result = await call('worktrees.createInstance', { ...frontend, operation: 'op-1', zones: ['web/', ' '] });

    const folder = path.join(parent, 'web-frontend');
    expect(result).toMatchObject({ instance: 'Frontend', branch: 'lanes/frontend', base: 'main', worktree: folder, setup: null });
    expect(readFileSync(path.join(folder, 'README.md'), 'utf8')).toBe('# web\n');
    expect(git(folder, 'symbolic-ref', '--short', 'HEAD').trim()).toBe('lanes/frontend');
    expect(git(folder, 'status', '--porcelain')).toBe('');

    const yml = readFileSync(path.join(root, 'lanes.yml'), 'utf8');
    expect(yml).toContain('# Lanes workspace for the web app');
    expect(yml).toContain('sharedState: COMPRESSED_PROMPT_V3.md # snapshot every instance reads');
    expect(yml).toContain('  # The backend was set up by hand');
    expect(yml).toMatch(/- name: Frontend\n\s+role: frontend\n\s+prompt: "You are the frontend instance\..*"\n\s+agent: claude\n\s+branch: lanes\/frontend\n\s+base: main\n\s+worktree: \.\.\/web-frontend\n\s+zones:\n\s+- web\//);

    const snapshot = await call('workspace.current', {});
    expect(snapshot?.config.instances.map((instance) => instance.name)).toEqual(['Backend', 'Frontend']);
    expect(snapshot?.worktrees.map((worktree) => worktree.path)).toContain(folder);

    const steps = events.filter((event) => event.name === 'worktrees.progress').map((event) => event.payload as { step: string; operation: string });
    expect(steps.every((step) => step.operation === 'op-1')).toBe(true);
    expect(steps.map((step) => step.step)).toEqual(expect.arrayContaining(['check', 'worktree', 'include', 'config', 'done']));
    expect(events.some((event) => event.name === 'worktrees.changed')).toBe(true);
  });

  it('reports progress percentages while git checks out files', async () => {
    const files: Record<string, string> = {};
    for (let index = 0; index < 1500; index += 1) files[`src/file-${index}.txt`] = `${index}\n`;
    const { call, events } = await open(files);
    // git shows progress only after 2 seconds; this makes it speak at once, as on a slow repository.
    process.env.GIT_PROGRESS_DELAY = '0';
    try {
      await call('worktrees.createInstance', frontend);
    } finally {
      delete process.env.GIT_PROGRESS_DELAY;
    }
    const progress = events
      .filter((event) => event.name === 'worktrees.progress')
      .map((event) => event.payload as { percent: number | null; message: string })
      .filter((payload) => payload.percent !== null);
    const percents = progress.map((payload) => payload.percent!);
    expect(percents).toEqual([...percents].sort((a, b) => a - b));
    expect(percents[0]).toBe(0);
    expect(percents.at(-1)).toBe(100);
    expect(progress.some((payload) => /^Updating files: \d+%$/.test(payload.message))).toBe(true);
  });

  it('reports git\'s own words when the branch exists, and leaves nothing behind', async () => {
    const { root, parent, fail } = await open();
    git(root, 'branch', 'lanes/frontend');
    const before = readFileSync(path.join(root, 'lanes.yml'), 'utf8');
    const error = await fail('worktrees.createInstance', frontend);
    expect(error.code).toBe('git-failed');
    expect(error.message).toMatch(/a branch named 'lanes\/frontend' already exists/);
    expect(readFileSync(path.join(root, 'lanes.yml'), 'utf8')).toBe(before);
    expect(existsSync(path.join(parent, 'web-frontend'))).toBe(false);
    expect(git(root, 'worktree', 'list', '--porcelain')).not.toContain('web-frontend');
  });

  it('refuses a folder that already has files, touching neither the folder nor the branches', async () => {
    const { root, parent, fail } = await open();
    writeFiles(parent, { 'web-frontend/notes.txt': 'mine\n' });
    const error = await fail('worktrees.createInstance', frontend);
    expect(error.code).toBe('git-failed');
    expect(error.message).toMatch(/already exists/);
    expect(readFileSync(path.join(parent, 'web-frontend/notes.txt'), 'utf8')).toBe('mine\n');
    expect(git(root, 'branch', '--list', 'lanes/frontend')).toBe('');
  });

  it.each([
    [{ name: 'front/end' }, 'invalid-argument', /may not contain slashes/],
    [{ name: '   ' }, 'invalid-argument', /Give the instance a name/],
    [{ name: 'backend' }, 'already-exists', /already an instance called "Backend"/],
    [{ branch: 'bad..name' }, 'invalid-argument', /"bad\.\.name" is not a valid branch name/],
    [{ branch: '-x' }, 'invalid-argument', /not a valid branch name/],
    [{ base: 'nope' }, 'not-found', /The base "nope" is not a branch/],
    [{ base: '--output=/tmp/x' }, 'not-found', /is not a branch/],
    [{ role: 'astronaut' }, 'invalid-argument', /not a role Lanes knows/],
    [{ role: 'custom' }, 'invalid-argument', /Write the role prompt/],
    [{ agent: { preset: 'vim' } }, 'invalid-argument', /not an agent preset/],
    [{ zones: ['web/', 'docs/'] }, 'invalid-argument', /^Lanes did not create "Frontend"\. The requests folder `docs\/cross-instance-prs` \(`paths\.requests` in lanes\.yml\) is inside the zone `docs\/` of "Frontend"/],
  ])('refuses bad input %j with a clear error and writes nothing', async (override, code, message) => {
    const { root, parent, fail } = await open();
    const before = readFileSync(path.join(root, 'lanes.yml'), 'utf8');
    const error = await fail('worktrees.createInstance', { ...frontend, ...override } as never);
    expect(error.code).toBe(code);
    expect(error.message).toMatch(message);
    expect(readFileSync(path.join(root, 'lanes.yml'), 'utf8')).toBe(before);
    expect(existsSync(path.join(parent, 'web-frontend'))).toBe(false);
  });

  it('refuses to create an instance while a coordination path leads out of the repository through a symbolic link, writing nothing', async () => {
    const { root, parent, fail } = await open();
    const outside = path.join(parent, 'elsewhere');
    mkdirSync(outside);
    symlinkSync(outside, path.join(root, 'memory'));
    const before = readFileSync(path.join(root, 'lanes.yml'), 'utf8');
    const error = await fail('worktrees.createInstance', frontend);
    expect(error.code).toBe('invalid-argument');
    expect(error.message).toContain(`\`paths.memory\` (\`memory\`) goes through the symbolic link \`memory\` → \`${outside}\``);
    expect(readFileSync(path.join(root, 'lanes.yml'), 'utf8')).toBe(before);
    expect(existsSync(path.join(parent, 'web-frontend'))).toBe(false);
    expect(git(root, 'branch', '--list', 'lanes/frontend')).toBe('');
  });

  it('takes a custom prompt, any command line, a chosen branch, base and folder', async () => {
    const { root, parent, call } = await open();
    git(root, 'branch', 'develop');
    const result = await call('worktrees.createInstance', {
      name: 'Windows版',
      role: 'custom',
      prompt: 'You port the app to Windows.',
      agent: { command: 'aider --model sonnet' },
      base: 'develop',
      branch: 'port/windows',
      worktree: { mode: 'path', path: '../lanes/windows' },
    });
    expect(result.worktree).toBe(path.join(parent, 'lanes/windows'));
    expect(git(result.worktree!, 'symbolic-ref', '--short', 'HEAD').trim()).toBe('port/windows');
    const yml = readFileSync(path.join(root, 'lanes.yml'), 'utf8');
    expect(yml).toContain('name: Windows版');
    expect(yml).toContain('agent: aider --model sonnet');
    expect(yml).toContain('worktree: ../lanes/windows');
    expect(yml).toContain('base: develop');
  });

  it('marks a typed command that reads typed instructions in lanes.yml, and only a typed command', async () => {
    const { root, call } = await open();
    await call('worktrees.createInstance', { ...frontend, name: 'Custom', agent: { command: 'my-agent --chat' }, takesInstructions: true, worktree: { mode: 'none' } });
    await call('worktrees.createInstance', { ...frontend, name: 'Shell', agent: { command: 'bash' }, worktree: { mode: 'none' } });
    await call('worktrees.createInstance', { ...frontend, name: 'Claude', takesInstructions: true, worktree: { mode: 'none' } });
    const { config } = await bench!.core.session.requireConfig().read();
    const marks = Object.fromEntries(config.instances.map((instance) => [instance.name, instance.takesInstructions]));
    expect(marks).toEqual({ Backend: undefined, Custom: true, Shell: undefined, Claude: undefined });
    expect(readFileSync(path.join(root, 'lanes.yml'), 'utf8')).toMatch(/name: Custom\n[\s\S]*agent: my-agent --chat\n\s+takesInstructions: true\n/);
  });

  it('puts worktrees in paths.worktrees when lanes.yml sets it', async () => {
    const { root, parent, call } = await open({ 'lanes.yml': 'paths:\n  worktrees: ../trees\n' });
    const suggestion = await call('worktrees.suggest', { name: 'QA Lead' });
    expect(suggestion).toEqual({ branch: 'lanes/qa-lead', path: path.join(parent, 'trees', 'web-qa-lead') });
    const result = await call('worktrees.createInstance', { ...frontend, name: 'QA Lead', role: 'qa' });
    expect(result.worktree).toBe(path.join(parent, 'trees', 'web-qa-lead'));
    expect(readFileSync(path.join(root, 'lanes.yml'), 'utf8')).toMatch(/^paths:\n  worktrees: \.\.\/trees\ninstances:\n  - name: QA Lead/);
  });

  it('runs an instance in the main checkout without a worktree when asked', async () => {
    const { root, call } = await open();
    const result = await call('worktrees.createInstance', { ...frontend, worktree: { mode: 'none' } });
    expect(result).toMatchObject({ worktree: null, branch: null });
    expect(git(root, 'worktree', 'list', '--porcelain').match(/^worktree /gm)).toHaveLength(1);
    const status = await call('worktrees.status', { instance: 'Frontend' });
    expect(status).toMatchObject({ hasWorktree: false, path: root, branch: 'main', diskBytes: null });
    expect(readFileSync(path.join(root, 'lanes.yml'), 'utf8')).not.toMatch(/name: Frontend[\s\S]*worktree:/);
  });

  it('creates lanes.yml when the repository has none', async () => {
    bench = await openWorkbench();
    await bench.call('worktrees.createInstance', frontend);
    const yml = readFileSync(path.join(bench.root, 'lanes.yml'), 'utf8');
    expect(yml).toMatch(/^version: 1\ninstances:\n  - name: Frontend/);
  });

  it('refuses to touch a malformed lanes.yml, naming the line', async () => {
    const broken = 'instances:\n  - name: A\n    zones: [lib/\n';
    const { root, parent, fail } = await open({ 'lanes.yml': broken });
    const error = await fail('worktrees.createInstance', frontend);
    expect(error.code).toBe('malformed-file');
    expect(error.message).toMatch(/line \d+/);
    expect(readFileSync(path.join(root, 'lanes.yml'), 'utf8')).toBe(broken);
    expect(existsSync(path.join(parent, 'web-frontend'))).toBe(false);
  });
});

describe('a clone with a detached HEAD', () => {
  const qa = { name: 'QA', role: 'qa', agent: { preset: 'claude' }, worktree: { mode: 'default' } } as const;

  it('offers the current commit as the default base, and branches, remote branches and tags to type', async () => {
    bench = await openDetachedClone();
    const options = await bench.call('worktrees.options', {});
    const commit = git(bench.root, 'rev-parse', 'HEAD').trim();
    expect(options.currentBranch).toBeNull();
    expect(options.currentCommit).toBe(commit.slice(0, 7));
    expect(options.branches).toEqual(['main']);
    expect(options.otherRefs.sort()).toEqual(['origin/feature', 'origin/main', 'v1']);
  });

  it('creates an instance from the current commit when no base is typed, and says so', async () => {
    bench = await openDetachedClone();
    const { root, parent, call, events } = bench;
    const commit = git(root, 'rev-parse', 'HEAD').trim();
    const result = await call('worktrees.createInstance', qa);
    expect(result).toMatchObject({ branch: 'lanes/qa', base: commit, worktree: path.join(parent, 'web-qa') });
    expect(git(result.worktree!, 'rev-parse', 'HEAD').trim()).toBe(commit);
    expect(git(result.worktree!, 'symbolic-ref', '--short', 'HEAD').trim()).toBe('lanes/qa');
    const messages = events.filter((event) => event.name === 'worktrees.progress').map((event) => (event.payload as { message: string }).message);
    expect(messages.some((message) => message.includes(`from the current commit ${commit.slice(0, 7)} (detached HEAD)`))).toBe(true);
    expect(readFileSync(path.join(root, 'lanes.yml'), 'utf8')).toContain(`base: ${commit}`);
    // The main checkout stays detached; the instance's status knows its base.
    expect(git(root, 'rev-parse', '--abbrev-ref', 'HEAD').trim()).toBe('HEAD');
    expect(await call('worktrees.status', { instance: 'QA' })).toMatchObject({ branch: 'lanes/qa', base: commit, ahead: 0, behind: 0, problem: null });
  });

  it.each([
    ['a remote branch', 'origin/feature', 'feature.txt'],
    ['a tag', 'v1', null],
    ['a local branch', 'main', null],
  ])('creates an instance from %s typed as the base', async (_kind, ref, extraFile) => {
    bench = await openDetachedClone();
    const result = await bench.call('worktrees.createInstance', { ...qa, base: ref });
    expect(result.base).toBe(ref);
    expect(git(result.worktree!, 'rev-parse', 'HEAD').trim()).toBe(git(bench.root, 'rev-parse', `${ref}^{commit}`).trim());
    expect(existsSync(path.join(result.worktree!, 'feature.txt'))).toBe(extraFile !== null);
    expect(readFileSync(path.join(bench.root, 'lanes.yml'), 'utf8')).toContain(`base: ${ref}`);
  });

  it('creates an instance from an abbreviated commit typed as the base', async () => {
    bench = await openDetachedClone();
    const feature = git(bench.root, 'rev-parse', 'origin/feature').trim();
    const result = await bench.call('worktrees.createInstance', { ...qa, base: feature.slice(0, 10) });
    expect(git(result.worktree!, 'rev-parse', 'HEAD').trim()).toBe(feature);
  });

  it('refuses a ref that does not exist, naming it, and creates nothing', async () => {
    bench = await openDetachedClone();
    const error = await bench.fail('worktrees.createInstance', { ...qa, base: 'origin/nope' });
    expect(error.code).toBe('not-found');
    expect(error.message).toContain('The base "origin/nope" is not a branch, tag or commit of this repository');
    expect(existsSync(path.join(bench.root, 'lanes.yml'))).toBe(false);
    expect(existsSync(path.join(bench.parent, 'web-qa'))).toBe(false);
    expect(git(bench.root, 'branch', '--list', 'lanes/qa')).toBe('');
  });
});

describe('.worktreeinclude', () => {
  it('copies the untracked and ignored files it lists, and nothing else', async () => {
    const { root, parent, call } = await open({
      '.gitignore': '.env\nnode_modules/\n*.log\n',
      '.worktreeinclude': '# local secrets and config\n.env\nconfig/*.local.json\n!config/skip.local.json\nsecrets/**\n',
      'config/app.json': '{}\n',
    });
    writeFiles(root, {
      '.env': 'TOKEN=1\n',
      'config/dev.local.json': '{"dev":true}\n',
      'config/skip.local.json': '{}\n',
      'secrets/deep/key.pem': 'KEY\n',
      'node_modules/pkg/index.js': 'x\n',
      'debug.log': 'log\n',
      'scratch.txt': 'untracked but not listed\n',
    });
    const result = await call('worktrees.createInstance', frontend);
    const folder = path.join(parent, 'web-frontend');
    expect(result.copied.sort()).toEqual(['.env', 'config/dev.local.json', 'secrets/deep/key.pem']);
    expect(readFileSync(path.join(folder, '.env'), 'utf8')).toBe('TOKEN=1\n');
    expect(readFileSync(path.join(folder, 'secrets/deep/key.pem'), 'utf8')).toBe('KEY\n');
    for (const absent of ['config/skip.local.json', 'node_modules', 'debug.log', 'scratch.txt']) {
      expect(existsSync(path.join(folder, absent)), absent).toBe(false);
    }
    expect(git(folder, 'status', '--porcelain')).toBe('?? config/dev.local.json\n?? secrets/\n');
  });

  it('does not reach into other worktrees inside the repository', async () => {
    const { root, call } = await open({ '.gitignore': '.env\n.trees/\n', '.worktreeinclude': '.env\n', 'lanes.yml': 'paths:\n  worktrees: .trees\n' });
    writeFileSync(path.join(root, '.env'), 'MAIN=1\n');
    const first = await call('worktrees.createInstance', { ...frontend, name: 'One' });
    writeFileSync(path.join(first.worktree!, '.env'), 'ONE=1\n');
    const second = await call('worktrees.createInstance', { ...frontend, name: 'Two' });
    expect(second.copied).toEqual(['.env']);
    expect(readFileSync(path.join(second.worktree!, '.env'), 'utf8')).toBe('MAIN=1\n');
  });
});

describe('setup command', () => {
  it('runs in the new worktree, streams its output and reports the exit code', async () => {
    const setup = `node -e "console.log('installing in ' + require('path').basename(process.cwd())); console.error('warn'); process.exit(3)"`;
    const { call, events } = await open({ 'lanes.yml': `setup: ${JSON.stringify(setup)}\n` });
    const result = await call('worktrees.createInstance', frontend);
    expect(result.setup).toMatchObject({ exitCode: 3, signal: null });
    expect(result.setup?.tail).toContain('installing in web-frontend');
    const output = events.filter((event) => event.name === 'worktrees.setupOutput').map((event) => (event.payload as { data: string }).data).join('');
    expect(output).toContain('installing in web-frontend');
    expect(output).toContain('warn');
    const messages = events.filter((event) => event.name === 'worktrees.progress').map((event) => (event.payload as { message: string }).message);
    expect(messages).toContain('The setup command exited with code 3.');
  });

  it('ends when the command exits, though a detached grandchild still holds its output', async () => {
    const marker = `lanes-setup-daemon-${process.pid}-${Date.now()}`;
    const setup = `setsid node -e "setInterval(() => {}, 1000)" ${marker} & echo started`;
    const { call } = await open({ 'lanes.yml': `setup: ${JSON.stringify(setup)}\n` });
    try {
      const result = await call('worktrees.createInstance', frontend);
      expect(result.setup).toMatchObject({ exitCode: 0, signal: null, tail: 'started\n' });
    } finally {
      killByMarker(marker);
    }
  });

  it('is not run when the user has not trusted it; the worktree is made and the progress says why', async () => {
    const { root, parent, core } = await open({ 'lanes.yml': 'setup: npm ci\n' });
    const { createInstance } = await import('./create-instance');
    const { LanesError } = await import('../shared/errors');
    const messages: string[] = [];
    const asked: string[] = [];
    const result = await createInstance(root, core.session.requireConfig(), frontend, {
      progress: (_step, message) => messages.push(message),
      setupOutput: () => {},
      runSetup: () => Promise.reject(new Error('the setup command ran')),
      requireTrusted: (command) => {
        asked.push(command);
        return Promise.reject(new LanesError('untrusted', 'You have not trusted `npm ci` for this repository. Trust it in Workspace, then run it in the worktree.'));
      },
    });
    expect(asked).toEqual(['npm ci']);
    expect(result).toMatchObject({ worktree: path.join(parent, 'web-frontend'), setup: null, setupNotRun: 'You have not trusted `npm ci` for this repository. Trust it in Workspace, then run it in the worktree.' });
    expect(messages).toContain('Setup not run: You have not trusted `npm ci` for this repository. Trust it in Workspace, then run it in the worktree.');
    expect(existsSync(path.join(parent, 'web-frontend', 'README.md'))).toBe(true);
    expect(readFileSync(path.join(root, 'lanes.yml'), 'utf8')).toContain('name: Frontend');
  });

  it('is skipped when the user says so', async () => {
    const { call } = await open({ 'lanes.yml': 'setup: exit 9\n' });
    const result = await call('worktrees.createInstance', { ...frontend, runSetup: false });
    expect(result.setup).toBeNull();
  });
});

describe('concurrent creation', () => {
  it('creates two instances asked for at the same moment, both saved in lanes.yml', async () => {
    const { root, parent, call } = await open();
    const [one, two] = await Promise.all([
      call('worktrees.createInstance', { ...frontend, name: 'One' }),
      call('worktrees.createInstance', { ...frontend, name: 'Two' }),
    ]);
    expect([one.worktree, two.worktree]).toEqual([path.join(parent, 'web-one'), path.join(parent, 'web-two')]);
    const yml = readFileSync(path.join(root, 'lanes.yml'), 'utf8');
    expect(yml).toContain('name: One');
    expect(yml).toContain('name: Two');
    expect(yml).toContain('name: Backend');
  });
});

describe('failure half way', () => {
  it('adds the instance to lanes.yml as it is by then, keeping an edit made by hand meanwhile', async () => {
    const { root, core } = await open();
    const { createInstance } = await import('./create-instance');
    const edited = `${LANES_YML}# edited by hand meanwhile\n`;
    await createInstance(root, core.session.requireConfig(), frontend, {
      progress: (step) => {
        if (step === 'include') writeFileSync(path.join(root, 'lanes.yml'), edited);
      },
      setupOutput: () => {},
      runSetup: () => Promise.reject(new Error('not reached')),
      requireTrusted: () => Promise.resolve(),
    });
    const yml = readFileSync(path.join(root, 'lanes.yml'), 'utf8');
    expect(yml).toContain('# edited by hand meanwhile');
    expect(yml).toMatch(/- name: Backend[\s\S]*- name: Frontend/);
  });

  it('takes back the worktree and branch when the name was taken in lanes.yml meanwhile, and keeps that edit', async () => {
    const { root, parent, core } = await open();
    const { createInstance } = await import('./create-instance');
    const edited = `${LANES_YML}  - name: frontend\n`;
    const error = await createInstance(root, core.session.requireConfig(), frontend, {
      progress: (step) => {
        if (step === 'include') writeFileSync(path.join(root, 'lanes.yml'), edited);
      },
      setupOutput: () => {},
      runSetup: () => Promise.reject(new Error('not reached')),
      requireTrusted: () => Promise.resolve(),
    }).catch((caught: unknown) => caught as { code: string; message: string });
    expect(error).toMatchObject({ code: 'already-exists', message: expect.stringContaining('"frontend"') });
    expect(readFileSync(path.join(root, 'lanes.yml'), 'utf8')).toBe(edited);
    expect(existsSync(path.join(parent, 'web-frontend'))).toBe(false);
    expect(git(root, 'branch', '--list', 'lanes/frontend')).toBe('');
    expect(git(root, 'worktree', 'list', '--porcelain')).not.toContain('web-frontend');
  });

  it('closing the workspace during setup does not wait for a detached grandchild that holds the output', async () => {
    const marker = `lanes-setup-daemon-${process.pid}-${Date.now()}`;
    const setup = `setsid node -e "console.log('daemon up'); setInterval(() => {}, 1000)" ${marker} & exec node -e "setInterval(() => {}, 1000)"`;
    const { core, events } = await open({ 'lanes.yml': `setup: ${JSON.stringify(setup)}\n` });
    try {
      const creating = core.call('worktrees.createInstance', frontend);
      // The grandchild has left the setup's process group and holds its output before the close.
      await expect
        .poll(() => events.some((event) => event.name === 'worktrees.setupOutput' && (event.payload as { data: string }).data.includes('daemon up')), { timeout: 30_000 })
        .toBe(true);
      await core.call('workspace.close', {});
      const envelope = await creating;
      expect(envelope).toMatchObject({ ok: true, value: { setup: { exitCode: null, signal: 'SIGTERM' } } });
    } finally {
      killByMarker(marker);
    }
  });

  it('stops a setup command still running when the workspace closes, and leaves no process behind', async () => {
    const marker = `lanes-setup-${process.pid}-${Date.now()}`;
    const setup = `node -e "setInterval(() => {}, 1000)" ${marker}`;
    const { core, events } = await open({ 'lanes.yml': `setup: ${JSON.stringify(setup)}\n` });
    const creating = core.call('worktrees.createInstance', frontend);
    await expect
      .poll(() => events.some((event) => event.name === 'worktrees.progress' && (event.payload as { step: string }).step === 'setup'), { timeout: 15_000 })
      .toBe(true);
    await core.call('workspace.close', {});
    const envelope = await creating;
    expect(envelope.ok).toBe(true);
    const result = (envelope as { ok: true; value: { setup: { exitCode: number | null; signal: string | null } } }).value;
    expect(result.setup.exitCode === null ? result.setup.signal : `exit ${result.setup.exitCode}`).toBe('SIGTERM');
    const { execFileSync } = await import('node:child_process');
    const leftover = execFileSync('ps', ['-ww', '-eo', 'args'], { encoding: 'utf8' }).split('\n').filter((line) => line.includes(marker));
    expect(leftover).toEqual([]);
  });
});

/** Ends what a test's setup command left running on purpose (found by the marker in its command line). */
function killByMarker(marker: string): void {
  for (const line of execFileSync('ps', ['-ww', '-eo', 'pid=,args='], { encoding: 'utf8' }).split('\n')) {
    if (!line.includes(marker) || line.includes('ps -ww')) continue;
    try {
      process.kill(Number(line.trim().split(/\s+/)[0]), 'SIGKILL');
    } catch {
      // already gone
    }
  }
}
