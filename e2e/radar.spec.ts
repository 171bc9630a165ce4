import path from 'node:path';
import { expect, test } from './fixtures';
import { git, writeFiles } from './support/repo';

const LANES_YML = `version: 1
common:
  - package.json
instances:
  - name: alpha
    branch: lanes/alpha
    base: main
  - name: beta
    branch: lanes/beta
    base: main
  - name: gamma
    branch: lanes/gamma
    base: main
  - name: delta
    branch: lanes/delta
    base: main
`;

/** Commits the files on `branch` in its own worktree, as an instance's agent would. */
function commitOn(worktree: string, files: Record<string, string>, message: string): void {
  writeFiles(worktree, files);
  git(worktree, 'add', '-A');
  git(worktree, 'commit', '-q', '--no-verify', '-m', message);
}

test('the Conflicts screen shows which branches would conflict, lists the files of a cell, and follows a new commit', async ({ app, temp }) => {
  const root = temp.repo({ 'lanes.yml': LANES_YML, 'package.json': '{ "name": "demo" }\n', 'src/api.ts': 'api\n', 'src/web.ts': 'web\n' });
  const worktrees = temp.dir('lanes-e2e-radar-');
  for (const name of ['alpha', 'beta', 'gamma']) git(root, 'worktree', 'add', '-q', '-b', `lanes/${name}`, path.join(worktrees, name), 'main');
  commitOn(path.join(worktrees, 'alpha'), { 'package.json': '{ "name": "demo", "version": "2" }\n', 'src/api.ts': 'api by alpha\n' }, 'alpha');
  commitOn(path.join(worktrees, 'beta'), { 'package.json': '{ "name": "demo", "private": true }\n', 'src/web.ts': 'web by beta\n' }, 'beta');

  await app.openWorkspace(root);
  const page = app.page;
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.getByRole('navigation', { name: 'Lanes' }).getByRole('link', { name: /^conflicts$/i }).click();

  const matrix = page.getByRole('table', { name: 'Predicted merge conflicts between instances' });
  await expect(matrix.getByRole('button', { name: 'alpha with beta: 1 file would conflict' })).toBeVisible();
  await expect(matrix.getByRole('button', { name: 'beta with alpha: 1 file would conflict' })).toBeVisible();
  await expect(matrix.getByRole('button', { name: 'alpha with gamma: merges cleanly' })).toBeVisible();
  await expect(matrix.getByRole('button', { name: 'alpha with its base: merges cleanly' })).toBeVisible();
  await expect(matrix.getByRole('button', { name: 'delta with its base: not known' })).toBeVisible();
  await expect(page.getByText('The branch "lanes/delta" of "delta" no longer exists.')).toBeVisible();
  const overlaps = page.getByRole('table', { name: 'Files changed by more than one instance' });
  await expect(overlaps.getByRole('row', { name: /package\.json common alpha, beta/ })).toBeVisible();

  await matrix.getByRole('button', { name: 'alpha with beta: 1 file would conflict' }).click();
  const detail = page.getByRole('region', { name: 'alpha with beta' });
  await expect(detail.getByRole('listitem')).toHaveText(['package.json']);
  await page.screenshot({ path: '/tmp/radar-conflicts.png', fullPage: true });

  // A commit on gamma's branch, made outside Lanes, shows without asking for a new scan.
  commitOn(path.join(worktrees, 'gamma'), { 'src/api.ts': 'api by gamma\n' }, 'gamma');
  await expect(matrix.getByRole('button', { name: 'gamma with alpha: 1 file would conflict' })).toBeVisible();
  await expect(matrix.getByRole('button', { name: 'gamma with beta: merges cleanly' })).toBeVisible();
  await expect(overlaps.getByRole('row', { name: /src\/api\.ts alpha, gamma/ })).toBeVisible();
});

test('the Conflicts screen says what to do when no instance is set up', async ({ app, temp }) => {
  const root = temp.repo({ 'README.md': '# demo\n' });
  await app.openWorkspace(root);
  await app.page.getByRole('navigation', { name: 'Lanes' }).getByRole('link', { name: /^conflicts$/i }).click();
  await expect(app.page.getByText(/No instances yet/)).toBeVisible();
});
