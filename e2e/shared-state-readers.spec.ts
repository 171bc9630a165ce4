import path from 'node:path';
import { expect, test } from './fixtures';
import { APP_ROOT } from './support/electron';

const FAKE_AGENT = path.join(APP_ROOT, 'test', 'fake-agent', 'agent.mjs');

test('the shared-state file says which instances started since it last changed', async ({ app, temp }) => {
  const agent = JSON.stringify(`${process.execPath} ${FAKE_AGENT} --repl`);
  const root = temp.repo({
    'COMPRESSED_PROMPT_V3.md': '## Current Snapshot\n- pages: 219\n',
    'lanes.yml': `instances:\n  - name: api\n    agent: ${agent}\n  - name: web\n    agent: ${agent}\n`,
  });
  const page = app.page;
  await app.openWorkspace(root);
  await app.goto('memory');
  await page.getByRole('link', { name: /Shared state/ }).click();
  await expect(page.getByTestId('shared-started-since')).toHaveText('No instance has started since this change.');

  await app.goto('instances');
  await page.getByTestId('instance-api').getByRole('button', { name: 'Start api' }).click();
  await expect(page.getByTestId('instance-api').getByTestId('status-api')).toHaveAttribute('data-status', 'waiting');

  await app.goto('memory');
  await page.getByRole('link', { name: /Shared state/ }).click();
  await expect(page.getByTestId('shared-started-since')).toHaveText('Started since this change: api.');
  await app.goto('instances');
  await page.getByTestId('instance-api').getByRole('button', { name: 'Stop api' }).click();
});
