import path from 'node:path';
import { expect, test } from './fixtures';
import { APP_ROOT } from './support/electron';

const FAKE_AGENT = path.join(APP_ROOT, 'test', 'fake-agent', 'agent.mjs');

test('asks before running a cloned repository\'s commands: browse without running, Start refused, then trusted and started', async ({ app, temp }, testInfo) => {
  const agent = `${process.execPath} ${FAKE_AGENT} --print=agent-ran --wait`;
  const root = temp.repo({
    'README.md': '# demo\n',
    'lanes.yml': `setup: npm run evil\ninstances:\n  - name: api\n    role: backend\n    agent: ${JSON.stringify(agent)}\n    zones: [src/]\n`,
  });
  const page = app.page;
  await app.openWorkspace(root, { trust: false });

  const dialog = page.getByRole('dialog', { name: 'Do you trust the commands in this repository?' });
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText(root);
  const rows = dialog.getByTestId('trust-command');
  await expect(rows).toHaveCount(2);
  await expect(rows.nth(0)).toContainText('Agent');
  await expect(rows.nth(0)).toContainText('api');
  await expect(rows.nth(0).locator('code')).toHaveText(agent);
  await expect(rows.nth(1)).toContainText('Setup');
  await expect(rows.nth(1).locator('code')).toHaveText('npm run evil');
  await page.screenshot({ path: testInfo.outputPath('trust-dialog.png') });

  await dialog.getByRole('button', { name: 'Browse without running' }).click();
  await expect(dialog).toBeHidden();
  const bar = page.getByTestId('restricted-mode');
  await expect(bar).toContainText('Restricted mode');
  await expect(page.getByRole('navigation', { name: 'Lanes' }).getByRole('button', { name: 'Restricted mode' })).toBeVisible();

  // Every screen still works; Start runs nothing and says what to do.
  await app.goto('instances');
  const card = page.getByTestId('instance-api');
  await card.getByRole('button', { name: 'Start api' }).click();
  await expect(page.getByRole('alert')).toContainText(`Lanes has not run ${agent} (the agent of "api") from this repository's lanes.yml`);
  await expect(page.getByRole('alert')).toContainText('Review commands');
  await expect(card.getByTestId('status-api')).toHaveAttribute('data-status', 'stopped');
  await page.screenshot({ path: testInfo.outputPath('start-refused.png') });

  await bar.getByRole('button', { name: 'Review commands' }).click();
  const review = page.getByRole('dialog', { name: 'Commands in this repository' });
  await expect(review.getByTestId('trust-command')).toHaveCount(2);
  await expect(review.getByTestId('trust-command').nth(0)).toContainText('not trusted');
  await page.screenshot({ path: testInfo.outputPath('trust-review.png') });
  await review.getByRole('button', { name: 'Trust and run these commands' }).click();
  await expect(review).toBeHidden();
  await expect(bar).toBeHidden();
  await expect(page.getByRole('navigation', { name: 'Lanes' }).getByRole('button', { name: 'Commands trusted' })).toBeVisible();

  await page.getByRole('checkbox', { name: 'GPU terminals' }).uncheck();
  await card.getByRole('button', { name: 'Start api' }).click();
  await expect(page.getByTestId('terminal-api')).toContainText('agent-ran');
  await expect(card.getByTestId('status-api')).not.toHaveAttribute('data-status', 'stopped');

  // Opened again, a trusted repository asks nothing.
  await app.goto('workspace');
  await expect(page.getByRole('button', { name: 'Close', exact: true })).toBeVisible();
  await app.openWorkspace(root, { trust: false });
  await expect(page.getByRole('navigation', { name: 'Lanes' }).getByRole('button', { name: 'Commands trusted' })).toBeVisible();
  await expect(dialog).toBeHidden();
});
