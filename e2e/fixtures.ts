import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test as base, expect, _electron, type ElectronApplication, type Page } from '@playwright/test';
import { APP_ROOT, findElectronBinary } from './support/electron';
import { startWebMode, type WebServer } from './support/web-mode';
import { TempFolders } from './support/repo';

export type ScreenId = 'workspace' | 'instances' | 'zones' | 'requests' | 'memory' | 'plan' | 'conflicts';

/** Lanes as a test drives it, the same in the web mode and in the Electron window. */
export interface LanesApp {
  readonly mode: 'web' | 'electron';
  readonly page: Page;
  /** The web mode's address without the token, and the token itself (web mode only). */
  readonly origin: string | null;
  readonly token: string | null;
  /**
   * Opens a repository through the Workspace screen's path field, as a user would, and answers
   * the trust dialog with "Trust and run these commands" when its lanes.yml names commands
   * (`trust: false` leaves the dialog open, for tests of trust itself).
   */
  openWorkspace(root: string, options?: { trust?: boolean }): Promise<void>;
  goto(screen: ScreenId): Promise<void>;
}

export interface LanesFixtures {
  temp: TempFolders;
  app: LanesApp;
}

export interface LanesOptions {
  lanesMode: 'web' | 'electron';
}

export const test = base.extend<LanesFixtures & LanesOptions>({
  lanesMode: ['web', { option: true }],

  temp: async ({}, use) => {
    const temp = new TempFolders();
    await use(temp);
    temp.cleanup();
  },

  app: async ({ lanesMode, page: browserPage, temp }, use, testInfo) => {
    const userDataDir = temp.dir('lanes-e2e-userdata-');
    // Agents outlive Lanes by default (the pty host); a test's agents end with its Lanes.
    mkdirSync(path.join(userDataDir, 'instances'));
    writeFileSync(path.join(userDataDir, 'instances', 'quit-choice.json'), '{ "choice": "stop", "remembered": true }\n');
    let page: Page;
    let server: WebServer | null = null;
    let electronApp: ElectronApplication | null = null;

    if (lanesMode === 'web') {
      server = await startWebMode(userDataDir);
      page = browserPage;
      await page.goto(server.url);
    } else {
      electronApp = await _electron.launch({
        executablePath: findElectronBinary()!,
        args: [APP_ROOT, '--no-sandbox'],
        env: { ...process.env, LANES_USER_DATA: userDataDir, INIT_CWD: temp.dir() } as Record<string, string>,
      });
      page = await electronApp.firstWindow();
    }

    const goto = async (screen: ScreenId) => {
      await page.getByRole('navigation', { name: 'Lanes' }).getByRole('link', { name: new RegExp(`^${screen}$`, 'i') }).click();
    };

    const app: LanesApp = {
      mode: lanesMode,
      page,
      origin: server?.origin ?? null,
      token: server?.token ?? null,
      goto,
      async openWorkspace(root: string, { trust = true }: { trust?: boolean } = {}) {
        await goto('workspace');
        const close = page.getByRole('button', { name: 'Close', exact: true });
        if (await close.isVisible()) await close.click();
        await page.getByLabel('Path of a git repository').fill(root);
        await page.getByRole('button', { name: 'Open', exact: true }).click();
        await expect(page.getByTestId('workspace-root')).toHaveText(root);
        // The dialog opens in the same render as the workspace (main announces trust first).
        const asking = page.getByRole('dialog', { name: 'Do you trust the commands in this repository?' });
        if (trust && (await asking.isVisible())) {
          await asking.getByRole('button', { name: 'Trust and run these commands' }).click();
          await expect(asking).toBeHidden();
        }
      },
    };

    await use(app);

    if (electronApp) await electronApp.close();
    if (server) {
      await server.stop();
      if (testInfo.status !== testInfo.expectedStatus) await testInfo.attach('lanes-serve-output', { body: server.output(), contentType: 'text/plain' });
    }
  },
});

export { expect };
