import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from './fixtures';

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
