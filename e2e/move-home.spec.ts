import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from './fixtures';
import { git, writeFiles } from './support/repo';

// Claude Code's config folder for the Lanes this file starts, so its memory folders are the test's own.
const previousConfigDir = process.env.CLAUDE_CONFIG_DIR;
const claudeConfigDir = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'lanes-e2e-claude-')));
process.env.CLAUDE_CONFIG_DIR = claudeConfigDir;
test.afterAll(() => {
  if (previousConfigDir === undefined) delete process.env.CLAUDE_CONFIG_DIR;
  else process.env.CLAUDE_CONFIG_DIR = previousConfigDir;
  rmSync(claudeConfigDir, { recursive: true, force: true });
});

const DIR = 'docs/cross-instance-prs';
// The default common zones list the requests folder: a worktree's own copy of it is still nobody's.
const LANES_YML = `instances:
  - name: API
    role: backend
    agent: bash
    branch: lanes/api
    worktree: ../demo-api
    zones: [src/]
`;

/** A home whose instance API works in the worktree `../demo-api`. */
function workspaceWithWorktree(temp: { repo(files: Record<string, string>): string }) {
  const root = temp.repo({
    'lanes.yml': LANES_YML,
    'COMPRESSED_PROMPT_V3.md': '# State\n',
    'memory/MEMORY.md': '# Memory\n',
    [`${DIR}/README.md`]: '# Requests\n',
    'src/app.ts': 'export {};\n',
  });
  const worktree = path.join(path.dirname(root), 'demo-api');
  git(root, 'worktree', 'add', '-q', '-b', 'lanes/api', worktree);
  return { root, worktree };
}

test('a shell write into a worktree’s requests copy is flagged, and “Move it home” puts it on the board', async ({ app, temp }) => {
  const { root, worktree } = workspaceWithWorktree(temp);
  await app.openWorkspace(root);
  const page = app.page;
  await app.goto('zones');
  await expect(page.getByRole('region', { name: 'Enforcement' })).toContainText('watching');
  await expect(page.getByRole('region', { name: 'Enforcement' })).not.toContainText('starting');
  await page.getByRole('navigation', { name: 'Zones views' }).getByRole('link', { name: /Violations/ }).click();
  const log = page.getByRole('region', { name: 'Violations' });

  // What `echo > docs/cross-instance-prs/…` in API's terminal does: the guard never sees it.
  const name = '20260414_login_endpoint.md';
  writeFiles(worktree, { [`${DIR}/${name}`]: '# Login endpoint (API → Web)\n\nPlease add the login form.\n' });
  const row = log.getByRole('row').filter({ hasText: name });
  const note = row.getByTestId('worktree-copy-note');
  await expect(note).toContainText(`written to API’s copy of ${path.join(root, DIR, name)}`);
  await page.screenshot({ path: '/tmp/move-home-flagged.png', fullPage: true });

  // The Coordination changes panel lists it too, from git status in the worktree.
  await app.goto('workspace');
  const copies = page.getByTestId('worktree-copies');
  await expect(copies).toContainText(`${DIR}/${name}`);
  await expect(copies).toContainText('in API’s worktree');
  await page.getByTestId('coordination-changes').screenshot({ path: '/tmp/move-home-panel.png' });

  await app.goto('zones');
  await page.getByRole('navigation', { name: 'Zones views' }).getByRole('link', { name: /Violations/ }).click();
  await note.getByRole('button', { name: 'Move it home' }).click();
  await expect(note.getByText('moved home')).toBeVisible();
  expect(readFileSync(path.join(root, DIR, name), 'utf8')).toBe('# Login endpoint (API → Web)\n\nPlease add the login form.\n');
  expect(existsSync(path.join(worktree, DIR, name))).toBe(false);
  expect(git(worktree, 'status', '--porcelain').trim()).toBe('');
  // Lanes' own clean-up of the worktree's copy is no violation. Control: a delete the user makes
  // afterwards in the same worktree is judged with (never before) Lanes' own, and does show.
  rmSync(path.join(worktree, 'COMPRESSED_PROMPT_V3.md'));
  await expect(log.getByRole('row').filter({ hasText: 'COMPRESSED_PROMPT_V3.md' })).toContainText('deleted');
  await expect(row).not.toContainText('deleted');
  git(worktree, 'checkout', '--', 'COMPRESSED_PROMPT_V3.md');
  await page.screenshot({ path: '/tmp/move-home-moved.png', fullPage: true });

  await app.goto('requests');
  await expect(page.getByTestId('column-open').getByTestId('request-card').filter({ hasText: 'Login endpoint' })).toBeVisible();
  await app.goto('workspace');
  await expect(page.getByTestId('worktree-copies')).toHaveCount(0);
  await expect(page.getByTestId('coordination-changes').getByRole('list', { name: 'Uncommitted coordination changes' })).toContainText(`${DIR}/${name}`);
});

test('an instance’s own Claude Code memory folder shows under its name, and “Move into the home” moves its entries and indexes them', async ({ app, temp }) => {
  const { root, worktree } = workspaceWithWorktree(temp);
  const apiFolder = path.join(claudeConfigDir, 'projects', worktree.replace(/[^a-zA-Z0-9]/g, '-'), 'memory');
  mkdirSync(apiFolder, { recursive: true });
  writeFiles(apiFolder, {
    'MEMORY.md': '- [Run the API tests](testing.md) — npm test in api/\n',
    'testing.md': '# Run the API tests\n\nnpm test in api/\n',
  });
  await app.openWorkspace(root);
  const page = app.page;
  await app.goto('memory');
  const panel = page.getByTestId('claude-folders');
  const api = panel.getByRole('region', { name: 'API’s Claude Code memory' });
  await expect(api).toContainText(apiFolder);
  await expect(api).toContainText('testing.md');
  await expect(panel.getByRole('region', { name: 'The repository’s Claude Code memory' })).toContainText('No folder yet.');
  await expect(panel).toContainText(path.join(root, 'memory'));
  await panel.screenshot({ path: '/tmp/claude-memory-before.png' });

  await api.getByRole('button', { name: 'Move into the home' }).click();
  await expect(panel.getByTestId('claude-moved')).toContainText('Moved 1 entry into the home’s memory folder and its index: testing.md.');
  await expect(api).toContainText('No entries (only its MEMORY.md).');
  expect(readFileSync(path.join(root, 'memory', 'testing.md'), 'utf8')).toBe('# Run the API tests\n\nnpm test in api/\n');
  expect(readFileSync(path.join(root, 'memory', 'MEMORY.md'), 'utf8')).toBe('# Memory\n- [Run the API tests](testing.md)\n');
  expect(readFileSync(path.join(apiFolder, 'MEMORY.md'), 'utf8')).toBe('');
  await expect(page.getByRole('link', { name: /Run the API tests/ })).toBeVisible();
  await page.screenshot({ path: '/tmp/claude-memory-after.png', fullPage: true });
});
