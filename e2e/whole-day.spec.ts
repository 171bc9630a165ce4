// The whole day of the field report, through the UI, with three agents in worktrees: each agent
// is the fake agent acting like Claude Code (hooks included), started as `claude` so Lanes treats
// it as one. Every coordination file is read and written in one home, the main checkout.
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from './fixtures';
import { drag } from './support/drag';
import { APP_ROOT } from './support/electron';
import { git } from './support/repo';

const FAKE_AGENT = path.join(APP_ROOT, 'test', 'fake-agent', 'agent.mjs');
const REQUESTS = 'docs/cross-instance-prs';

// `claude` on PATH is the fake agent in its Claude Code mode. The web server Lanes runs in
// inherits this PATH, and so do the agents it starts.
const bin = path.join(os.tmpdir(), `lanes-e2e-claude-${process.pid}`);
mkdirSync(bin, { recursive: true });
writeFileSync(path.join(bin, 'claude'), `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(FAKE_AGENT)} --claude "$@"\n`);
chmodSync(path.join(bin, 'claude'), 0o755);
process.env.PATH = `${bin}${path.delimiter}${process.env.PATH ?? ''}`;

const SHARED_STATE = `# Current snapshot
The app ships on three platforms.

## Instance Scope Table
| Instance | Owned Files |
|----------|-------------|

## Notes
Read this file at the start of every session.
`;

/** A repository in the field report's layout: a few hundred files across feature folders. */
function fieldReportFiles(): Record<string, string> {
  const files: Record<string, string> = {
    'README.md': '# ai university\n',
    'lanes.yml': '# Lanes workspace\ninstances: []\n',
    'COMPRESSED_PROMPT_V3.md': SHARED_STATE,
    'memory/MEMORY.md': '# Memory index\n- [User](user_profile.md) — who we build for\n',
    'memory/user_profile.md': '---\nname: User\ndescription: who we build for\ntype: user\n---\nStudents on three platforms.\n',
    [`${REQUESTS}/done/.keep`]: '',
    '.github/workflows/ci.yml': 'on: push\n',
    'supabase/migrations/001_init.sql': '-- init\n',
  };
  for (const feature of ['auth', 'courses', 'providers', 'settings', 'search']) {
    for (let index = 0; index < 50; index += 1) files[`lib/${feature}/part_${index}.dart`] = `// ${feature} ${index}\n`;
    for (let index = 0; index < 10; index += 1) files[`supabase/functions/${feature}/handler_${index}.ts`] = `// ${feature} ${index}\n`;
    files[`docs/${feature}.md`] = `# ${feature}\n`;
  }
  return files;
}


/**
 * Processes whose working folder lies inside `folder` (the agents and anything they started),
 * as "pid command", leaving out git: the zone watcher keeps one `git check-ignore` per worktree
 * for as long as it guards it, whether agents run or not.
 */
function processesIn(folder: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cwd = readlinkSync(`/proc/${entry}/cwd`);
      const command = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').filter(Boolean);
      if ((cwd === folder || cwd.startsWith(`${folder}/`)) && path.basename(command[0] ?? '') !== 'git') found.push(`${entry} ${command.join(' ')}`);
    } catch {
      // gone, or not ours
    }
  }
  return found;
}

