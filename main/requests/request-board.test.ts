import { mkdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RequestSummary } from '../contract/requests';
import { git, makeGitRepo, makeTempDir, writeFiles } from '../../test/support/repo';
import { loadConfig } from '../workspace/config';
import { RequestBoard } from './request-board';
import { LANES_YML, openRequests, waitFor } from './test-support';

const DIR = 'docs/cross-instance-prs';
const open = openRequests;

/** A folder outside the repository holding a request-like file with a secret in it. */
function outsideFolder(): string {
  const outside = makeTempDir('lanes-outside-');
  writeFiles(outside, { '20260101_private.md': '# Private notes (me → you)\nSECRET-VALUE-42\n' });
  return outside;
}

const files = (requests: RequestSummary[]) => requests.map((request) => request.file).sort();

describe('requests: folders that are symbolic links', () => {
  it('does not list or search a committed `done/` link leading out of the repository, and says why', async () => {
    const outside = outsideFolder();
    const root = makeGitRepo({ 'lanes.yml': LANES_YML, [`${DIR}/20260413_open.md`]: '# Open one (Windows → VSCode)\n' });
    symlinkSync(outside, path.join(root, DIR, 'done'));
    git(root, 'add', '-A');
    git(root, 'commit', '-q', '-m', 'done is a link');
    const { call, failure } = await open(root);

    const board = await call('requests.list');
    expect(files(board.requests)).toEqual(['20260413_open.md']);
    expect(board.problem).toContain('`done` is not inside the requests folder: `done` is a symbolic link that leads outside it.');
    expect(board.problem).toContain('Lanes does not list or search the finished requests there');
    expect((await call('requests.search', { query: 'SECRET-VALUE' })).files).toEqual([]);
    expect((await failure('requests.read', { file: 'done/20260101_private.md' })).code).toBe('outside-workspace');
  });

  it('drops the finished requests when `done/` is replaced by such a link while the board is open', async () => {
    const outside = outsideFolder();
    const root = makeGitRepo({ 'lanes.yml': LANES_YML, [`${DIR}/done/20260401_old.md`]: '# Old (A → B)\n' });
    const { call, changes } = await open(root);
    expect(files((await call('requests.list')).requests)).toEqual(['done/20260401_old.md']);

    renameSync(path.join(root, DIR, 'done'), path.join(makeTempDir(), 'done-moved'));
    symlinkSync(outside, path.join(root, DIR, 'done'));
    await waitFor(() => changes.some((change) => change.kind === 'delta' && change.removed.includes('done/20260401_old.md')), 'the old card to go');
    const board = await call('requests.list');
    expect(board.requests).toEqual([]);
    expect(board.problem).toContain('`done` is a symbolic link that leads outside it');
    expect((await call('requests.search', { query: 'SECRET-VALUE' })).files).toEqual([]);

    // A real folder again: listed again, and the problem is gone.
    rmSync(path.join(root, DIR, 'done'));
    mkdirSync(path.join(root, DIR, 'done'));
    writeFiles(root, { [`${DIR}/done/20260402_new.md`]: '# New (A → B)\n' });
    await waitFor(async () => files((await call('requests.list')).requests).includes('done/20260402_new.md'), 'the new card');
    expect((await call('requests.list')).problem).toBeNull();
  });

  it('stops listing the requests folder itself when it is replaced by a link leading out', async () => {
    const outside = outsideFolder();
    const root = makeGitRepo({ 'lanes.yml': LANES_YML, [`${DIR}/20260413_open.md`]: '# Open one (Windows → VSCode)\n' });
    const { call, changes } = await open(root);
    expect(files((await call('requests.list')).requests)).toEqual(['20260413_open.md']);

    rmSync(path.join(root, DIR), { recursive: true });
    symlinkSync(outside, path.join(root, DIR));
    await waitFor(() => changes.some((change) => change.kind === 'delta' && change.removed.includes('20260413_open.md')), 'the card to go');
    const board = await call('requests.list');
    expect(board.requests).toEqual([]);
    expect(board.problem).toContain('is a symbolic link that leads outside it');
    expect((await call('requests.search', { query: 'SECRET-VALUE' })).files).toEqual([]);
  });
});

