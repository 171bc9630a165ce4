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

test("clicking an agent's notification shows its terminal, large (a stand-in for the browser's Notification, which a test cannot click)", async ({ app, temp }) => {
  const agent = [process.execPath, FAKE_AGENT, "'--print=api ready'", "'--ask=Deploy now? [y/N] '", '--wait'].join(' ');
  const root = temp.repo({ 'README.md': '# notify\n', 'lanes.yml': `instances:\n  - name: api\n    agent: ${JSON.stringify(agent)}\n    zones: [src/]\n  - name: web\n    agent: ${JSON.stringify(agent)}\n    zones: [web/]\n` });
  const page = app.page;
  await page.addInitScript(() => {
    const shown: { title: string; onclick: (() => void) | null }[] = [];
    (window as unknown as { shownNotifications: typeof shown }).shownNotifications = shown;
    class StandInNotification {
      static permission = 'granted';
      static requestPermission = () => Promise.resolve('granted');
      onclick: (() => void) | null = null;
      constructor(readonly title: string) {
        shown.push(this);
      }
    }
    Object.defineProperty(window, 'Notification', { value: StandInNotification });
    // The page is in the background, where notifications are shown.
    document.hasFocus = () => false;
  });
  await page.reload();
  await app.openWorkspace(root);
  await page.keyboard.press('Control+K');
  const palette = page.getByRole('dialog', { name: 'Command palette' });
  await palette.getByRole('combobox', { name: 'Command' }).fill('start web');
  await page.keyboard.press('Enter');
  await expect.poll(() => page.evaluate(() => (window as unknown as { shownNotifications: { title: string }[] }).shownNotifications.map((each) => each.title)), { timeout: 15_000 }).toContain('web is waiting for you');
  await page.evaluate(() => (window as unknown as { shownNotifications: { title: string; onclick: () => void }[] }).shownNotifications.find((each) => each.title === 'web is waiting for you')!.onclick());
  await expect(page).toHaveURL(/#\/instances$/);
  await expect(page.getByRole('radio', { name: 'Focus' })).toHaveAttribute('aria-checked', 'true');
  await expect(page.getByRole('article', { name: 'web terminal' })).toBeVisible();
  await expect(page.getByRole('article', { name: 'api terminal' })).toHaveCount(0);
});