test('the whole day: three agents in worktrees, one home for requests, memory and shared state', async ({ app, temp }) => {
  test.setTimeout(240_000);
  const origin = temp.repo(fieldReportFiles(), 'origin');
  const parent = temp.dir('lanes-e2e-day-');
  const home = path.join(parent, 'app');
  git(parent, 'clone', '-q', origin, home);
  git(home, 'checkout', '-q', '--detach');
  const page = app.page;
  await app.openWorkspace(home);
  await app.goto('instances');
  await page.getByRole('checkbox', { name: 'GPU terminals' }).uncheck();

  // 1. Three instances from a detached HEAD, zones by drag and drop.
  const names = ['Alpha', 'Beta', 'Gamma'] as const;
  for (const name of names) {
    await page.getByRole('button', { name: 'New instance' }).click();
    const dialog = page.getByRole('dialog', { name: 'New instance' });
    await dialog.getByLabel('Name', { exact: true }).fill(name);
    await expect(dialog).toContainText('detached HEAD');
    await dialog.getByRole('button', { name: 'Create instance' }).click();
    await expect(dialog.getByTestId('create-result')).toContainText(`${name} is ready`, { timeout: 30_000 }); // a worktree of the whole repository
    await dialog.getByRole('button', { name: 'Done' }).click();
    await expect(dialog).toBeHidden();
  }
  const worktree = (name: string) => path.join(parent, `app-${name.toLowerCase()}`);
  for (const name of names) expect(existsSync(path.join(worktree(name), 'lib'))).toBe(true);

  await app.goto('zones');
  const instanceCard = (name: string) => page.getByRole('article', { name: `Instance ${name}` });
  await drag(page, page.locator('[role="treeitem"][data-path="lib"]'), instanceCard('Alpha'));
  await drag(page, page.locator('[role="treeitem"][data-path="supabase"]'), instanceCard('Beta'));
  await drag(page, page.locator('[role="treeitem"][data-path=".github"]'), instanceCard('Gamma'));
  for (const [name, zone] of [['Alpha', 'lib/'], ['Beta', 'supabase/'], ['Gamma', '.github/']]) {
    await expect(instanceCard(name!).getByRole('list', { name: `Zones of ${name}` })).toContainText(zone!);
  }
  await page.getByRole('button', { name: 'Save zones' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Saved to lanes.yml' })).toBeVisible();
  await expect.poll(() => readFileSync(path.join(home, 'COMPRESSED_PROMPT_V3.md'), 'utf8')).toMatch(/\| Beta \| supabase\/ \|/);

  // 2. Alpha tries to write Beta's file: the guard blocks it and names Beta; Alpha asks Beta instead.
  await app.goto('instances');
  await page.getByRole('button', { name: 'Start all' }).click();
  const terminal = (name: string) => page.getByTestId(`terminal-${name}`);
  for (const name of names) await expect(terminal(name)).toContainText('>');
  const typeInto = async (name: string, line: string) => {
    await terminal(name).click();
    await page.keyboard.type(line);
    await page.keyboard.press('Enter');
  };
  await typeInto('Alpha', 'write supabase/functions/auth/handler_0.ts // taken over');
  await expect(terminal('Alpha')).toContainText(/Write blocked by hook:.*Beta/);
  expect(readFileSync(path.join(worktree('Alpha'), 'supabase/functions/auth/handler_0.ts'), 'utf8')).toBe('// auth 0\n');
  const requestFile = path.join(home, REQUESTS, '20261201_auth_handler.md');
  await typeInto('Alpha', `write ${requestFile} # Auth handler needs a provider field (Alpha → Beta)`);
  await expect(terminal('Alpha')).toContainText(`Wrote ${requestFile}`);

  // 3. The card appears under Open; handed to Beta, Beta does it and moves it to done/.
  await app.goto('requests');
  const column = (status: string) => page.getByTestId(`column-${status}`);
  const card = column('open').getByTestId('request-card').filter({ hasText: 'Auth handler needs a provider field' });
  await expect(card).toBeVisible();
  await card.getByRole('button', { name: 'Auth handler needs a provider field', exact: true }).click();
  const detail = page.getByRole('dialog', { name: 'Auth handler needs a provider field' });
  await detail.getByRole('button', { name: 'Send to agent' }).click();
  await expect(column('done').getByTestId('request-card').filter({ hasText: 'Auth handler needs a provider field' })).toBeVisible({ timeout: 20_000 });
  expect(existsSync(path.join(home, REQUESTS, 'done', '20261201_auth_handler.md'))).toBe(true);
  await detail.getByRole('button', { name: 'Close' }).click();

  // 4. A shell write outside the zone is flagged, and its commit is refused.
  await app.goto('instances');
  await typeInto('Alpha', 'shell echo "-- sneaked in" > supabase/migrations/002_sneak.sql');
  await expect(page.getByRole('link', { name: /1 violation\b/ }).first()).toBeVisible({ timeout: 15_000 });
  git(worktree('Alpha'), 'add', 'supabase/migrations/002_sneak.sql');
  expect(() => git(worktree('Alpha'), 'commit', '-q', '-m', 'sneak')).toThrow(/supabase\/migrations\/002_sneak\.sql/);
  git(worktree('Alpha'), 'rm', '-q', '--cached', 'supabase/migrations/002_sneak.sql');

  // 5. Wrap up all from the Instances screen, where the agents are watched: memory entries land
  // in the home; the notice counts them and leads to Memory, where they show under their kind.
  await page.getByRole('button', { name: 'Wrap up', exact: true }).click();
  const notice = page.getByTestId('wrap-up-notice');
  for (const name of names) await expect(notice).toContainText(name);
  await expect(notice).toContainText('Wrap-up typed into');
  for (const name of names) {
    await expect.poll(() => readFileSync(path.join(home, 'memory', 'MEMORY.md'), 'utf8'), { timeout: 20_000 }).toContain(`[${name} wrap-up]`);
  }
  await expect(notice).toContainText(/\d+ memory files have changed since/);
  await page.screenshot({ path: test.info().outputPath('wrap-up-notice.png') });
  await notice.getByRole('link', { name: 'Review on Memory' }).click();
  await expect(page).toHaveURL(/#\/memory$/);
  // Nothing landed in a worktree's own copy of the memory folder.
  for (const name of names) expect(readdirSync(path.join(worktree(name), 'memory')).sort()).toEqual(['MEMORY.md', 'user_profile.md']);
  const worked = page.getByRole('region', { name: /^What worked/ });
  for (const name of names) await expect(worked.getByRole('link', { name: new RegExp(`^feedback_success_${name.toLowerCase()}_\\d+\\.md`) })).toBeVisible();
  await expect(page.getByText('Every file is in the index and every entry points to a file.')).toBeVisible();
  // Each agent noted its session in the shared-state file, outside the table, which stays as Lanes wrote it.
  const sharedState = () => readFileSync(path.join(home, 'COMPRESSED_PROMPT_V3.md'), 'utf8');
  for (const name of names) await expect.poll(sharedState, { timeout: 20_000 }).toContain(`- ${name} wrapped up its session.`);
  expect(sharedState()).toMatch(/\| Alpha \| lib\/ \|\n\| Beta \| supabase\/ \|\n\| Gamma \| \.github\/ \|\n\n## Notes\n/);

  // 6. Commit the coordination changes from the panel: only those files, on the detached HEAD.
  git(home, 'status', '--porcelain');
  await app.goto('workspace');
  const panel = page.getByTestId('coordination-changes');
  await panel.getByRole('button', { name: /^Commit these \d+ changes$/ }).click();
  // The commit runs the repository's pre-commit hook (Lanes' zone check, a Node process): no speed is measured here.
  await expect(panel.getByTestId('coordination-clean')).toBeVisible({ timeout: 30_000 });
  const committed = git(home, 'show', '--name-only', '--format=%s', 'HEAD');
  expect(committed).toMatch(/^Lanes: coordination/);
  expect(committed).toContain('memory/MEMORY.md');
  expect(committed).toContain(`${REQUESTS}/done/20261201_auth_handler.md`);
  expect(committed).toContain('lanes.yml');

  // 7. Stop all: no process is left in any worktree.
  await app.goto('instances');
  await page.getByRole('button', { name: 'Stop all' }).click();
  await expect.poll(() => processesIn(parent), { timeout: 10_000 }).toEqual([]);

  // 8. Remove one instance: no violation appears, and its scope-table row is gone.
  const violationRows = page.getByRole('region', { name: 'Violations' }).locator('tbody tr');
  const showViolations = async () => {
    await app.goto('zones');
    await page.getByRole('navigation', { name: 'Zones views' }).getByRole('link', { name: /^Violations/ }).click();
  };
  await showViolations();
  await expect(violationRows.first()).toBeVisible(); // the shell write of step 4, once the view has read the log
  const violationsBefore = await violationRows.count();
  await app.goto('instances');
  await page.getByTestId('instance-Gamma').getByRole('button', { name: 'Gamma', exact: true }).click();
  const gitPanel = page.getByTestId('worktree-panel');
  await gitPanel.getByRole('button', { name: 'Remove instance…' }).click();
  const confirm = gitPanel.getByLabel('Type Gamma to confirm');
  if (await confirm.isVisible()) await confirm.fill('Gamma');
  await gitPanel.getByRole('button', { name: 'Remove instance', exact: true }).click();
  await expect.poll(() => readFileSync(path.join(home, 'lanes.yml'), 'utf8')).not.toContain('name: Gamma');
  await expect.poll(() => readFileSync(path.join(home, 'COMPRESSED_PROMPT_V3.md'), 'utf8')).not.toContain('| Gamma |');
  await expect.poll(() => existsSync(worktree('Gamma'))).toBe(false);
  await showViolations();
  await expect(violationRows).toHaveCount(violationsBefore);
  await page.screenshot({ path: '/tmp/whole-day-end.png', fullPage: true });
});
