import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from './fixtures';
import { git, writeFiles } from './support/repo';

const LANES_YML = `# Lanes workspace for the demo app
instances:
  - name: VSCode
    role: frontend
    agent: claude
    branch: lanes/vscode
    zones: [lib/, supabase/functions/]
  - name: Windows
    role: backend
    agent: codex
    zones: [docs/, supabase/migrations/]
`;

test('opens a real repository and shows its branch, worktrees, instances and coordination files', async ({ app, temp }) => {
  const root = temp.repo({
    'README.md': '# demo\n',
    'lanes.yml': LANES_YML,
    'COMPRESSED_PROMPT_V3.md': '## Current Snapshot\n- pages: 219\n## Instance Scope Table\n| Instance | Owned Files |\n|---|---|\n| VSCode | lib/ |\n',
    'docs/cross-instance-prs/20260413_allenai.md': '# Allen AI (Windows#67 → VSCode)\n',
    'docs/cross-instance-prs/done/20260412_groq.md': '# Groq (Windows#66 → VSCode)\n',
    'memory/MEMORY.md': '# Memory\n- user_instance_vscode.md\n',
    'memory/user_instance_vscode.md': 'VSCode instance\n',
  });
  git(root, 'checkout', '-q', '-b', 'feature/board');
  const linked = path.join(path.dirname(root), 'demo-vscode');
  git(root, 'worktree', 'add', '-q', '-b', 'lanes/vscode', linked);
  writeFiles(linked, { 'build/bundle.js': 'x'.repeat(3 * 1024 * 1024) });

  await app.openWorkspace(root);
  const page = app.page;
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('demo');
  await expect(page.getByTestId('workspace-branch')).toHaveText('feature/board');

  const worktrees = page.getByRole('table', { name: 'Worktrees and disk use' });
  await expect(worktrees.getByRole('row')).toHaveCount(3);
  // Each folder by its own name, the full path on hover.
  await expect(worktrees.getByTitle(linked)).toContainText('demo-vscode');
  await expect(worktrees).toContainText('lanes/vscode');
  // Its disk use, measured again when Refresh is pressed (a figure seconds old answers otherwise).
  const linkedRow = worktrees.getByRole('row').filter({ has: page.getByTitle(linked) });
  await expect(linkedRow).toContainText('3.0 MB');
  writeFiles(linked, { 'build/vendor.js': 'y'.repeat(2 * 1024 * 1024) });
  await page.getByRole('button', { name: 'Refresh worktrees and disk use' }).click();
  await expect(linkedRow).toContainText('5.0 MB');

  const instances = page.getByRole('table', { name: 'Instances' });
  await expect(instances.getByRole('row')).toHaveCount(3);
  await expect(instances).toContainText('supabase/migrations/');

  await expect(page.getByTestId('health-config')).toContainText('2 instances');
  await expect(page.getByTestId('health-sharedState')).toContainText('has an Instance Scope Table');
  await expect(page.getByTestId('health-requests')).toContainText('1 pending, 1 done');
  await expect(page.getByTestId('health-memory')).toContainText('2 files; MEMORY.md has 2 of 200 lines');

  // Changes on disk show up without pressing Refresh.
  git(root, 'checkout', '-q', '-b', 'feature/live');
  await expect(page.getByTestId('workspace-branch')).toHaveText('feature/live');
  writeFiles(root, { 'docs/cross-instance-prs/20260414_new.md': '# New (VSCode → Windows)\n' });
  await expect(page.getByTestId('health-requests')).toContainText('2 pending, 1 done');
});