describe('requests: opening the workspace', () => {
  it('sends the first screenful first: every request to do and the newest done ones, the other done ones named', async () => {
    const tree: Record<string, string> = { 'lanes.yml': LANES_YML };
    tree[`${DIR}/20260420_todo.md`] = '# To do (Windows → VSCode)\n';
    for (let day = 10; day < 16; day += 1) tree[`${DIR}/done/202604${day}_d${day}.md`] = `# D${day} (Windows → VSCode)\n`;
    tree[`${DIR}/done/undated.md`] = '# Undated (Windows → VSCode)\n';
    const root = makeGitRepo(tree);
    const { call } = await open(root);

    // The undated file takes its date from its time (today), so it is the newest.
    const first = await call('requests.list', { doneLimit: 3 });
    expect(files(first.requests)).toEqual(['20260420_todo.md', 'done/20260414_d14.md', 'done/20260415_d15.md', 'done/undated.md']);
    expect([...first.doneLeftOut!].sort()).toEqual(['done/20260410_d10.md', 'done/20260411_d11.md', 'done/20260412_d12.md', 'done/20260413_d13.md']);

    const whole = await call('requests.list');
    expect(whole.requests).toHaveLength(8);
    expect(whole.doneLeftOut).toBeUndefined();
    expect((await call('requests.list', { doneLimit: 7 })).doneLeftOut).toEqual([]);
    expect((await call('requests.list', { doneLimit: 0 })).requests.map((request: RequestSummary) => request.file)).toEqual(['20260420_todo.md']);
  });

  it('pushes nothing while reading the folder, neither the board nor the plan: the screen that needs them asks, and gets them once', async () => {
    const files: Record<string, string> = { 'lanes.yml': LANES_YML };
    for (let index = 0; index < 20; index += 1) files[`${DIR}/${index < 10 ? '' : 'done/'}202604${String(10 + index)}_r${index}.md`] = `# R${index} (Windows → VSCode)\n`;
    const root = makeGitRepo(files);
    const { core, call, changes } = await open(root);
    const plans: unknown[] = [];
    core.onEvent((name, payload) => {
      if (name === 'requests.planned') plans.push(payload);
    });
    expect((await call('requests.list')).requests).toHaveLength(20);
    expect((await call('requests.plan')).requests).toHaveLength(20);
    // The positive control: a file written now is reported, so anything pushed at the open came before it.
    writeFiles(root, { [`${DIR}/20260501_late.md`]: '# Late (Windows → VSCode)\n' });
    await waitFor(() => plans.length > 0, 'the plan after the late card');
    expect(changes.map((change) => (change.kind === 'delta' ? change.upserted.map((request) => request.file) : 'board'))).toEqual([['20260501_late.md']]);
    expect(plans).toHaveLength(1);
  });

  it('pushes the plan only when it changed: a card whose body is edited sends no plan, one that gains a blocker does', async () => {
    const root = makeGitRepo({
      'lanes.yml': LANES_YML,
      [`${DIR}/20260410_a.md`]: '# A (Windows → VSCode)\nfirst body\n',
      [`${DIR}/20260411_b.md`]: '# B (Windows → VSCode)\n',
    });
    const { core, call, changes } = await open(root);
    const plans: unknown[] = [];
    core.onEvent((name, payload) => {
      if (name === 'requests.planned') plans.push(payload);
    });
    expect((await call('requests.plan')).requests).toHaveLength(2);
    // The plan as it is now becomes the one last sent (the first change after opening always sends it).
    writeFiles(root, { [`${DIR}/20260412_c.md`]: '# C (Windows → VSCode)\n' });
    await waitFor(() => plans.length === 1, 'the plan after a new card');

    writeFiles(root, { [`${DIR}/20260410_a.md`]: '# A (Windows → VSCode)\nan edited body, nothing the plan reads\n' });
    await waitFor(() => changes.some((change) => change.kind === 'delta' && change.upserted.some((request) => request.file === '20260410_a.md')), 'the edited card');
    // The positive control: a change of blocked_by, after the edit, pushes a plan; only that one came.
    writeFiles(root, { [`${DIR}/20260411_b.md`]: '---\nblocked_by: [20260410_a.md]\n---\n# B (Windows → VSCode)\n' });
    await waitFor(() => plans.length === 2, 'the plan after a new blocker');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(plans).toHaveLength(2);
    const last = plans[1] as { requests: Array<{ file: string; blockers: Array<{ file: string | null }> }> };
    expect(last.requests.find((entry) => entry.file === '20260411_b.md')!.blockers.map((blocker) => blocker.file)).toEqual(['20260410_a.md']);
  });

  it('opened again, re-reads only the files changed while it was closed, and matches the instances lanes.yml names now', async () => {
    const root = makeGitRepo({
      'lanes.yml': LANES_YML,
      [`${DIR}/20260410_kept.md`]: '# Kept (Windows → VSCode)\n',
      [`${DIR}/20260411_edited.md`]: '# Edited (Windows → VSCode)\n',
      [`${DIR}/done/20260412_gone.md`]: '# Gone (Windows → VSCode)\n',
    });
    const lanesYml = { read: () => loadConfig(root) };
    const first = new RequestBoard(root, lanesYml, () => undefined);
    await first.ready;
    const before = new Map(first.current().map((request) => [request.file, request]));
    first.close();

    writeFileSync(path.join(root, DIR, '20260411_edited.md'), '# Edited again, longer (Windows → VSCode)\n');
    rmSync(path.join(root, DIR, 'done/20260412_gone.md'));
    writeFiles(root, { [`${DIR}/20260413_new.md`]: '# New (Windows → VSCode)\n' });
    const again = new RequestBoard(root, lanesYml, () => undefined, first.cache());
    await again.ready;
    const after = new Map(again.current().map((request) => [request.file, request]));
    again.close();
    expect([...after.keys()].sort()).toEqual(['20260410_kept.md', '20260411_edited.md', '20260413_new.md']);
    // Not read again: the very summary the closed board made.
    expect(after.get('20260410_kept.md')).toBe(before.get('20260410_kept.md'));
    expect(after.get('20260411_edited.md')!.title).toBe('Edited again, longer');

    writeFileSync(path.join(root, 'lanes.yml'), 'instances:\n  - name: Windows\n');
    const renamed = new RequestBoard(root, lanesYml, () => undefined, again.cache());
    await renamed.ready;
    renamed.close();
    expect(renamed.current().find((request) => request.file === '20260410_kept.md')).toMatchObject({ title: 'Kept', fromInstance: 'Windows', toInstance: null });
  });
});
