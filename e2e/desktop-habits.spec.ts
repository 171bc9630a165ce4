import path from 'node:path';
import { expect, test } from './fixtures';
import { APP_ROOT } from './support/electron';

const FAKE_AGENT = path.join(APP_ROOT, 'test', 'fake-agent', 'agent.mjs');

// The desktop habits the web mode can have too: the window's title counts the agents waiting for
// the user (the desktop app's badge is checked in test/wiring), and About lists the versions.

test('the title counts agents waiting for the user, from any screen', async ({ app, temp }) => {
  const agent = [process.execPath, FAKE_AGENT, "'--print=api ready'", "'--ask=Deploy now? [y/N] '", '--wait'].join(' ');
  const root = temp.repo({ 'README.md': '# badge\n', 'lanes.yml': `instances:\n  - name: api\n    agent: ${JSON.stringify(agent)}\n    zones: [src/]\n` });
  const page = app.page;
  await app.openWorkspace(root);
  const name = path.basename(root);
  await expect(page).toHaveTitle(`${name} — Lanes`);

  await page.keyboard.press('Control+K');
  const palette = page.getByRole('dialog', { name: 'Command palette' });
  await palette.getByRole('combobox', { name: 'Command' }).fill('start api');
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/#\/workspace$/);
  await expect(page).toHaveTitle(`(1 waiting) ${name} — Lanes`, { timeout: 15_000 });

  await page.keyboard.press('Control+K');
  await palette.getByRole('combobox', { name: 'Command' }).fill('stop api');
  await page.keyboard.press('Enter');
  await expect(page).toHaveTitle(`${name} — Lanes`);
});

test('About Lanes lists the versions and copies them', async ({ app, temp }) => {
  const root = temp.repo({ 'README.md': '# about\n' });
  const page = app.page;
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await app.openWorkspace(root);
  await page.keyboard.press('Control+K');
  const palette = page.getByRole('dialog', { name: 'Command palette' });
  await palette.getByRole('combobox', { name: 'Command' }).fill('about');
  await page.keyboard.press('Enter');
  const about = page.getByRole('dialog', { name: 'About Lanes' });
  await expect(about.getByRole('row', { name: /^Lanes/ })).toContainText(/\d+\.\d+\.\d+/);
  await expect(about.getByRole('row', { name: /Node \(Lanes\)/ })).toContainText(process.versions.node);
  await expect(about.getByRole('row', { name: /Mode/ })).toContainText('web mode');
  await page.screenshot({ path: test.info().outputPath('about.png') });
  await about.getByRole('button', { name: 'Copy' }).click();
  await expect(about.getByRole('status')).toHaveText('Copied.');
  expect(await page.evaluate(() => navigator.clipboard.readText())).toContain(`Node (Lanes): ${process.versions.node}`);
  await about.getByRole('button', { name: 'OK' }).click();
  await expect(about).toBeHidden();
});
