import { existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { open, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Lanes } from '../app/lanes';
import type { Enforcement, Violation, Violations } from '../contract/zones';
import { git, makeGitRepo, makeTempDir, writeFiles } from '../../test/support/repo';
import { excludeFromGit } from '../shared/agent-files';
import { tracksNestedPackages, watchFailure } from './watcher';

let core: Lanes | null = null;
const worktrees: Array<[string, string]> = [];
afterEach(async () => {
  await core?.dispose();
  core = null;
  for (const [root, worktree] of worktrees.splice(0)) git(root, 'worktree', 'remove', '--force', worktree);
});

const CONFIG = `instances:
  - name: VSCode
    branch: lanes/vscode
    worktree: ../wt-vscode
    zones: [lib/]
  - name: Windows
    branch: lanes/windows
    zones: [docs/]
  - name: Main
    zones: [scripts/]
`;

interface Harness {
  readonly root: string;
  readonly vscode: string;
  readonly windows: string;
  readonly violations: Violation[];
  readonly notifications: string[];
  waitFor(count: number, timeoutMs?: number): Promise<void>;
}

async function start(config = CONFIG, files: Record<string, string> = {}): Promise<Harness> {
  const root = makeGitRepo({ 'lanes.yml': config, '.gitignore': 'build/\n*.log\n', 'lib/a.dart': 'a\n', 'docs/a.md': 'a\n', 'scripts/a.sh': 'a\n', ...files });
  const vscode = path.join(path.dirname(root), 'wt-vscode');
  const windows = path.join(makeTempDir(), 'wt-windows');
  git(root, 'worktree', 'add', '-q', '-b', 'lanes/vscode', vscode);
  worktrees.push([root, vscode]);
  git(root, 'worktree', 'add', '-q', '-b', 'lanes/windows', windows);
  worktrees.push([root, windows]);
  const notifications: string[] = [];
  core = new Lanes({ userDataDir: makeTempDir(), platform: { mode: 'web', notify: (title, body) => notifications.push(`${title}: ${body}`) }, version: 'test' });
  const violations: Violation[] = [];
  core.onEvent((name, payload) => {
    if (name === 'zones.violationsAdded') violations.push(...(payload as { added: Violation[] }).added);
  });
  expect((await core.call('workspace.open', { path: root })).ok).toBe(true);
  const enforcement = await core.call('zones.enforcement', {});
  // Every checkout an instance works in (a main checkout with none is not watched: it has no write to judge).
  const expected = config.includes('name: Main') ? ['watching', 'watching', 'watching'] : ['watching', 'watching'];
  expect(enforcement.ok && (enforcement.value as Enforcement).watchers.map((watcher) => watcher.state)).toEqual(expected);
  return {
    root,
    vscode,
    windows,
    violations,
    notifications,
    async waitFor(count, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (new Set(violations.map((violation) => violation.id)).size < count && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
    },
  };
}

/** Resolves when the zones room has taken in a change to lanes.yml (it announces `zones.changed`). */
function zonesChanged(): Promise<void> {
  return new Promise((resolve) => {
    const subscription = core!.onEvent((name) => {
      if (name !== 'zones.changed') return;
      subscription.dispose();
      resolve();
    });
  });
}

/** Waits long enough for any stray event to arrive, so "no more violations" means something. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 600));

describe('the live zone watcher', () => {
  it('does not report the temporary files of Lanes\' own atomic writes', async () => {
    const h = await start();
    // What writeFileAtomic leaves for a moment beside the file it replaces, here and in .claude/.
    writeFiles(h.vscode, { '.claude/.settings.local.json.lanes-0123456789ab.tmp': '{}', '.lanes.yml.lanes-ba9876543210.tmp': 'x', 'docs/late.md': 'bad\n' });
    await h.waitFor(1);
    await settle();
    expect(h.violations.map((violation) => violation.path)).toEqual(['docs/late.md']);
  });

  it('reports exactly the writes outside the writer zone, in every worktree and the main checkout', async () => {
    const h = await start();
    // The requests folder is common, but only the home's copy: a worktree's own copy is nobody's.
    writeFiles(h.vscode, { 'lib/b.dart': 'ok\n', 'docs/cross-instance-prs/20260413_x.md': 'in the worktree\n', 'docs/nope.md': 'bad\n' });
    writeFiles(h.windows, { 'docs/b.md': 'ok\n', 'lib/nope.dart': 'bad\n' });
    writeFiles(h.root, { 'scripts/b.sh': 'ok\n', 'README.md': 'bad\n', 'docs/cross-instance-prs/20260413_y.md': 'in the home\n' });
    await h.waitFor(4);
    await settle();
    const seen = unique(h.violations).map((violation) => `${violation.instance}:${violation.path}:${violation.owners.join('+')}`).sort();
    expect(seen).toEqual(['Main:README.md:', 'VSCode:docs/cross-instance-prs/20260413_x.md:Windows', 'VSCode:docs/nope.md:Windows', 'Windows:lib/nope.dart:VSCode']);
    expect(h.notifications.some((text) => text.startsWith('Windows wrote outside its zone: lib/nope.dart (owned by VSCode)'))).toBe(true);
    expect(h.notifications.some((text) => text.startsWith('VSCode wrote outside its zone: docs/'))).toBe(true);
    const listed = await core!.call('zones.violations', {});
    expect(listed.ok && (listed.value as Violations).counts).toEqual({ VSCode: 2, Windows: 1, Main: 1 });
  });

  it('reports files written into folders created in the same instant (the watch on a new folder starts late)', async () => {
    const h = await start();
    // What `mkdir -p docs/x/y && echo > docs/x/y/f.md` does: the watcher library sees the new
    // folders but, on Linux, often not the files written before it watched them.
    const files = Object.fromEntries(Array.from({ length: 10 }, (_, index) => [`docs/new${index}/deeper/f.md`, 'bad\n']));
    writeFiles(h.vscode, files);
    await h.waitFor(10);
    expect(unique(h.violations).map((violation) => violation.path).sort()).toEqual(Object.keys(files).sort());
  });

  it('ignores git’s own writes, node_modules and git-ignored paths', async () => {
    const h = await start();
    writeFiles(h.vscode, { 'build/out.js': 'x', 'debug.log': 'x', 'node_modules/pkg/index.js': 'x', 'docs/site/node_modules/pkg/index.js': 'x', 'lib/c.dart': 'c\n' });
    git(h.vscode, 'add', 'lib/c.dart');
    git(h.vscode, 'commit', '-q', '-m', 'c');
    git(h.root, 'branch', 'scratch');
    git(h.root, 'gc', '-q');
    // The positive control: a violation written after all of that, in both checkouts, must show,
    // so the watcher was live the whole time. Each checkout's changes are judged in order: once
    // its control is in, the writes before it have been judged too.
    writeFiles(h.vscode, { 'docs/control.md': 'x' });
    writeFiles(h.root, { 'control.md': 'x' });
    await h.waitFor(2);
    await settle();
    expect(unique(h.violations).map((violation) => `${violation.instance}:${violation.path}`).sort()).toEqual(['Main:control.md', 'VSCode:docs/control.md']);
  });

  it('follows a change to .gitignore at once', async () => {
    const h = await start();
    writeFileSync(path.join(h.vscode, '.gitignore'), 'build/\n*.log\nsecret/\n');
    await h.waitFor(1);
    await settle();
    writeFiles(h.vscode, { 'secret/key.txt': 'x', 'docs/seen.md': 'x' });
    await h.waitFor(2);
    await settle();
    expect(unique(h.violations).map((violation) => violation.path).sort()).toEqual(['.gitignore', 'docs/seen.md']);
  });

  it('does not report files another part of Lanes excludes from git while it watches', async () => {
    const h = await start();
    // A first violation gets git's ignore checker running before the exclude changes.
    writeFiles(h.vscode, { 'docs/first.md': 'x' });
    await h.waitFor(1);
    await excludeFromGit(h.vscode, ['/.lanes-context.md']);
    writeFiles(h.vscode, { '.lanes-context.md': 'role: frontend\n', 'docs/seen.md': 'x' });
    await h.waitFor(2);
    await settle();
    expect(unique(h.violations).map((violation) => violation.path)).toEqual(['docs/first.md', 'docs/seen.md']);
  });

  it('loses and duplicates nothing in a burst of 10,000 writes', async () => {
    const h = await start();
    mkdirSync(path.join(h.vscode, 'docs', 'burst'), { recursive: true });
    mkdirSync(path.join(h.vscode, 'lib', 'burst'), { recursive: true });
    const writes: Array<Promise<void>> = [];
    for (let index = 0; index < 10_000; index += 1) {
      // Half inside the zone (no violation), half outside it.
      const folder = index % 2 === 0 ? 'docs' : 'lib';
      writes.push(writeFile(path.join(h.vscode, folder, 'burst', `f${index}.txt`), String(index)));
      if (writes.length >= 500) await Promise.all(writes.splice(0));
    }
    await Promise.all(writes);
    await h.waitFor(5000, 30_000);
    await settle();
    // A file created then written shows up in two batches: the same entry, updated, not a new one.
    expect(new Set(h.violations.map((violation) => violation.id)).size).toBe(5000);
    expect(new Set(h.violations.map((violation) => violation.path)).size).toBe(5000);
    expect(h.violations.every((violation) => violation.path.startsWith('docs/burst/'))).toBe(true);
    // Writing one of them again updates its entry instead of adding one.
    const before = h.violations.length;
    const firstWrites = h.violations.filter((violation) => violation.path === 'docs/burst/f0.txt').at(-1)!.writes;
    writeFileSync(path.join(h.vscode, 'docs', 'burst', 'f0.txt'), 'again');
    const deadline = Date.now() + 5000;
    while (h.violations.length === before && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
    expect(h.violations.at(-1)).toMatchObject({ path: 'docs/burst/f0.txt', writes: firstWrites + 1 });
    const listed = await core!.call('zones.violations', {});
    expect(listed.ok && (listed.value as Violations).total).toBe(5000);
  }, 60_000);

  it('restores the committed file in restore mode, keeping a copy of what was written', async () => {
    const h = await start(CONFIG.replace('instances:', 'enforcement:\n  onViolation: restore\ninstances:'));
    writeFileSync(path.join(h.vscode, 'docs', 'a.md'), 'overwritten by the wrong instance\n');
    writeFileSync(path.join(h.vscode, 'docs', 'new.md'), 'a new file\n');
    await h.waitFor(2);
    await settle();
    expect(unique(h.violations).map((violation) => [violation.path, violation.restored]).sort()).toEqual([
      ['docs/a.md', true],
      ['docs/new.md', true],
    ]);
    expect(readFileSync(path.join(h.vscode, 'docs', 'a.md'), 'utf8')).toBe('a\n');
    expect(existsSync(path.join(h.vscode, 'docs', 'new.md'))).toBe(false);
    const gitDir = path.resolve(h.vscode, git(h.vscode, 'rev-parse', '--git-dir').trim());
    const backups = readdirDeep(path.join(gitDir, 'lanes', 'restored'));
    expect(backups.filter((file) => file.endsWith(path.join('docs', 'new.md'))).map((file) => readFileSync(file, 'utf8'))).toEqual(['a new file\n']);
    expect(backups.filter((file) => file.endsWith(path.join('docs', 'a.md'))).map((file) => readFileSync(file, 'utf8'))).toEqual(['overwritten by the wrong instance\n']);
    // Our own restore is not reported as another violation.
    expect(unique(h.violations).length).toBe(2);
  });

  it('puts the committed file back over a symbolic link, never writing where the link leads', async () => {
    const h = await start(CONFIG.replace('instances:', 'enforcement:\n  onViolation: restore\ninstances:'));
    const outside = makeTempDir('lanes-outside-');
    writeFileSync(path.join(outside, 'victim.txt'), 'precious\n');
    rmSync(path.join(h.vscode, 'docs', 'a.md'));
    symlinkSync(path.join(outside, 'victim.txt'), path.join(h.vscode, 'docs', 'a.md'));
    await h.waitFor(1);
    await settle();
    expect(unique(h.violations).map((violation) => [violation.path, violation.restored])).toEqual([['docs/a.md', true]]);
    expect(readFileSync(path.join(outside, 'victim.txt'), 'utf8')).toBe('precious\n');
    expect(lstatSync(path.join(h.vscode, 'docs', 'a.md')).isFile()).toBe(true);
    expect(readFileSync(path.join(h.vscode, 'docs', 'a.md'), 'utf8')).toBe('a\n');
    // The copy of what was written is the link itself, not what it points at.
    const gitDir = path.resolve(h.vscode, git(h.vscode, 'rev-parse', '--git-dir').trim());
    const backups = readdirDeep(path.join(gitDir, 'lanes', 'restored')).filter((file) => file.endsWith(path.join('docs', 'a.md')));
    expect(backups.map((file) => readlinkSync(file))).toEqual([path.join(outside, 'victim.txt')]);
  });

  it('applies a change to lanes.yml made on disk without reopening', async () => {
    const h = await start();
    const applied = zonesChanged();
    writeFileSync(path.join(h.root, 'lanes.yml'), CONFIG.replace('zones: [lib/]', 'zones: [lib/, docs/]'));
    await applied;
    writeFiles(h.vscode, { 'docs/now-allowed.md': 'x\n', 'README.md': 'x\n' });
    await h.waitFor(1);
    await settle();
    expect([...new Set(h.violations.map((violation) => violation.path))]).toEqual(['README.md']);
  });

  it('follows lanes.yml in a main checkout no instance works in, and watches all of it once one does', async () => {
    const worktreesOnly = CONFIG.replace('  - name: Main\n    zones: [scripts/]\n', '');
    const h = await start(worktreesOnly);
    const applied = zonesChanged();
    writeFileSync(path.join(h.root, 'lanes.yml'), worktreesOnly.replace('zones: [lib/]', 'zones: [lib/, docs/]'));
    await applied;
    writeFiles(h.vscode, { 'docs/now-allowed.md': 'x\n', 'README.md': 'x\n' });
    await h.waitFor(1);
    await settle();
    expect(unique(h.violations).map((violation) => `${violation.instance}:${violation.path}`)).toEqual(['VSCode:README.md']);

    writeFileSync(path.join(h.root, 'lanes.yml'), `${worktreesOnly}  - name: Main\n    zones: [scripts/]\n`);
    await expect
      .poll(async () => {
        const enforcement = await core!.call('zones.enforcement', {});
        const main = enforcement.ok ? (enforcement.value as Enforcement).watchers.find((watcher) => watcher.checkout === h.root) : undefined;
        return main ? `${main.instances.join()}:${main.state}` : null;
      }, { timeout: 10_000 })
      .toBe('Main:watching');
    writeFiles(h.root, { 'lib/from-main.dart': 'x\n' });
    await h.waitFor(2);
    expect(unique(h.violations).map((violation) => `${violation.instance}:${violation.path}`)).toEqual(['VSCode:README.md', 'Main:lib/from-main.dart']);
  });

  it('does not count the deletes of a worktree being removed, and lets its watch go', async () => {
    const files: Record<string, string> = {};
    for (let index = 0; index < 200; index += 1) files[`docs/many/f${index}.md`] = `${index}\n`;
    const h = await start(undefined, files);
    git(h.root, 'worktree', 'remove', '--force', h.vscode);
    worktrees.splice(worktrees.findIndex(([, worktree]) => worktree === h.vscode), 1);
    await expect
      .poll(async () => {
        const enforcement = await core!.call('zones.enforcement', {});
        return enforcement.ok && (enforcement.value as Enforcement).watchers.map((watcher) => watcher.checkout).includes(h.vscode);
      }, { timeout: 10_000 })
      .toBe(false);
    // Something to wait for that comes after any report the removal could cause.
    writeFiles(h.windows, { 'lib/after-removal.dart': 'x\n' });
    await h.waitFor(1);
    expect(unique(h.violations).map((violation) => `${violation.instance}:${violation.path}`)).toEqual(['Windows:lib/after-removal.dart']);
  });

  it('still reports a delete outside the zone in a worktree that stays', async () => {
    const h = await start();
    rmSync(path.join(h.vscode, 'docs', 'a.md'));
    await h.waitFor(1);
    expect(unique(h.violations).map((violation) => `${violation.instance}:${violation.path}:${violation.change}`)).toEqual(['VSCode:docs/a.md:delete']);
  });

  it('logs one write as one violation, even when its events arrive in two batches', async () => {
    const h = await start();
    // A shell's `cat > file` holds the file open while it writes: the create is reported at
    // once (the watcher sends a burst's first event alone), the rest of the write after it.
    const file = await open(path.join(h.vscode, 'docs', 'shell.md'), 'w');
    await file.write('first part\n');
    await h.waitFor(1);
    await file.write('second part\n');
    await file.close();
    // Another write after it: whatever the first one still had to report has arrived by then.
    writeFiles(h.vscode, { 'docs/sentinel.md': 'next\n' });
    await h.waitFor(2);
    const shell = unique(h.violations).filter((violation) => violation.path === 'docs/shell.md');
    expect(shell.map((violation) => [violation.change, violation.writes])).toEqual([['create', 1]]);
    const listed = await core!.call('zones.violations', {});
    expect(listed.ok && (listed.value as Violations).entries.filter((violation) => violation.path === 'docs/shell.md').length).toBe(1);
  });

  it('leaves no child process behind for its watches', async () => {
    await start();
    expect(childCommands(process.pid)).not.toContain('sh');
  });

  it('watches a new instance\'s worktree without ever stopping the watches already running', async () => {
    const h = await start();
    const changes: Enforcement[] = [];
    core!.onEvent((name, payload) => {
      if (name === 'zones.enforcementChanged') changes.push(payload as Enforcement);
    });
    const added = path.join(makeTempDir(), 'wt-linux');
    git(h.root, 'worktree', 'add', '-q', '-b', 'lanes/linux', added);
    worktrees.push([h.root, added]);
    writeFileSync(path.join(h.root, 'lanes.yml'), `${CONFIG}  - name: Linux\n    branch: lanes/linux\n    zones: [linux/]\n`);
    await expect.poll(() => changes.some((change) => change.watchers.some((watcher) => watcher.checkout === added && watcher.state === 'watching')), { timeout: 10_000 }).toBe(true);
    for (const change of changes) {
      expect(change.watchers.filter((watcher) => watcher.checkout !== added).map((watcher) => watcher.state)).toEqual(['watching', 'watching', 'watching']);
    }
    writeFiles(added, { 'docs/from-linux.md': 'x\n' });
    await h.waitFor(1);
    expect(unique(h.violations).map((violation) => `${violation.instance}:${violation.path}`)).toEqual(['Linux:docs/from-linux.md']);
  });

  it('leaves nested node_modules out of the watch only in repositories with nested packages', async () => {
    expect(await tracksNestedPackages(makeGitRepo({ 'package.json': '{}', 'lib/a.ts': 'x' }))).toBe(false);
    expect(await tracksNestedPackages(makeGitRepo({ 'package.json': '{}', 'packages/web/package.json': '{}' }))).toBe(true);
  });

  it('explains the system watch limit and the setting to raise', () => {
    const message = watchFailure('/repo/wt', new Error("inotify_add_watch on '/repo/wt/src' failed: No space left on device"));
    expect(message).toContain('limit on watched folders was reached');
    expect(message).toContain('fs.inotify.max_user_watches');
    expect(watchFailure('/x', new Error('boom'))).toBe('Lanes could not watch `/x` for writes outside the zones: boom');
  });
});

/** The command names of a process's children, read from /proc (Linux). */
function childCommands(pid: number): string[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map((name) => {
      try {
        return readFileSync(`/proc/${name}/stat`, 'utf8');
      } catch {
        // The process ended while the list was read.
        return '';
      }
    })
    .map((stat) => /^\d+ \((.*)\) \S+ (\d+)/.exec(stat))
    .filter((match): match is RegExpExecArray => match !== null && Number(match[2]) === pid)
    .map((match) => match[1]!);
}

function readdirDeep(folder: string): string[] {
  if (!existsSync(folder)) return [];
  return readdirSync(folder).flatMap((name) => {
    const full = path.join(folder, name);
    return statSync(full).isDirectory() ? readdirDeep(full) : [full];
  });
}

/** The latest state of each logged violation (a file created then written arrives as two updates of one entry). */
function unique(violations: readonly Violation[]): Violation[] {
  return [...new Map(violations.map((violation) => [violation.id, violation])).values()];
}

describe('stopping the zone watcher', () => {
  it('stops cleanly when a watched worktree folder was deleted under it', async () => {
    const h = await start();
    const closing = core!;
    core = null;
    rmSync(h.windows, { recursive: true, force: true });
    rmSync(h.vscode, { recursive: true, force: true });
    // At once, before the watcher hears of it: the kernel has already dropped those watches.
    await expect(closing.dispose()).resolves.toBeUndefined();
    for (const [root] of worktrees.splice(0)) git(root, 'worktree', 'prune');
  });
});
