import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from './fixtures';

// The servers these tests start look for Claude Code's memory under CLAUDE_CONFIG_DIR: point it
// at a temporary folder, so the tests neither see nor touch the real ~/.claude.
const claudeConfigDir = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'lanes-e2e-claude-')));
const previousClaudeConfigDir = process.env.CLAUDE_CONFIG_DIR;
process.env.CLAUDE_CONFIG_DIR = claudeConfigDir;
test.afterAll(() => {
  if (previousClaudeConfigDir === undefined) delete process.env.CLAUDE_CONFIG_DIR;
  else process.env.CLAUDE_CONFIG_DIR = previousClaudeConfigDir;
  rmSync(claudeConfigDir, { recursive: true, force: true });
});

const TABLE = '## Instance Scope Table\r\n| Instance | Owned Files |\r\n|----------|-------------|\r\n| VSCode | lib/, supabase/functions/ |\r\n| Windows | docs/, supabase/migrations/ |\r\n\r\n';
const SHARED = `## Current Snapshot (as of Windows版#67)\r\n- Edge Functions deployed: 15 (hard cap: ≤50)\r\n- Total pages: 219\r\n\r\n${TABLE}## Notes\r\n- keep it short\r\n`;

const MEMORY_FILES = {
  'lanes.yml': 'instances:\n  - name: VSCode\n    role: frontend\n  - name: Windows\n    role: backend\n',
  'COMPRESSED_PROMPT_V3.md': SHARED,
  'memory/MEMORY.md': '# Memory\n- [PowerShell instance](user_instance_powershell.md)\n- [Migrations first](feedback_success_migrations.md)\n- [gone](project_20260101_gone.md)\n',
  'memory/user_instance_powershell.md': '# PowerShell instance\nThis instance = PS版. I own `.github/workflows/`.\n\nSee [what worked](feedback_success_migrations.md) and [the docs](https://example.com/guide).\n',
  'memory/feedback_success_migrations.md': '# Migrations first\nRun the SQL migration before the UI change.\n',
  'memory/project_20260413_Windows版#67.md': '# Windows版#67 状態\r\nAllen AI のマイグレーションは完了。\r\n',
};

