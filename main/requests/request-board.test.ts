import { mkdirSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RequestSummary } from '../contract/requests';
import { git, makeGitRepo, makeTempDir, writeFiles } from '../../test/support/repo';
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
  it('sends the board once, whole, instead of also sending every file read before anyone holds a board', async () => {
    const files: Record<string, string> = { 'lanes.yml': LANES_YML };
    for (let index = 0; index < 20; index += 1) files[`${DIR}/${index < 10 ? '' : 'done/'}202604${String(10 + index)}_r${index}.md`] = `# R${index} (Windows → VSCode)\n`;
    const root = makeGitRepo(files);
    const { changes } = await open(root);
    await waitFor(() => changes.some((change) => change.kind === 'board' && change.board !== null), 'the board');
    const board = changes.find((change) => change.kind === 'board')!;
    expect(board.kind === 'board' && board.board!.requests).toHaveLength(20);
    expect(changes.filter((change) => change.kind === 'delta')).toEqual([]);
  });
});
