import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from './fixtures';

// How the screens look while git is slow or failing. Lanes (the web mode's server, started per
// test with this worker's environment) finds `git` on PATH: here a stand-in that passes every
// call to the real git, after a pause or instead with a failure when a flag file asks for it.
// Web mode only: the Electron app would need the same PATH, and tests the same renderer.

const realGit = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
const stubDir = mkdtempSync(path.join(os.tmpdir(), 'lanes-e2e-git-'));
const flags = path.join(stubDir, 'flags');
mkdirSync(path.join(stubDir, 'bin'));
mkdirSync(flags);
writeFileSync(
  path.join(stubDir, 'bin', 'git'),
  `#!/bin/sh
[ -f ${JSON.stringify(path.join(flags, 'slow'))} ] && sleep "$(cat ${JSON.stringify(path.join(flags, 'slow'))})"
for sub in worktree ls-files; do
  case " $* " in *" $sub "*) [ -f ${JSON.stringify(flags)}/fail-$sub ] && { echo "fatal: git $sub broke (test)" >&2; exit 128; } ;; esac
done
exec ${JSON.stringify(realGit)} "$@"
`,
  { mode: 0o755 },
);
const pathBefore = process.env.PATH;
process.env.PATH = `${path.join(stubDir, 'bin')}${path.delimiter}${pathBefore ?? ''}`;
test.afterAll(() => {
  process.env.PATH = pathBefore;
  rmSync(stubDir, { recursive: true, force: true });
});
/** Turns a flag on (with its content: the seconds each git call waits, for `slow`) or off. */
const flag = (name: string, on: boolean, content = '') => (on ? writeFileSync(path.join(flags, name), content) : rmSync(path.join(flags, name), { force: true }));
test.afterEach(() => {
  for (const name of ['slow', 'fail-worktree', 'fail-ls-files']) flag(name, false);
});

const CONFIG = 'instances:\n  - name: api\n    zones: [src/api/]\n';

test('a slow git: opening says what it reads, and a page loaded meanwhile shows each screen reading, never "no workspace"', async ({ app, temp }) => {
  test.setTimeout(150_000);
  const root = temp.repo({ 'lanes.yml': CONFIG, 'src/api/a.ts': '//\n' });
  const page = app.page;
  flag('slow', true, '1');
  await page.getByLabel('Path of a git repository').fill(root);
  await page.getByRole('button', { name: 'Open', exact: true }).click();
  await expect(page.getByRole('button', { name: 'Opening…' })).toBeDisabled();
  await expect(page.getByRole('status').filter({ hasText: 'Reading the repository' })).toBeVisible();
  await expect(page.getByTestId('workspace-root')).toHaveText(root, { timeout: 60_000 });
  await page.getByRole('dialog', { name: 'Do you trust the commands in this repository?' }).getByRole('button', { name: 'Browse without running' }).click();

  // Reloaded on Zones: main still knows the workspace, but says so only once git has answered
  // (8 s a call: both transient states below must still show on a machine busy enough to take
  // seconds over the reload itself).
  flag('slow', true, '8');
  await app.goto('zones');
  await page.reload();
  await expect(page.getByRole('region', { name: 'Zones' }).getByRole('status').filter({ hasText: 'Reading the workspace…' })).toBeVisible();
  await expect(page.getByText('Open a repository to edit who owns which of its files.')).toHaveCount(0);
  await expect(page.getByRole('navigation', { name: 'Lanes' })).toContainText('Reading…');
  await page.screenshot({ path: test.info().outputPath('zones-reading.png') });
  await expect(page.getByText('Drag a folder onto an instance')).toBeVisible({ timeout: 60_000 });
});

test('a git that fails halfway through opening leaves nothing open; once it works, the same open succeeds', async ({ app, temp }) => {
  const root = temp.repo({ 'lanes.yml': CONFIG, 'src/api/a.ts': '//\n' });
  const page = app.page;
  flag('fail-worktree', true);
  await page.getByLabel('Path of a git repository').fill(root);
  await page.getByRole('button', { name: 'Open', exact: true }).click();
  await expect(page.getByRole('alert')).toContainText('git worktree broke (test)');
  // Nothing half open: no restricted-mode bar or trust prompt for a workspace that is not shown.
  await expect(page.getByText('Restricted mode.')).toHaveCount(0);
  await expect(page.getByRole('dialog', { name: 'Do you trust the commands in this repository?' })).toHaveCount(0);
  await expect(page.getByRole('navigation', { name: 'Lanes' })).toContainText('No workspace');

  flag('fail-worktree', false);
  await page.getByRole('button', { name: 'Open', exact: true }).click();
  await expect(page.getByTestId('workspace-root')).toHaveText(root);
});

test('Zones says it could not read the repository, and reads it again when asked', async ({ app, temp }) => {
  const root = temp.repo({ 'lanes.yml': CONFIG, 'src/api/a.ts': '//\n' });
  const page = app.page;
  await app.openWorkspace(root);
  flag('fail-ls-files', true);
  await app.goto('zones');
  await expect(page.getByRole('alert')).toContainText('git ls-files broke (test)');
  const failed = page.getByRole('status').filter({ hasText: 'Lanes could not read the zones of this repository' });
  await expect(failed).toBeVisible();
  await page.screenshot({ path: test.info().outputPath('zones-failed.png') });

  flag('fail-ls-files', false);
  await failed.getByRole('button', { name: 'Try again' }).click();
  await expect(failed).toHaveCount(0);
  await expect(page.getByRole('tree')).toContainText('src');
});