test('browse, search, open, edit and save a memory file, and follow changes made on disk', async ({ app, temp }) => {
  const root = temp.repo(MEMORY_FILES);
  await app.openWorkspace(root);
  await app.goto('memory');
  const page = app.page;
  const sidebar = page.getByRole('complementary', { name: 'Memory files' });

  await expect(sidebar.getByRole('heading', { name: /What worked/ })).toBeVisible();
  await expect(sidebar.getByRole('link', { name: /Windows版#67 状態/ })).toBeVisible();
  await expect(page.getByTestId('index-lines')).toHaveText('MEMORY.md has 4 of 200 lines');
  await expect(page.getByRole('list', { name: 'Entries pointing to missing files' })).toContainText('project_20260101_gone.md');

  await page.getByPlaceholder('Search memory').fill('migration');
  const results = page.getByRole('list', { name: 'Search results' });
  // The file named after it first, then the index and the file that link to it.
  await expect(results.getByRole('link')).toHaveText(['feedback_success_migrations.md', 'MEMORY.md', 'user_instance_powershell.md']);
  await expect(results.locator('mark').first()).toHaveText(/migration/i);
  await page.getByPlaceholder('Search memory').fill('マイグレーション');
  await expect(results.getByRole('link')).toHaveText(['project_20260413_Windows版#67.md']);
  await page.getByPlaceholder('Search memory').fill('SQL migration');
  await results.getByRole('link', { name: 'feedback_success_migrations.md' }).click();

  await expect(page.getByRole('heading', { name: 'feedback_success_migrations.md' })).toBeVisible();
  await expect(page.getByTestId('memory-rendered').getByRole('heading', { name: 'Migrations first' })).toBeVisible();

  await page.getByRole('button', { name: 'Edit' }).click();
  const editor = page.getByRole('textbox', { name: 'Text of feedback_success_migrations.md' });
  await editor.fill('# Migrations first\nRun the SQL migration before the UI change.\nThen deploy the Edge Function.\n');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByTestId('memory-rendered')).toContainText('Then deploy the Edge Function.');
  const file = path.join(root, 'memory', 'feedback_success_migrations.md');
  expect(readFileSync(file, 'utf8')).toBe('# Migrations first\nRun the SQL migration before the UI change.\nThen deploy the Edge Function.\n');

  writeFileSync(file, '# Migrations first\nChanged by an agent on disk.\n');
  await expect(page.getByTestId('memory-rendered')).toContainText('Changed by an agent on disk.');

  writeFileSync(path.join(root, 'memory', 'feedback_correction_quotes.md'), "# Never paste bash quoting into SQL\n'\"'\"' breaks migrations.\n");
  await page.getByPlaceholder('Search memory').fill('');
  await expect(sidebar.getByRole('heading', { name: /What to avoid/ })).toBeVisible();
  await expect(sidebar.getByRole('link', { name: /Never paste bash quoting into SQL/ })).toBeVisible();
});

test('a save over a change made on disk is refused and shows both versions', async ({ app, temp }) => {
  const root = temp.repo(MEMORY_FILES);
  await app.openWorkspace(root);
  await app.goto('memory');
  const page = app.page;
  await page.getByRole('link', { name: /PowerShell instance/ }).first().click();
  await page.getByRole('button', { name: 'Edit' }).click();
  await page.getByRole('textbox', { name: 'Text of user_instance_powershell.md' }).fill('# PowerShell instance\nMy edit.\n');

  // Moving to another file keeps the unsaved edit and offers it back.
  await page.getByRole('link', { name: /Migrations first/ }).first().click();
  await expect(page.getByRole('alert')).toContainText('user_instance_powershell.md has changes that are not saved.');
  await page.getByRole('link', { name: 'Back to user_instance_powershell.md' }).click();
  await expect(page.getByRole('textbox', { name: 'Text of user_instance_powershell.md' })).toHaveValue('# PowerShell instance\nMy edit.\n');

  const file = path.join(root, 'memory', 'user_instance_powershell.md');
  writeFileSync(file, '# PowerShell instance\nTheir edit.\n');
  await expect(page.getByRole('status').filter({ hasText: 'changed on disk while you were editing' })).toBeVisible();
  await page.getByRole('button', { name: 'Save', exact: true }).click();

  const conflict = page.getByTestId('conflict');
  await expect(conflict.getByTestId('conflict-mine')).toContainText('My edit.');
  await expect(conflict.getByTestId('conflict-theirs')).toContainText('Their edit.');
  await page.screenshot({ path: '/tmp/memory-conflict-light.png' });
  expect(readFileSync(file, 'utf8')).toBe('# PowerShell instance\nTheir edit.\n');

  await conflict.getByRole('button', { name: 'Save mine over it' }).click();
  await expect(page.getByTestId('memory-rendered')).toContainText('My edit.');
  expect(readFileSync(file, 'utf8')).toBe('# PowerShell instance\nMy edit.\n');
});

test('links inside the folder open here, web links open outside Lanes', async ({ app, temp }) => {
  const root = temp.repo(MEMORY_FILES);
  await app.openWorkspace(root);
  await app.goto('memory');
  const page = app.page;
  await page.getByRole('link', { name: /PowerShell instance/ }).first().click();
  const rendered = page.getByTestId('memory-rendered');
  await expect(rendered.getByRole('link', { name: 'the docs' })).toHaveAttribute('target', '_blank');
  await expect(rendered.getByRole('link', { name: 'the docs' })).toHaveAttribute('rel', 'noreferrer');
  await rendered.getByRole('link', { name: 'what worked' }).click();
  await expect(page.getByRole('heading', { name: 'feedback_success_migrations.md' })).toBeVisible();
});

test('index health: add the unlisted files, create an entry, rename and delete with confirmation', async ({ app, temp }) => {
  const root = temp.repo(MEMORY_FILES);
  await app.openWorkspace(root);
  await app.goto('memory');
  const page = app.page;
  const unlisted = page.getByRole('list', { name: 'Files the index does not mention' });
  await expect(unlisted).toContainText('project_20260413_Windows版#67.md');
  await page.getByRole('button', { name: 'Add it to the index' }).click();
  await expect(unlisted).toHaveCount(0);
  expect(readFileSync(path.join(root, 'memory', 'MEMORY.md'), 'utf8')).toContain('- [Windows版#67 状態](project_20260413_Windows版#67.md)\n');

  const form = page.getByRole('form', { name: 'New memory entry' });
  await form.getByLabel('Kind').selectOption('correction');
  await form.getByLabel('Name').fill('no force push');
  await form.getByRole('button', { name: 'Create' }).click();
  await expect(page.getByRole('heading', { name: 'feedback_correction_no_force_push.md' })).toBeVisible();
  await page.getByRole('textbox', { name: 'Text of feedback_correction_no_force_push.md' }).fill('# No force push\nNever force-push main.\n');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByTestId('memory-rendered')).toContainText('Never force-push main.');
  expect(readFileSync(path.join(root, 'memory', 'MEMORY.md'), 'utf8')).toContain('(feedback_correction_no_force_push.md)');

  await page.getByRole('button', { name: 'Rename' }).click();
  await page.getByLabel('New name').fill('feedback_correction_never_force_push.md');
  await page.getByRole('button', { name: 'Rename' }).click();
  await expect(page.getByRole('heading', { name: 'feedback_correction_never_force_push.md' })).toBeVisible();
  expect(readFileSync(path.join(root, 'memory', 'MEMORY.md'), 'utf8')).toContain('(feedback_correction_never_force_push.md)');

  await page.getByRole('button', { name: 'Delete' }).click();
  const dialog = page.getByRole('alertdialog');
  await expect(dialog).toContainText('Delete feedback_correction_never_force_push.md?');
  await dialog.getByRole('button', { name: 'Delete it' }).click();
  await expect(page.getByTestId('index-health')).toBeVisible();
  await expect(page.getByRole('list', { name: 'Entries pointing to missing files' })).toContainText('feedback_correction_never_force_push.md');
  expect(() => readFileSync(path.join(root, 'memory', 'feedback_correction_never_force_push.md'))).toThrow();
});

test('the shared-state file is edited around its read-only Instance Scope Table', async ({ app, temp }) => {
  const root = temp.repo(MEMORY_FILES);
  await app.openWorkspace(root);
  await app.goto('memory');
  const page = app.page;
  await page.getByRole('link', { name: /Shared state/ }).click();
  await expect(page.getByTestId('shared-last-change')).toContainText('by Lanes Test');
  const table = page.getByTestId('scope-table');
  await expect(table.getByRole('table')).toContainText('supabase/migrations/');
  await expect(table.getByRole('link', { name: 'Edit it on the Zones screen' })).toHaveAttribute('href', '#/zones');
  await page.screenshot({ path: '/tmp/memory-shared-light.png' });

  await page.getByRole('button', { name: 'Edit' }).click();
  const editor = page.getByRole('textbox', { name: 'Text of COMPRESSED_PROMPT_V3.md' });
  await expect(editor).not.toHaveValue(/supabase\/migrations/);
  await editor.fill((await editor.inputValue()).replace('Total pages: 219', 'Total pages: 220'));
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByTestId('shared-rendered')).toContainText('Total pages: 220');
  expect(readFileSync(path.join(root, 'COMPRESSED_PROMPT_V3.md'), 'utf8')).toBe(SHARED.replace('Total pages: 219', 'Total pages: 220'));
  await expect(page.getByTestId('shared-last-change')).toContainText('changed since that commit');
});

