import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test, type LanesFixtures } from './fixtures';
import { inBothThemes } from './support/axe';
import { APP_ROOT } from './support/electron';
import { git, writeFiles } from './support/repo';

const FAKE_AGENT = path.join(APP_ROOT, 'test', 'fake-agent', 'agent.mjs');

const LANES_YML = `# Lanes workspace for the demo app
instances: []
setup: "node -e \\"console.log('setting up ' + require('path').basename(process.cwd()))\\""
`;

/** Opens `root` on the Instances screen and its New instance dialog. */
async function openDialog(app: LanesFixtures['app'], root: string) {
  await app.openWorkspace(root);
  await app.goto('instances');
  await app.page.getByRole('button', { name: 'New instance' }).click();
  return app.page.getByRole('dialog', { name: 'New instance' });
}

test('creates an instance from the New instance dialog, with its worktree on disk, then merges and removes it', async ({ app, temp }) => {
  // Several creations, removals and git runs in one test: on a loaded machine they outlast the default timeout.
  test.slow();
  const root = temp.repo({
    'README.md': '# demo\n',
    'app.txt': 'one\ntwo\n',
    'lanes.yml': LANES_YML,
    '.gitignore': '.env\n',
    '.worktreeinclude': '.env\n',
  });
  writeFiles(root, { '.env': 'TOKEN=local\n' });
  const folder = path.join(path.dirname(root), 'demo-frontend');
  const page = app.page;
  await app.openWorkspace(root);
  await app.goto('instances');

  await page.getByRole('button', { name: 'New instance' }).click();
  const dialog = page.getByRole('dialog', { name: 'New instance' });
  await expect(dialog).toBeVisible();
  await dialog.getByLabel('Name', { exact: true }).fill('Frontend');
  await dialog.getByLabel('Agent').selectOption('custom');
  await dialog.getByLabel('Command line').fill('bash');
  await expect(dialog.getByText(folder)).toBeVisible();
  await dialog.getByText('More options').click();
  await expect(dialog.getByLabel('Role prompt (optional)')).toHaveValue(/You are the frontend instance/);
  await expect(dialog.getByLabel('New branch')).toHaveAttribute('placeholder', 'lanes/frontend');
  await page.screenshot({ path: '/tmp/worktrees-dialog-light.png' });
  await dialog.getByRole('button', { name: 'Create instance' }).click();

  const result = dialog.getByTestId('create-result');
  await expect(result).toContainText('Frontend is ready');
  await expect(result).toContainText(folder);
  await expect(result).toContainText('Copied from the main checkout: .env');
  await expect(dialog.getByTestId('setup-exit')).toContainText('finished');
  await expect(dialog.getByLabel('Setup output')).toContainText('setting up demo-frontend');

  expect(readFileSync(path.join(folder, 'README.md'), 'utf8')).toBe('# demo\n');
  expect(readFileSync(path.join(folder, '.env'), 'utf8')).toBe('TOKEN=local\n');
  expect(git(folder, 'symbolic-ref', '--short', 'HEAD').trim()).toBe('lanes/frontend');
  const yml = readFileSync(path.join(root, 'lanes.yml'), 'utf8');
  expect(yml).toContain('# Lanes workspace for the demo app');
  expect(yml).toMatch(/name: Frontend[\s\S]*agent: bash[\s\S]*worktree: \.\.\/demo-frontend/);

  await dialog.getByRole('button', { name: 'Done' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole('button', { name: 'New instance' })).toBeFocused();

  // The instance's git panel: work committed in its worktree shows as ahead, with a diff.
  writeFiles(folder, { 'app.txt': 'one\n2\n', 'feature.txt': 'feature\n' });
  git(folder, 'add', '-A');
  // Lanes' pre-commit hook would refuse these files outside Frontend's (empty) zones; zones are not this test's subject.
  git(folder, 'commit', '-q', '--no-verify', '-m', 'feature');
  await page.getByRole('radio', { name: 'Focus' }).click();
  const panel = page.getByTestId('worktree-panel');
  await panel.getByRole('button', { name: 'Refresh' }).click();
  await expect(panel.getByTestId('worktree-branch')).toContainText('lanes/frontend');
  await expect(panel.getByTestId('worktree-ahead-behind')).toContainText('↑1 ↓0');
  await panel.getByRole('button', { name: 'Diff against main' }).click();
  const diff = panel.getByTestId('diff-view');
  await expect(diff).toContainText('2 files changed against main');
  await expect(diff.locator('tr.diff-add')).toHaveCount(2);
  await panel.screenshot({ path: '/tmp/worktrees-panel-light.png' });
  await page.emulateMedia({ colorScheme: 'dark' });
  await panel.screenshot({ path: '/tmp/worktrees-panel-dark.png' });
  await page.emulateMedia({ colorScheme: 'light' });

  git(root, 'add', 'lanes.yml');
  git(root, 'commit', '-q', '-m', 'add Frontend');
  await panel.getByRole('button', { name: 'Merge into main' }).click();
  await expect(panel.getByTestId('merge-result')).toContainText('was merged into "main" with a merge commit');
  expect(readFileSync(path.join(root, 'feature.txt'), 'utf8')).toBe('feature\n');

  // Removal with uncommitted work asks for the name to be typed.
  writeFiles(folder, { 'draft.txt': 'unsaved\n' });
  await panel.getByRole('button', { name: 'Refresh' }).click();
  await expect(panel.getByTestId('worktree-changes')).toContainText('1 uncommitted change');
  await panel.getByRole('button', { name: 'Remove instance…' }).click();
  const remove = panel.getByRole('button', { name: 'Remove instance', exact: true });
  await expect(remove).toBeDisabled();
  await panel.getByLabel('Type Frontend to confirm').fill('Frontend');
  await remove.click();
  await expect.poll(() => readFileSync(path.join(root, 'lanes.yml'), 'utf8')).not.toContain('name: Frontend');
  expect(existsSync(folder)).toBe(false);
  expect(git(root, 'branch', '--list', 'lanes/frontend')).toContain('lanes/frontend');
});

test('the short path: Enter in the New instance dialog creates an instance from its defaults alone, and the next one gets a free name', async ({ app, temp }) => {
  test.slow();
  const root = temp.repo({ 'README.md': '# demo\n' });
  const page = app.page;
  const dialog = await openDialog(app, root);
  const name = dialog.getByLabel('Name', { exact: true });
  await expect(name).toBeFocused();
  await expect(name).toHaveValue('Frontend');
  await expect(dialog.getByLabel('Role', { exact: true })).toHaveValue('frontend');
  await expect(dialog.getByLabel('Agent')).toHaveValue('claude');
  await expect(dialog.getByLabel('Base', { exact: true })).toHaveValue('main');
  await expect(dialog.getByTestId('create-where')).toContainText(`Works in a new worktree at ${path.join(path.dirname(root), 'demo-frontend')} on branch lanes/frontend.`);
  // The rarely used fields wait behind "More options"; the role prompt is not asked for.
  await expect(dialog.getByLabel('Role prompt (optional)')).toBeHidden();
  await expect(dialog.getByRole('radio', { name: 'No worktree: run in the main checkout' })).toBeHidden();
  expect(await inBothThemes(page, dialog, 'worktrees-dialog-short', 'dialog[open]')).toEqual([]);

  await page.keyboard.press('Enter');
  await expect(dialog.getByTestId('create-result')).toContainText('Frontend is ready', { timeout: 30_000 });
  await expect(dialog.getByTestId('create-result')).toContainText('on branch lanes/frontend from main.');
  const yml = readFileSync(path.join(root, 'lanes.yml'), 'utf8');
  expect(yml).toMatch(/name: Frontend\n\s+role: frontend\n\s+prompt: "You are the frontend instance/);
  expect(yml).toContain('agent: claude');
  await page.keyboard.press('Enter');
  await expect(dialog).toBeHidden();

  // The next one is named after its role too, with a number to keep it free; Esc closes without creating.
  await page.getByRole('button', { name: 'New instance' }).click();
  await expect(name).toHaveValue('Frontend-2');
  await dialog.getByLabel('Role', { exact: true }).selectOption('qa');
  await expect(name).toHaveValue('QA');
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  expect(readFileSync(path.join(root, 'lanes.yml'), 'utf8')).toBe(yml);
});

test('shows git\'s own words when the branch already exists, and creates nothing', async ({ app, temp }) => {
  const root = temp.repo({ 'README.md': '# demo\n' });
  git(root, 'branch', 'lanes/qa');
  const page = app.page;
  const dialog = await openDialog(app, root);
  await dialog.getByLabel('Name', { exact: true }).fill('QA');
  await dialog.getByLabel('Role', { exact: true }).selectOption('qa');
  await dialog.getByRole('button', { name: 'Create instance' }).click();
  await expect(dialog.getByTestId('create-error')).toContainText("a branch named 'lanes/qa' already exists");
  expect(existsSync(path.join(path.dirname(root), 'demo-qa'))).toBe(false);
  expect(existsSync(path.join(root, 'lanes.yml'))).toBe(false);
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
});

test('the New instance dialog follows lanes.yml while it is open: a setup command added by hand shows at once', async ({ app, temp }) => {
  const root = temp.repo({ 'README.md': '# demo\n', 'lanes.yml': 'instances: []\n' });
  const dialog = await openDialog(app, root);
  await expect(dialog.getByLabel('Name', { exact: true })).toBeVisible();
  await dialog.getByText('More options').click();
  await expect(dialog.getByText('Run the setup command')).toHaveCount(0);

  writeFiles(root, { 'lanes.yml': 'instances: []\nsetup: npm ci --prefer-offline\n' });
  await expect(dialog.getByText('Run the setup command')).toBeVisible();
  await expect(dialog.getByTestId('create-where').locator('code', { hasText: 'npm ci --prefer-offline' })).toBeVisible();
  await dialog.screenshot({ path: '/tmp/worktrees-dialog-setup-followed.png' });
});

test('creates an instance from a detached-HEAD clone: the current commit by default, any typed ref, a clear error for one that does not exist', async ({ app, temp }) => {
  // Several creations, removals and git runs in one test: on a loaded machine they outlast the default timeout.
  test.slow();
  const origin = temp.repo({ 'README.md': '# demo\n' }, 'origin');
  git(origin, 'tag', 'v1');
  const root = path.join(path.dirname(origin), 'demo');
  git(path.dirname(origin), 'clone', '-q', origin, root);
  git(root, 'checkout', '-q', '--detach', 'HEAD');
  const commit = git(root, 'rev-parse', 'HEAD').trim();
  const page = app.page;
  await app.openWorkspace(root);
  await app.goto('instances');

  await page.getByRole('button', { name: 'New instance' }).click();
  const dialog = page.getByRole('dialog', { name: 'New instance' });
  await dialog.getByLabel('Name', { exact: true }).fill('QA');
  await dialog.getByLabel('Role', { exact: true }).selectOption('qa');
  await expect(dialog.getByTestId('base-hint')).toHaveText(`Empty: current commit ${commit.slice(0, 7)} (detached HEAD). Or type a branch, tag or commit.`);
  await page.screenshot({ path: '/tmp/worktrees-detached-dialog.png' });
  await dialog.getByLabel('Base', { exact: true }).fill('origin/nope');
  await dialog.getByRole('button', { name: 'Create instance' }).click();
  await expect(dialog.getByTestId('create-error')).toContainText('The base "origin/nope" is not a branch, tag or commit of this repository');
  expect(existsSync(path.join(path.dirname(root), 'demo-qa'))).toBe(false);
  expect(existsSync(path.join(root, 'lanes.yml'))).toBe(false);
  await page.screenshot({ path: '/tmp/worktrees-detached-error.png' });

  await dialog.getByLabel('Base', { exact: true }).fill('');
  await dialog.getByRole('button', { name: 'Create instance' }).click();
  const result = dialog.getByTestId('create-result');
  await expect(result).toContainText(`QA is ready in ${path.join(path.dirname(root), 'demo-qa')} on branch lanes/qa from ${commit.slice(0, 7)}.`);
  expect(git(path.join(path.dirname(root), 'demo-qa'), 'rev-parse', 'HEAD').trim()).toBe(commit);
  expect(readFileSync(path.join(root, 'lanes.yml'), 'utf8')).toContain(`base: ${commit}`);
  await dialog.getByRole('button', { name: 'Done' }).click();

  await page.getByRole('button', { name: 'New instance' }).click();
  await dialog.getByLabel('Name', { exact: true }).fill('Tagged');
  await dialog.getByLabel('Base', { exact: true }).fill('v1');
  await dialog.getByRole('button', { name: 'Create instance' }).click();
  await expect(dialog.getByTestId('create-result')).toContainText('on branch lanes/tagged from v1.');
});

test('"Remove worktree" stops the running instance and keeps it in lanes.yml to restore later; "Remove instance" takes it out of lanes.yml', async ({ app, temp }) => {
  // Several creations, removals and git runs in one test: on a loaded machine they outlast the default timeout.
  test.slow();
  const agent = `${process.execPath} ${FAKE_AGENT} --print=ready --repl`;
  const root = temp.repo({
    'README.md': '# demo\n',
    'lanes.yml': `# team\ninstances:\n  - name: api\n    role: backend\n    agent: ${JSON.stringify(agent)}\n    branch: lanes/api\n    base: main\n    worktree: ../demo-api\n    zones: [src/]\n`,
  });
  const folder = path.join(path.dirname(root), 'demo-api');
  git(root, 'worktree', 'add', '-q', '-b', 'lanes/api', folder);
  const yml = readFileSync(path.join(root, 'lanes.yml'), 'utf8');
  const page = app.page;
  await app.openWorkspace(root);
  await app.goto('instances');
  const card = page.getByTestId('instance-api');
  await card.getByRole('button', { name: 'Start api' }).click();
  await expect(card.getByTestId('status-api')).toHaveAttribute('data-status', 'waiting');

  await page.getByRole('radio', { name: 'Focus' }).click();
  const panel = page.getByTestId('worktree-panel');
  await panel.getByRole('button', { name: 'Remove worktree…' }).click();
  await expect(panel.getByRole('heading', { name: 'Remove the worktree of api?' })).toBeVisible();
  await expect(panel).toContainText('api stays in lanes.yml with its role, zones and branch');
  await expect(panel).toContainText('If api is running, Lanes stops it first.');
  await panel.screenshot({ path: '/tmp/worktrees-remove-worktree.png' });
  await panel.getByRole('button', { name: 'Remove worktree', exact: true }).click();

  await expect(panel.getByRole('status').filter({ hasText: 'has no worktree' })).toContainText(`"api" has no worktree: \`${folder}\` is gone.`);
  await expect(card.getByTestId('status-api')).toHaveAttribute('data-status', 'exited');
  expect(existsSync(folder)).toBe(false);
  expect(readFileSync(path.join(root, 'lanes.yml'), 'utf8')).toBe(yml);
  expect(git(root, 'branch', '--list', 'lanes/api')).toContain('lanes/api');
  await panel.screenshot({ path: '/tmp/worktrees-worktree-removed.png' });

  await panel.getByRole('button', { name: 'Restore worktree' }).click();
  await expect(panel.getByTestId('worktree-branch')).toContainText('lanes/api');
  expect(git(folder, 'symbolic-ref', '--short', 'HEAD').trim()).toBe('lanes/api');

  await panel.getByRole('button', { name: 'Remove instance…' }).click();
  await panel.getByRole('button', { name: 'Remove instance', exact: true }).click();
  await expect.poll(() => readFileSync(path.join(root, 'lanes.yml'), 'utf8')).toBe('# team\ninstances: []\n');
  expect(existsSync(folder)).toBe(false);
});

test('a typed agent command can be marked as reading typed instructions; the known agents are not asked', async ({ app, temp }) => {
  const root = temp.repo({ 'README.md': '# demo\n' });
  const dialog = await openDialog(app, root);
  await dialog.getByLabel('Name', { exact: true }).fill('Bot');
  const reads = dialog.getByRole('checkbox', { name: /This command reads typed instructions/ });
  await expect(reads).toHaveCount(0);
  await dialog.getByLabel('Agent').selectOption('custom');
  await dialog.getByLabel('Command line').fill('my-agent --chat');
  await reads.check();
  await dialog.getByText('More options').click();
  await dialog.getByRole('radio', { name: 'No worktree: run in the main checkout' }).check();
  await dialog.screenshot({ path: '/tmp/worktrees-takes-instructions.png' });
  await dialog.getByRole('button', { name: 'Create instance' }).click();
  await expect(dialog.getByTestId('create-result')).toContainText('Bot is ready in the main checkout.');
  expect(readFileSync(path.join(root, 'lanes.yml'), 'utf8')).toMatch(/agent: my-agent --chat\n\s+takesInstructions: true\n/);
});
