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

test('the screens\' actions run from the palette: new instance and new request from anywhere, the owner of a path, a memory entry, a wrap-up, the layout', async ({ app, temp }) => {
  test.slow();
  const agent = [process.execPath, FAKE_AGENT, "'--print=agent ready'", '--repl'].join(' ');
  const root = temp.repo({
    'README.md': '# demo\n',
    'src/app.ts': 'export {};\n',
    'lanes.yml': `instances:\n  - name: api\n    agent: ${JSON.stringify(agent)}\n    zones: [src/]\n  - name: web\n    agent: ${JSON.stringify(agent)}\n    zones: [docs/]\n`,
  });
  const page = app.page;
  await app.openWorkspace(root);
  const palette = page.getByRole('dialog', { name: 'Command palette' });
  const run = async (typed: string, option: RegExp) => {
    await page.keyboard.press('Control+K');
    await palette.getByRole('combobox', { name: 'Command' }).fill(typed);
    await palette.getByRole('option', { name: option }).click();
    await expect(palette).toBeHidden();
  };

  // Zones: typing part of a path finds its owner, and Enter shows the owner's terminal.
  await app.goto('zones');
  await expect(page.getByRole('tree', { name: 'Repository folders' })).toContainText('src');
  await page.keyboard.press('Control+K');
  await palette.getByRole('combobox', { name: 'Command' }).fill('owner of src');
  await expect(palette.getByRole('option', { name: /Go to the owner of src\/: api/ })).toBeVisible();
  await page.screenshot({ path: '/tmp/palette-owner-light.png' });
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/#\/instances$/);
  await expect(page.getByRole('radio', { name: 'Focus' })).toHaveAttribute('aria-checked', 'true');
  await expect(page.getByRole('article', { name: 'api terminal' })).toBeVisible();

  // Instances: the layout and the details column.
  await run('terminals in a grid', /Show terminals in a grid/);
  await expect(page.getByRole('radio', { name: 'Grid' })).toHaveAttribute('aria-checked', 'true');
  await run('hide instance details', /Hide instance details/);
  await expect(page.getByTestId('instance-api')).toHaveCount(0);
  await run('show instance details', /Show instance details/);
  await expect(page.getByTestId('instance-api')).toBeVisible();

  // New instance… from a screen without the button: Instances opens with the dialog.
  await app.goto('zones');
  await page.keyboard.press('Control+K');
  await palette.getByRole('combobox', { name: 'Command' }).fill('new instance');
  await expect(palette.getByRole('option', { name: /New instance…/ })).toContainText('Alt+Shift+N');
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/#\/instances$/);
  const instanceDialog = page.getByRole('dialog', { name: 'New instance' });
  await expect(instanceDialog.getByLabel('Name', { exact: true })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(instanceDialog).toBeHidden();

  // New request… by its shortcut from Memory: the Requests form, addressed to the instance last focused.
  await page.getByTestId('instance-web').getByRole('button', { name: 'web', exact: true }).click();
  await app.goto('memory');
  await page.keyboard.press('Alt+n');
  await expect(page).toHaveURL(/#\/requests$/);
  const requestForm = page.getByRole('dialog', { name: 'New request' });
  await expect(requestForm.getByLabel('To', { exact: true })).toHaveValue('web');
  await expect(requestForm.getByLabel('From', { exact: true })).toBeFocused();
  // The open form keeps the screen behind it: Alt+3 does not go to Zones under it.
  await page.keyboard.press('Alt+3');
  await expect(page).toHaveURL(/#\/requests$/);
  await expect(requestForm).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(requestForm).toBeHidden();
  await run('new request', /New request…/);
  await expect(requestForm).toBeVisible();
  await page.keyboard.press('Escape');

  // Memory: a new entry, and the wrap-up of a running instance.
  await app.goto('memory');
  await run('new memory entry', /New memory entry…/);
  await expect(page.locator('#memory-new-name')).toBeFocused();
  await page.keyboard.press('Control+K');
  await palette.getByRole('combobox', { name: 'Command' }).fill('wrap up');
  await expect(palette.getByRole('option', { name: /Wrap up all running instances/ })).toHaveCount(0);
  await page.keyboard.press('Escape');
  // The fake agent takes no typed instructions: its wrap-up is shown to paste, as the panel's button does.
  await run('wrap-up for api', /Show wrap-up for api/);
  await expect(page.getByTestId('wrap-up-changes')).toContainText('Session wrap-up for api');
  await run('start api', /^Start api/);
  await expect(page.getByTestId('wrap-up').getByRole('button', { name: 'Wrap up all running instances' })).toBeEnabled();
  await run('wrap up all', /Wrap up all running instances/);
  await expect(page.getByTestId('wrap-up-changes')).toContainText('Wrap-up prepared');
  await run('stop api', /Stop api/);
});