test('looks right in light and dark themes', async ({ app, temp }) => {
  const root = temp.repo(MEMORY_FILES);
  await app.openWorkspace(root);
  await app.goto('memory');
  const page = app.page;
  await page.getByPlaceholder('Search memory').fill('migration');
  await page.getByRole('list', { name: 'Search results' }).getByRole('link').first().click();
  await expect(page.getByTestId('memory-rendered')).toBeVisible();
  await page.screenshot({ path: '/tmp/memory-light.png' });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.getByPlaceholder('Search memory').fill('');
  await page.goto(`${app.origin}/#/memory`);
  await expect(page.getByTestId('index-health')).toBeVisible();
  await page.screenshot({ path: '/tmp/memory-dark.png' });
});

test('Claude Code’s own memory folder is offered as a second source when it exists for this repository', async ({ app, temp }) => {
  const root = temp.repo(MEMORY_FILES);
  const folder = path.join(claudeConfigDir, 'projects', root.replace(/[^a-zA-Z0-9]/g, '-'), 'memory');
  mkdirSync(folder, { recursive: true });
  writeFileSync(path.join(folder, 'MEMORY.md'), '- [testing](feedback_testing.md)\n');
  writeFileSync(path.join(folder, 'feedback_testing.md'), '# Run the unit tests first\n');
  await app.openWorkspace(root);
  await app.goto('memory');
  const sources = app.page.getByRole('navigation', { name: 'Memory folders' });
  await sources.getByRole('link', { name: 'Claude Code memory' }).click();
  await expect(app.page.getByTestId('memory-folder')).toHaveText(folder);
  await expect(app.page.getByRole('complementary', { name: 'Memory files' }).getByRole('link', { name: /Run the unit tests first/ })).toBeVisible();
  await sources.getByRole('link', { name: 'Repository memory' }).click();
  await expect(app.page.getByTestId('memory-folder')).toHaveText('memory/');
});
