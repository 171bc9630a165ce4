import path from 'node:path';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { APP_ROOT } from './support/electron';
import { startWebMode } from './support/web-mode';

const FAKE_AGENT = path.join(APP_ROOT, 'test', 'fake-agent', 'agent.mjs');
const quote = (word: string) => (/^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`);

/** Opens the workspace in the page, trusting its commands the first time, and shows the instances. */
async function openInstances(page: Page, root: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Lanes' }).getByRole('link', { name: /^workspace$/i }).click();
  await page.getByLabel('Path of a git repository').fill(root);
  await page.getByRole('button', { name: 'Open', exact: true }).click();
  await expect(page.getByTestId('workspace-root')).toHaveText(root);
  const asking = page.getByRole('dialog', { name: 'Do you trust the commands in this repository?' });
  if (await asking.isVisible()) {
    await asking.getByRole('button', { name: 'Trust and run these commands' }).click();
    await expect(asking).toBeHidden();
  }
  await page.getByRole('navigation', { name: 'Lanes' }).getByRole('link', { name: /^instances$/i }).click();
  // The DOM renderer puts the terminal's text in the page, where the test can read it.
  await page.getByRole('checkbox', { name: 'GPU terminals' }).uncheck();
}

/** Runs `body` against a web-mode server of `userDataDir`, with the workspace open on the Instances screen; stops the server after. */
async function withServer(page: Page, userDataDir: string, root: string, body: () => Promise<void>): Promise<void> {
  const server = await startWebMode(userDataDir);
  try {
    await page.goto(server.url);
    await openInstances(page, root);
    await body();
  } finally {
    await server.stop();
  }
}

test('the web-mode server restarts while an agent runs: its terminal comes back with its scrollback and takes input', async ({ page, temp }) => {
  // Two servers started and a workspace opened twice: beside two CPU-bound loops that alone took
  // 40 s of the default 45. The test measures no speed.
  test.setTimeout(90_000);
  const agent = [process.execPath, FAKE_AGENT, '--print=agent ready', '--repl'].map(quote).join(' ');
  const root = temp.repo({ 'README.md': '# demo\n', 'lanes.yml': `instances:\n  - name: api\n    role: backend\n    agent: ${JSON.stringify(agent)}\n    zones: [src/]\n` });
  const userDataDir = temp.dir('lanes-e2e-userdata-');

  await withServer(page, userDataDir, root, async () => {
    await page.getByTestId('instance-api').getByRole('button', { name: 'Start api' }).click();
    const terminal = page.getByTestId('terminal-api');
    await expect(terminal).toContainText('agent ready');
    await terminal.click();
    for (const line of ['first line', 'before the restart']) {
      await page.keyboard.type(line);
      await page.keyboard.press('Enter');
      await expect(terminal).toContainText(`echo: ${line}`);
    }
  });

  await withServer(page, userDataDir, root, async () => {
    const card = page.getByTestId('instance-api');
    await expect(card.getByTestId('status-api')).not.toHaveAttribute('data-status', 'stopped');
    const terminal = page.getByTestId('terminal-api');
    await expect(terminal).toContainText('agent ready');
    await expect(terminal).toContainText('echo: first line');
    await expect(terminal).toContainText('echo: before the restart');
    await page.screenshot({ path: '/tmp/host-restart.png' });

    await terminal.click();
    await page.keyboard.type('after the restart');
    await page.keyboard.press('Enter');
    await expect(terminal).toContainText('echo: after the restart');

    await card.getByRole('button', { name: 'Stop api' }).click();
    await expect(card.getByTestId('status-api')).toHaveAttribute('data-status', 'exited');
  });
});

test('after a flood of 50,000 lines, a restarted server brings the terminal back as drawn, its last lines in place, and it takes input', async ({ page, temp }) => {
  // The pty host may drop a flood's lines that scroll out of the scrollback unseen instead of
  // parsing them (main/instances/host/scrolled-out.ts); what comes back after the restart is its
  // screen. Whether the last lines came through a drop depends on timing, so a wrong drop is
  // caught by scrolled-out.test.ts, not here: this walks the user's way through a flood.
  test.setTimeout(90_000);
  const agent = [process.execPath, FAKE_AGENT, '--flood=5000000', '--repl'].map(quote).join(' ');
  const root = temp.repo({ 'README.md': '# demo\n', 'lanes.yml': `instances:\n  - name: logs\n    role: backend\n    agent: ${JSON.stringify(agent)}\n    zones: [src/]\n` });
  const userDataDir = temp.dir('lanes-e2e-userdata-');

  await withServer(page, userDataDir, root, async () => {
    await page.getByTestId('instance-logs').getByRole('button', { name: 'Start logs' }).click();
    await expect(page.getByTestId('terminal-logs')).toContainText('L00050000', { timeout: 60_000 });
  });

  await withServer(page, userDataDir, root, async () => {
    const terminal = page.getByTestId('terminal-logs');
    for (const line of ['L00049995', 'L00049999', 'L00050000']) await expect(terminal).toContainText(`${line} ${'x'.repeat(89)}`);
    await page.screenshot({ path: '/tmp/host-restart-flood.png' });
    await terminal.click();
    await page.keyboard.type('after the flood');
    await page.keyboard.press('Enter');
    await expect(terminal).toContainText('echo: after the flood');
    const card = page.getByTestId('instance-logs');
    await card.getByRole('button', { name: 'Stop logs' }).click();
    await expect(card.getByTestId('status-logs')).toHaveAttribute('data-status', 'exited');
  });
});
