import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from './fixtures';
import { inBothThemes } from './support/axe';

const CONFIG = `instances:
  - name: VSCode
    zones: [lib/]
  - name: Windows
    zones: [docs/]
common:
  - package.json
`;

test('the user grants a lease on the Zones screen, sees it with its end, and ends it; the history file keeps both', async ({ app, temp }) => {
  const root = temp.repo({ 'lanes.yml': CONFIG, 'lib/main.dart': '//\n', 'docs/api.md': '# api\n', 'package.json': '{}\n' });
  await app.openWorkspace(root);
  await app.goto('zones');
  const page = app.page;
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.getByRole('navigation', { name: 'Zones views' }).getByRole('link', { name: /Leases/ }).click();
  await expect(page.getByText('No lease is held now.')).toBeVisible();

  const form = page.getByRole('region', { name: 'Grant a lease' });
  await form.getByLabel('Instance').selectOption('VSCode');
  await form.getByLabel('Path').fill('lib/main.dart');
  await form.getByRole('button', { name: 'Grant' }).click();
  await expect(page.getByRole('alert')).toContainText("lib/main.dart is in VSCode's own zone already");
  await page.getByRole('button', { name: 'Dismiss' }).click();

  await form.getByLabel('Path').fill('docs/api.md');
  await form.getByLabel('Minutes').fill('45');
  await form.getByRole('button', { name: 'Grant' }).click();
  const live = page.getByRole('table', { name: 'Live leases' });
  const row = live.getByRole('row', { name: /docs\/api\.md VSCode/ });
  await expect(row).toContainText('45 minutes left');
  await expect(row).toContainText('user');
  await expect(page.getByRole('link', { name: /Leases/ })).toContainText('1');
  await page.screenshot({ path: '/tmp/zones-leases.png', fullPage: true });

  await row.getByRole('button', { name: 'End the lease of VSCode on docs/api.md' }).click();
  await expect(page.getByText('No lease is held now.')).toBeVisible();
  await expect(page.getByRole('region', { name: 'Lease history' }).getByRole('listitem').first()).toContainText('ended by user');
  const history = readFileSync(path.join(root, 'lanes-leases.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { event: string; by?: string });
  expect(history.map((entry) => [entry.event, entry.by])).toEqual([
    ['granted', 'user'],
    ['ended', 'user'],
  ]);
});

test('"Who owns a path…" answers from any screen, for any path, and shows the owner\'s terminal', async ({ app, temp }) => {
  const root = temp.repo({ 'lanes.yml': CONFIG, 'lib/main.dart': '//\n', 'docs/api.md': '# api\n', 'package.json': '{}\n', 'README.md': '# r\n' });
  const page = app.page;
  await app.openWorkspace(root);
  await app.goto('requests');
  await page.keyboard.press('Alt+O');
  const dialog = page.getByRole('dialog', { name: 'Who owns a path' });
  const field = dialog.getByRole('textbox', { name: 'Path' });
  await expect(field).toBeFocused();
  const ask = async (asked: string) => {
    await field.fill(asked);
    await page.keyboard.press('Enter');
  };

  // Absolute, and not tracked yet.
  await ask(path.join(root, 'lib', 'pages', 'new.dart'));
  const answer = dialog.getByRole('region', { name: 'Who owns lib/pages/new.dart' });
  await expect(answer).toContainText('Owned by VSCode');
  await ask('package.json');
  await expect(dialog.getByRole('region', { name: 'Who owns package.json' })).toContainText('A common path: every instance may write it.');
  await ask('README.md');
  await expect(dialog.getByRole('region', { name: 'Who owns README.md' })).toContainText('Nobody owns it');
  await ask('../elsewhere.txt');
  await expect(dialog.getByRole('alert')).toContainText('is not inside this repository');

  await ask('docs/api.md');
  await expect(dialog.getByRole('region', { name: 'Who owns docs/api.md' })).toContainText('Owned by Windows');
  expect(await inBothThemes(page, dialog, 'who-owns-dialog', 'dialog[open]')).toEqual([]);
  await dialog.getByRole('button', { name: "Show Windows's terminal" }).click();
  await expect(dialog).toBeHidden();
  await expect(page).toHaveURL(/#\/instances$/);
  await expect(page.getByRole('radio', { name: 'Focus' })).toHaveAttribute('aria-checked', 'true');
  await expect(page.getByRole('article', { name: 'Windows terminal' })).toBeVisible();
});

test('"Who owns a path…" names the lease that decides for now, from the palette', async ({ app, temp }) => {
  const root = temp.repo({ 'lanes.yml': CONFIG, 'lib/main.dart': '//\n', 'docs/api.md': '# api\n', 'package.json': '{}\n' });
  const page = app.page;
  await app.openWorkspace(root);
  await app.goto('zones');
  await page.getByRole('navigation', { name: 'Zones views' }).getByRole('link', { name: /Leases/ }).click();
  const form = page.getByRole('region', { name: 'Grant a lease' });
  await form.getByLabel('Instance').selectOption('VSCode');
  await form.getByLabel('Path').fill('docs/api.md');
  await form.getByRole('button', { name: /Grant/ }).click();
  await expect(page.getByRole('table', { name: 'Live leases' })).toContainText('docs/api.md');

  await page.keyboard.press('Control+K');
  await page.getByRole('dialog', { name: 'Command palette' }).getByRole('combobox', { name: 'Command' }).fill('who owns');
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog', { name: 'Who owns a path' });
  await dialog.getByRole('textbox', { name: 'Path' }).fill('docs/api.md');
  await dialog.getByRole('button', { name: 'Ask' }).click();
  await expect(dialog.getByRole('region', { name: 'Who owns docs/api.md' })).toContainText('VSCode holds a lease on docs/api.md until');
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(dialog).toBeHidden();
});