test('names the line of a malformed lanes.yml and leaves the file alone', async ({ app, temp }) => {
  const broken = 'instances:\n  - name: A\n    zones: [lib/\n';
  const root = temp.repo({ 'lanes.yml': broken });
  await app.openWorkspace(root);
  await expect(app.page.getByTestId('config-problem')).toContainText(/lanes\.yml is not valid \(line \d+/);
  await expect(app.page.getByTestId('health-config')).toHaveAttribute('data-health', 'problem');
  await app.page.getByRole('button', { name: 'Refresh', exact: true }).click();
  expect(readFileSync(path.join(root, 'lanes.yml'), 'utf8')).toBe(broken);
});

test('explains a folder that is not a repository or does not exist, then remembers the ones opened', async ({ app, temp }) => {
  const page = app.page;
  const plain = temp.dir('lanes-e2e-plain-');
  await app.goto('workspace');
  await page.getByLabel('Path of a git repository').fill(plain);
  await page.getByRole('button', { name: 'Open', exact: true }).click();
  await expect(page.getByRole('alert')).toContainText(`${plain} is not a git repository`);
  await expect(page.getByRole('alert').locator('code')).toHaveText([plain, 'git init']);

  await page.getByLabel('Path of a git repository').fill(path.join(plain, 'missing'));
  await page.getByRole('button', { name: 'Open', exact: true }).click();
  await expect(page.getByRole('alert')).toContainText('does not exist');

  const first = temp.repo({ 'a.txt': 'a' }, 'first-repo');
  const second = temp.repo({ 'b.txt': 'b' }, 'second-repo');
  writeFiles(second, { 'untracked.txt': 'x' });
  await app.openWorkspace(first);
  await app.openWorkspace(second);
  await page.getByRole('button', { name: 'Close', exact: true }).click();
  const recent = page.getByRole('list', { name: 'Recent workspaces' });
  await expect(recent.getByRole('listitem')).toHaveCount(2);
  await expect(recent.getByRole('listitem').first()).toContainText('second-repo');
  await recent.getByRole('button', { name: /^first-repo/ }).click();
  await expect(page.getByTestId('workspace-root')).toHaveText(first);
});

test('is keyboard navigable and follows the system theme', async ({ app }) => {
  const page = app.page;
  await page.keyboard.press('Alt+5');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(/Memory/);
  await page.keyboard.press('Alt+1');
  await expect(page).toHaveURL(/#\/workspace$/);

  const nav = page.getByRole('navigation', { name: 'Lanes' });
  await nav.getByRole('link', { name: 'Requests' }).focus();
  await page.keyboard.press('Enter');
  await expect(nav.getByRole('link', { name: 'Requests' })).toHaveAttribute('aria-current', 'page');

  await page.emulateMedia({ colorScheme: 'light' });
  const light = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  await page.emulateMedia({ colorScheme: 'dark' });
  const dark = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  expect(light).not.toBe(dark);
});

test('the memory summary is live, shows a broken entry, and the entry is removed from the Memory screen byte for byte', async ({ app, temp }) => {
  const index = '\uFEFF# Memory\r\n- [me](user_me.md)\r\n- [gone](project_20260101_gone.md)\r\n';
  const root = temp.repo({ 'memory/MEMORY.md': index, 'memory/user_me.md': '# Me\n' });
  await app.openWorkspace(root);
  const page = app.page;
  const memory = page.getByTestId('health-memory');
  await expect(memory).toHaveAttribute('data-health', 'problem');
  await expect(memory).toContainText('1 broken entry (line 3: project_20260101_gone.md)');

  // Live: a new file shows without Refresh.
  writeFiles(root, { 'memory/feedback_success_live.md': '# Live\n' });
  await expect(memory).toContainText('3 files;');
  await expect(memory).toContainText('1 file not in the index');
  await page.screenshot({ path: '/tmp/workspace-memory-broken.png', fullPage: true });

  await memory.getByTestId('memory-fix-link').click();
  const health = page.getByTestId('index-health');
  await health.getByRole('button', { name: 'Remove line 3 (project_20260101_gone.md) from MEMORY.md' }).click();
  await expect(health.getByRole('list', { name: 'Entries pointing to missing files' })).toHaveCount(0);
  expect(readFileSync(path.join(root, 'memory', 'MEMORY.md'), 'utf8')).toBe('\uFEFF# Memory\r\n- [me](user_me.md)\r\n');

  await app.goto('workspace');
  await expect(memory).toHaveAttribute('data-health', 'ok');
  await expect(memory).not.toContainText('broken');
});
