import path from 'node:path';
import { expect, test } from './fixtures';
import { APP_ROOT } from './support/electron';

const FAKE_AGENT = path.join(APP_ROOT, 'test', 'fake-agent', 'agent.mjs');

test('the command palette reaches screens and instances by keyboard, and the shortcuts sheet lists the keys', async ({ app, temp }) => {
  const agent = [process.execPath, FAKE_AGENT, "'--print=agent ready'", '--repl'].join(' ');
  const root = temp.repo({ 'README.md': '# demo\n', 'lanes.yml': `instances:\n  - name: api\n    agent: ${JSON.stringify(agent)}\n    zones: [src/]\n` });
  const page = app.page;
  await app.openWorkspace(root);

  // Ctrl+K from anywhere: type part of a command, Enter runs it.
  await page.keyboard.press('Control+K');
  const palette = page.getByRole('dialog', { name: 'Command palette' });
  await expect(palette).toBeVisible();
  await palette.getByRole('combobox', { name: 'Command' }).fill('zones');
  await expect(palette.getByRole('option', { name: /Go to Zones/ })).toContainText('Alt+3');
  await page.keyboard.press('Enter');
  await expect(palette).toBeHidden();
  await expect(page).toHaveURL(/#\/zones$/);

  // The instances from lanes.yml are there even before their screen was opened: start one.
  await page.keyboard.press('Control+K');
  await palette.getByRole('combobox', { name: 'Command' }).fill('start api');
  await expect(palette.getByRole('option', { name: /Stop api/ })).toHaveCount(0);
  await palette.getByRole('option', { name: /^Start api/ }).click();
  await page.keyboard.press('Control+K');
  await palette.getByRole('combobox', { name: 'Command' }).fill("api's terminal");
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/#\/instances$/);
  // The DOM renderer puts the terminal's text in the page, where the test can read it.
  await page.getByRole('checkbox', { name: 'GPU terminals' }).uncheck();
  const terminal = page.getByTestId('terminal-api');
  await expect(terminal).toContainText('agent ready');

  // In a terminal Ctrl+K is the shell's; Ctrl+Shift+P opens the palette there.
  await terminal.click();
  await page.keyboard.press('Control+K');
  await expect(palette).toBeHidden();
  await page.keyboard.press('Control+Shift+P');
  await expect(palette).toBeVisible();
  await palette.getByRole('combobox', { name: 'Command' }).fill('stop api');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('instance-api').getByTestId('status-api')).toHaveAttribute('data-status', 'exited');

  // Alt+5 still goes to Memory, and Ctrl+/ shows every shortcut.
  await page.keyboard.press('Alt+5');
  await expect(page).toHaveURL(/#\/memory$/);
  await page.keyboard.press('Control+/');
  const sheet = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(sheet.getByRole('region', { name: 'Go to' })).toContainText('Go to Memory');
  await expect(sheet.getByRole('row', { name: /Command palette/ })).toContainText('Ctrl+K');
  await page.screenshot({ path: '/tmp/shortcuts-sheet.png' });
  await page.keyboard.press('Escape');
  await expect(sheet).toBeHidden();
  await page.keyboard.press('Control+K');
  await expect(palette).toBeVisible();
  await page.screenshot({ path: '/tmp/palette-light.png' });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.screenshot({ path: '/tmp/palette-dark.png' });
});
