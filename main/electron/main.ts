import { BrowserWindow, Notification, app, dialog, ipcMain, net, protocol, session, shell, type IpcMainInvokeEvent, type WebContents } from 'electron';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { callNames } from '../contract';
import { EVENT_CHANNEL } from '../contract/channels';
import type { InstanceList, QuitChoice } from '../contract/instances';
import { Lanes } from '../app/lanes';
import type { PlatformServices } from '../core/room';
import { appFileOfUrlPath } from '../shared/app-path';
import { isInside } from '../shared/path-guard';
import { APP_ORIGIN, APP_SCHEME, CONTENT_SECURITY_POLICY, isHttpUrl } from './policy';

/**
 * The thin Electron adapter: windows, the `lanes://` protocol, IPC, and the platform services
 * (dialogs, notifications, the system browser). Everything else is the core's.
 */
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
app.enableSandbox();

const appDir = path.resolve(__dirname, '..', '..');
const rendererDir = path.join(appDir, 'dist', 'renderer');
const preloadPath = path.join(appDir, 'dist', 'preload', 'index.cjs');
const windows = new Set<BrowserWindow>();
let core: Lanes | null = null;

const platform: PlatformServices = {
  mode: 'electron',
  async pickFolder() {
    const focused = BrowserWindow.getFocusedWindow();
    const options = { title: 'Open a git repository', properties: ['openDirectory' as const, 'createDirectory' as const] };
    const result = focused ? await dialog.showOpenDialog(focused, options) : await dialog.showOpenDialog(options);
    return result.canceled ? null : (result.filePaths[0] ?? null);
  },
  notify(title, body) {
    if (Notification.isSupported()) new Notification({ title, body }).show();
  },
  async openExternal(url) {
    if (isHttpUrl(url)) await shell.openExternal(url);
  },
};

/** Only the main frame of a Lanes window, showing Lanes' own pages, may call main. */
function trustedSender(event: IpcMainInvokeEvent): boolean {
  const frame = event.senderFrame;
  if (!frame || frame !== event.sender.mainFrame) return false;
  if (![...windows].some((window) => window.webContents === event.sender)) return false;
  return frame.url.startsWith(`${APP_ORIGIN}/`);
}

function registerIpc(lanes: Lanes): void {
  for (const name of callNames) {
    ipcMain.handle(name, async (event, args: unknown) => {
      if (!trustedSender(event)) return { ok: false, error: { code: 'forbidden', message: 'This window may not use Lanes.' } };
      return lanes.call(name, args);
    });
  }
  lanes.onEvent((name, payload) => {
    for (const window of windows) if (!window.isDestroyed()) window.webContents.send(EVENT_CHANNEL, name, payload);
  });
}

function serveApp(): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    const relative = appFileOfUrlPath(url.pathname);
    if (relative === null) return new Response('This address is not valid: its percent-encoding is malformed.', { status: 400 });
    const file = path.resolve(rendererDir, relative);
    if (url.host !== 'app' || !isInside(rendererDir, file)) return new Response('Not found', { status: 404 });
    // A missing file fails net.fetch; the page gets a 404 rather than a failed request.
    const response = await net.fetch(pathToFileURL(file).toString()).catch(() => null);
    if (!response) return new Response('Not found', { status: 404 });
    const headers = new Headers(response.headers);
    headers.set('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    headers.set('X-Content-Type-Options', 'nosniff');
    return new Response(response.body, { status: response.status, headers });
  });
}

function lockDown(contents: WebContents): void {
  contents.on('will-navigate', (event, url) => {
    if (!url.startsWith(`${APP_ORIGIN}/`)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!url.startsWith(`${APP_ORIGIN}/`)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    // A link the user clicked with target=_blank: http(s) goes to the system browser, nothing else opens.
    if (isHttpUrl(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
}

function createWindow(): BrowserWindow {
  const window = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 880,
    minHeight: 560,
    title: 'Lanes',
    show: false,
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
      // Middle-click would otherwise open links in a new window, around setWindowOpenHandler.
      disableBlinkFeatures: 'Auxclick',
    },
  });
  windows.add(window);
  window.on('closed', () => windows.delete(window));
  window.once('ready-to-show', () => window.show());
  void window.loadURL(`${APP_ORIGIN}/index.html#/workspace`);
  return window;
}

app.on('web-contents-created', (_event, contents) => lockDown(contents));

app.whenReady().then(async () => {
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
  serveApp();
  core = new Lanes({ userDataDir: app.getPath('userData'), platform, version: app.getVersion() });
  registerIpc(core);
  const initial = process.argv.slice(app.isPackaged ? 1 : 2).find((arg) => !arg.startsWith('-'));
  await core.call('workspace.open', { path: initial ?? process.env.INIT_CWD ?? process.cwd() });
  createWindow();
  app.on('activate', () => {
    if (windows.size === 0) createWindow();
  });
});

let quitting = false;
app.on('before-quit', (event) => {
  if (quitting || !core) return;
  // Keep or stop the agents as the user chooses, then free every watcher before the process goes away.
  event.preventDefault();
  quitting = true;
  const running = core;
  void askAgentsOnQuit(running)
    .catch((error: unknown) => console.error('Lanes could not ask what to do with running agents; the saved choice applies:', error))
    .then(() => running.dispose())
    .finally(() => app.quit());
});

/**
 * Agents run in the pty host and may outlive Lanes. With some running, and unless the user said
 * not to ask again, quitting asks: keep them running (the default, and the last answer is the
 * next default) or stop them. The answer is saved for the instances room, which acts on it.
 */
async function askAgentsOnQuit(running: Lanes): Promise<void> {
  const saved = await running.call('instances.quitChoice', {});
  if (!saved.ok || (saved.value as QuitChoice).remembered) return;
  const list = await running.call('instances.list', {}); // fails, and asks nothing, with no workspace open
  const active = list.ok ? (list.value as InstanceList).instances.filter((instance) => instance.pid !== null).map((instance) => instance.name) : [];
  if (active.length === 0) return;
  const buttons = ['Keep agents running', 'Stop agents'];
  const focused = BrowserWindow.getFocusedWindow();
  const options = {
    type: 'question' as const,
    buttons,
    defaultId: (saved.value as QuitChoice).choice === 'stop' ? 1 : 0,
    cancelId: 0,
    message: `${active.length === 1 ? `${active[0]} is` : `${active.length} agents are`} still running.`,
    detail: 'Kept running, they go on working and Lanes shows them again when it next starts. `lanes host stop` ends them from a terminal.',
    checkboxLabel: 'Do not ask again',
    checkboxChecked: false,
  };
  const answer = focused ? await dialog.showMessageBox(focused, options) : await dialog.showMessageBox(options);
  await running.call('instances.setQuitChoice', { choice: answer.response === 1 ? 'stop' : 'keep', remembered: answer.checkboxChecked });
}

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
