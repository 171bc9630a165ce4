import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { FIELD_REPORT_CONFIG } from '../test/support/field-report';
import { expect, test } from './fixtures';
import { drag } from './support/drag';

const SHARED_STATE = `## Current Snapshot (as of Windows版#67)
- Total pages: 219
## Instance Scope Table
| Instance | Owned Files |
|----------|-------------|
| VSCode | lib/, supabase/functions/ |
| Windows | docs/, supabase/migrations/ |
| PowerShell | .github/workflows/ |
This prevents "already implemented by another instance" duplicate work.
`;

const FILES = {
  'lanes.yml': FIELD_REPORT_CONFIG,
  'COMPRESSED_PROMPT_V3.md': SHARED_STATE,
  'lib/main.dart': 'void main() {}\n',
  'lib/pages/home.dart': '//\n',
  'supabase/functions/hello/index.ts': '//\n',
  'supabase/migrations/001_init.sql': '--\n',
  'docs/guide.md': '# guide\n',
  '.github/workflows/ci.yml': 'on: push\n',
  'web/index.html': '<!doctype html>\n',
  'README.md': '# demo\n',
};


test('drag a folder onto an instance, see the overlap, save, and find both files changed on disk', async ({ app, temp }) => {
  const root = temp.repo(FILES);
  await app.openWorkspace(root);
  await app.goto('zones');
  const page = app.page;
  // Tall enough that the tree and every instance card fit on screen: a drag cannot scroll.
  await page.setViewportSize({ width: 1280, height: 1000 });

  const windows = page.getByRole('article', { name: 'Instance Windows' });
  await expect(windows.getByRole('list', { name: 'Zones of Windows' })).toContainText('docs/');
  await expect(page.getByText('no overlaps')).toBeVisible();
  const web = page.locator('[role="treeitem"][data-path="web"]');
  await expect(web).toHaveAttribute('data-state', 'unowned');

  await page.screenshot({ path: '/tmp/zones-light.png', fullPage: true });
  await drag(page, page.locator('[role="treeitem"][data-path="lib"]'), windows);
  await expect(windows.getByRole('list', { name: 'Zones of Windows' })).toContainText('lib/');
  await expect(page.getByText('2 files are owned by two or more instances')).toBeVisible();
  await expect(page.locator('[role="treeitem"][data-path="lib"]')).toHaveAttribute('data-state', 'overlap');
  await expect(page.getByRole('region', { name: 'Overlaps' })).toContainText('lib/');

  // Move the chip back out of the overlap: drag it from Windows to PowerShell, then remove it there.
  const powershell = page.getByRole('article', { name: 'Instance PowerShell' });
  await drag(page, windows.getByRole('button', { name: /^lib\/, zone of Windows/ }), powershell);
  await expect(powershell.getByRole('list', { name: 'Zones of PowerShell' })).toContainText('lib/');
  await expect(windows.getByRole('list', { name: 'Zones of Windows' })).not.toContainText('lib/');
  await powershell.getByRole('button', { name: 'Remove lib/ from PowerShell' }).click();
  await expect(page.getByText('no overlaps')).toBeVisible();

  // Give web/ to Windows by dragging, and a glob by hand to PowerShell.
  await drag(page, web, windows);
  await expect(web).toHaveAttribute('data-state', 'owned');
  await powershell.getByPlaceholder('src/**/*.ts or lib/').fill('*.md');
  await powershell.getByRole('button', { name: 'Add', exact: true }).click();
  await expect(powershell.getByRole('list', { name: 'Zones of PowerShell' })).toContainText('*.md');

  await page.getByRole('button', { name: 'Save zones' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Saved to lanes.yml and COMPRESSED_PROMPT_V3.md' })).toBeVisible();

  expect(readFileSync(path.join(root, 'lanes.yml'), 'utf8')).toBe(
    FIELD_REPORT_CONFIG.replace('zones: [docs/, supabase/migrations/]', 'zones: [docs/, supabase/migrations/, web/]').replace('zones: [.github/workflows/]', 'zones: [.github/workflows/, "*.md"]'),
  );
  expect(readFileSync(path.join(root, 'COMPRESSED_PROMPT_V3.md'), 'utf8')).toBe(
    SHARED_STATE.replace('| Windows | docs/, supabase/migrations/ |', '| Windows | docs/, supabase/migrations/, web/ |').replace(
      '| PowerShell | .github/workflows/ |',
      '| PowerShell | .github/workflows/, *.md |',
    ),
  );
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.screenshot({ path: '/tmp/zones-dark.png', fullPage: true });
});

test('everything works by keyboard', async ({ app, temp }) => {
  const root = temp.repo(FILES);
  await app.openWorkspace(root);
  await app.goto('zones');
  const page = app.page;

  const first = page.locator('[role="treeitem"]').first();
  await first.focus();
  await expect(first).toBeFocused();
  // Walk down to web/ with the arrow keys, open supabase on the way, and give web/ to instance 3.
  const supabase = page.locator('[role="treeitem"][data-path="supabase"]');
  await supabase.focus();
  await page.keyboard.press('Enter');
  await expect(page.locator('[role="treeitem"][data-path="supabase/functions"]')).toBeVisible();
  await page.keyboard.press('ArrowDown');
  await expect(page.locator('[role="treeitem"][data-path="supabase/functions"]')).toBeFocused();
  const web = page.locator('[role="treeitem"][data-path="web"]');
  await web.focus();
  await page.keyboard.press('3');
  const powershell = page.getByRole('list', { name: 'Zones of PowerShell' });
  await expect(powershell).toContainText('web/');

  // A chip: a number moves it to that instance, Delete removes it.
  const chip = page.getByRole('button', { name: /^web\/, zone of PowerShell/ });
  await chip.focus();
  await page.keyboard.press('1');
  const vscode = page.getByRole('list', { name: 'Zones of VSCode' });
  await expect(vscode).toContainText('web/');
  // The chip keeps the keyboard in its new place.
  await expect(page.getByRole('button', { name: /^web\/, zone of VSCode/ })).toBeFocused();
  await page.keyboard.press('Delete');
  await expect(vscode).not.toContainText('web/');
  await expect(page.getByRole('button', { name: 'Discard' })).toBeEnabled();

  // A keyboard drag: Space picks a folder up, each arrow carries it to the next instance (the
  // folder does not open), Space drops it there.
  await supabase.focus();
  await page.keyboard.press('Enter'); // closes supabase again
  await expect(supabase).toHaveAttribute('aria-expanded', 'false');
  await page.keyboard.press('Space');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Space');
  await expect(supabase).toHaveAttribute('aria-expanded', 'false');
  const cards = page.locator('.zones-instances [aria-label^="Zones of "]');
  const second = (await cards.nth(1).getAttribute('aria-label'))!.replace('Zones of ', '');
  await expect(page.getByRole('list', { name: `Zones of ${second}` })).toContainText('supabase/');
  await expect(supabase).toBeFocused();
});

test('imports a scope table written by hand, shows it, and saves it', async ({ app, temp }) => {
  const root = temp.repo({
    'lanes.yml': 'instances:\n  - name: VSCode\n    zones: []\n',
    'COMPRESSED_PROMPT_V3.md': SHARED_STATE,
    'lib/main.dart': 'x\n',
  });
  await app.openWorkspace(root);
  await app.goto('zones');
  const page = app.page;
  await page.getByRole('button', { name: 'Import scope table…' }).click();
  const preview = page.getByRole('region', { name: 'Import the scope table' });
  await expect(preview.getByRole('row')).toHaveCount(4);
  await expect(preview).toContainText('supabase/migrations/');
  await preview.getByRole('button', { name: 'Apply to the editor' }).click();
  await expect(page.getByRole('article', { name: 'Instance Windows' })).toContainText('new');
  await page.getByRole('button', { name: 'Save zones' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Saved to lanes.yml' })).toBeVisible();
  expect(readFileSync(path.join(root, 'COMPRESSED_PROMPT_V3.md'), 'utf8')).toBe(SHARED_STATE);
  expect(readFileSync(path.join(root, 'lanes.yml'), 'utf8')).toContain('- name: PowerShell\n    role: custom\n');
});

test('a write outside the zone shows up in the violations log as it happens', async ({ app, temp }) => {
  const root = temp.repo({ 'lanes.yml': 'instances:\n  - name: Solo\n    zones: [lib/]\n', 'lib/a.dart': 'x\n' });
  await app.openWorkspace(root);
  await app.goto('zones');
  const page = app.page;
  await expect(page.getByRole('region', { name: 'Enforcement' })).toContainText('watching');
  await page.getByRole('navigation', { name: 'Zones views' }).getByRole('link', { name: /Violations/ }).click();
  const log = page.getByRole('region', { name: 'Violations' });
  await expect(log).toContainText('None so far');
  writeFileSync(path.join(root, 'lib', 'b.dart'), 'inside the zone\n');
  writeFileSync(path.join(root, 'README.md'), 'outside the zone\n');
  await expect(log.getByRole('row').filter({ hasText: 'README.md' })).toContainText('Solo');
  await expect(log).not.toContainText('lib/b.dart');
  await page.screenshot({ path: '/tmp/zones-violation.png', fullPage: true });
});

test("an instance's badge says what it counts and opens that instance's violations above the tree", async ({ app, temp }) => {
  const root = temp.repo({ 'lanes.yml': 'instances:\n  - name: Solo\n    zones: [lib/]\n', 'lib/a.dart': 'x\n' });
  await app.openWorkspace(root);
  await app.goto('zones');
  const page = app.page;
  await expect(page.getByRole('region', { name: 'Enforcement' })).toContainText('watching');
  await app.goto('instances');
  const card = page.getByTestId('instance-Solo');
  writeFileSync(path.join(root, 'README.md'), 'outside the zone\n');
  const badge = card.getByTestId('violation-badge');
  await expect(badge).toHaveText('1 violation');
  writeFileSync(path.join(root, 'NOTES.md'), 'outside again\n');
  await expect(badge).toHaveText('2 violations');
  await page.screenshot({ path: '/tmp/zones-badge.png' });
  await badge.click();
  await expect(page).toHaveURL(/#\/zones\/violations\/Solo$/);
  const log = page.getByRole('region', { name: 'Violations' });
  await expect(log.getByRole('heading')).toContainText('Writes by Solo outside its zone');
  await expect(log.getByRole('row').filter({ hasText: 'NOTES.md' })).toBeVisible();
  // The log is the view, not something below the tree: it is on screen without scrolling.
  await expect(page.getByRole('tree')).toHaveCount(0);
  expect(await log.evaluate((element) => element.getBoundingClientRect().top < window.innerHeight)).toBe(true);
  await page.screenshot({ path: '/tmp/zones-violations-tab.png' });
});
