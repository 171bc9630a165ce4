import { test as base, expect, _electron, type ElectronApplication, type Page } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { APP_ROOT, findElectronBinary } from './support/electron';
import { TempFolders } from './support/repo';

export type ScreenId = 'workspace' | 'instances' | 'zones' | 'requests' | 'memory';

/** Lanes as a test drives it, the same in the web mode and in the Electron window. */
export interface LanesApp {
  readonly mode: 'web' | 'electron';
  readonly page: Page;
  /** The web mode's address without the token, and the token itself (web mode only). */
  readonly origin: string | null;
  readonly token: string | null;
  /** Opens a repository through the Workspace screen's path field, as a user would. */
  openWorkspace(root: string): Promise<void>;
  goto(screen: ScreenId): Promise<void>;
}

export interface LanesFixtures {
  temp: TempFolders;
  app: LanesApp;
}

export interface LanesOptions {
  lanesMode: 'web' | 'electron';
}

interface WebServer {
  readonly process: ChildProcess;
  readonly url: string;
  readonly origin: string;
  readonly token: string;
  /** Everything the server printed, for the report of a failed test. */
  output(): string;
  stop(): Promise<void>;
}

/** Starts `lanes serve` on a free port with its own user-data folder, and reads the address it prints. */
export async function startWebMode(userDataDir: string, extraArgs: string[] = []): Promise<WebServer> {
  const child = spawn(process.execPath, [path.join(APP_ROOT, 'bin', 'lanes.js'), 'serve', '--port', '0', '--no-open', ...extraArgs], {
    env: { ...process.env, LANES_USER_DATA: userDataDir, INIT_CWD: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`lanes serve did not start:\n${output}`)), 15_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /(http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code, signal) => (output += `\n[lanes serve exited: code ${code}, signal ${signal}]\n`));
    child.once('exit', (code) => reject(new Error(`lanes serve exited with ${code}:\n${output}`)));
  });
  const parsed = new URL(url);
  return {
    process: child,
    url,
    origin: parsed.origin,
    token: parsed.searchParams.get('token')!,
    output: () => output.split(parsed.searchParams.get('token')!).join('[token]'),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
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
      async openWorkspace(root: string) {
        await goto('workspace');
        const close = page.getByRole('button', { name: 'Close', exact: true });
        if (await close.isVisible()) await close.click();
        await page.getByLabel('Path of a git repository').fill(root);
        await page.getByRole('button', { name: 'Open', exact: true }).click();
        await expect(page.getByTestId('workspace-root')).toHaveText(root);
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
