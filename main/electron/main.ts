import { BrowserWindow, Menu, Notification, app, clipboard, dialog, ipcMain, nativeImage, net, protocol, screen, session, shell, type IpcMainInvokeEvent, type MenuItemConstructorOptions, type WebContents } from 'electron';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { callNames } from '../contract';
import { EVENT_CHANNEL } from '../contract/channels';
import { showInstanceCommand } from '../contract/commands';
import type { InstanceList, QuitChoice } from '../contract/instances';
import { Lanes } from '../app/lanes';
import type { PlatformServices } from '../core/room';
import { appFileOfUrlPath } from '../shared/app-path';
import { isInside } from '../shared/path-guard';
import { applicationMenu, type MenuAction, type MenuItemSpec } from './menu';
import { APP_ORIGIN, APP_SCHEME, CONTENT_SECURITY_POLICY, isHttpUrl } from './policy';
import { WAITING_DOT_PNG_BASE64, waitingBadge } from './waiting-badge';
import { MIN_WINDOW, initialBounds, readWindowPlacement, saveWindowPlacement } from './window-state';

/**
 * The thin Electron adapter: windows, the `lanes://` protocol, IPC, the platform services
 * (dialogs, notifications, the system browser) and the desktop's habits (menus, one running
 * Lanes, the window where it was, the badge, About). Everything else is the core's.
 */

/** The folder named on the command line (`lanes <folder>`), if any. */
const folderArgument = process.argv.slice(app.isPackaged ? 1 : 2).find((arg) => !arg.startsWith('-')) ?? null;
/** What a second `lanes <folder>` hands the running Lanes (it validates it: another process sent it). */
const secondLaunchSchema = z.object({ folder: z.string().min(1).nullable() });

// One Lanes per user-data folder: a second launch hands its folder to the running one and quits.
const primary = app.requestSingleInstanceLock({ folder: folderArgument === null ? null : path.resolve(folderArgument) });
if (!primary) app.quit();
else start();

function start(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
  app.enableSandbox();
  app.on('web-contents-created', (_event, contents) => lockDown(contents));
  app.whenReady().then(ready);
  app.on('second-instance', (_event, _argv, _cwd, additionalData) => void openFromSecondLaunch(additionalData));
  app.on('before-quit', beforeQuit);
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
}

const appDir = path.resolve(__dirname, '..', '..');
const rendererDir = path.join(appDir, 'dist', 'renderer');
const preloadPath = path.join(appDir, 'dist', 'preload', 'index.cjs');
const windows = new Set<BrowserWindow>();
const shownNotifications = new Set<Notification>();
let core: Lanes | null = null;

const platform: PlatformServices = {
  mode: 'electron',
  async pickFolder() {
    const focused = BrowserWindow.getFocusedWindow();
    const options = { title: 'Open a git repository', properties: ['openDirectory' as const, 'createDirectory' as const] };
    const result = focused ? await dialog.showOpenDialog(focused, options) : await dialog.showOpenDialog(options);
    return result.canceled ? null : (result.filePaths[0] ?? null);
  },
  notify(title, body, instance) {
    if (!Notification.isSupported()) return;
    const notification = new Notification({ title, body });
    // Held until it is clicked or closed: a collected notification forgets its click handler.
    shownNotifications.add(notification);
    notification.on('close', () => shownNotifications.delete(notification));
    notification.on('click', () => {
      shownNotifications.delete(notification);
      const window = showWindow();
      if (instance) sendCommand(window, showInstanceCommand(instance));
    });
    notification.show();
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
    if (name === 'instances.changed') showWaiting((payload as InstanceList).instances.filter((instance) => instance.status === 'waiting').length);
    if (name === 'workspace.changed') showWaiting(0);
  });
}

/** The dock or taskbar badge: how many agents wait for the user (Linux shows it where the launcher supports it). */
function showWaiting(waiting: number): void {
  const badge = waitingBadge(waiting, process.platform);
  app.setBadgeCount(badge.count);
  if (badge.overlay === undefined) return;
  const icon = badge.overlay ? nativeImage.createFromDataURL(`data:image/png;base64,${WAITING_DOT_PNG_BASE64}`) : null;
  for (const window of windows) if (!window.isDestroyed()) window.setOverlayIcon(icon, badge.overlay?.description ?? '');
}

/** Asks the window to run one of the palette's commands, as if the user had picked it there. */
function sendCommand(window: BrowserWindow, command: string): void {
  if (!window.isDestroyed()) window.webContents.send(EVENT_CHANNEL, 'app.command', { command });
}

/** The Lanes window, brought to the front (made again if the user closed it). */
function showWindow(): BrowserWindow {
  const window = BrowserWindow.getFocusedWindow() ?? [...windows].find((each) => !each.isDestroyed()) ?? createWindow();
  if (window.isMinimized()) window.restore();
  window.show();
  window.focus();
  return window;
}

async function openFromSecondLaunch(additionalData: unknown): Promise<void> {
  const parsed = secondLaunchSchema.safeParse(additionalData);
  const window = showWindow();
  if (!parsed.success || parsed.data.folder === null || !core) return;
  const opened = await core.call('workspace.open', { path: parsed.data.folder });
  if (!opened.ok) await dialog.showMessageBox(window, { type: 'error', message: `Lanes could not open ${parsed.data.folder}`, detail: opened.error.message });
}

function buildMenu(): void {
  const toElectron = (item: MenuItemSpec): MenuItemConstructorOptions => {
    // Off macOS a menu's keys would be taken before the page sees them, so Ctrl+K or Ctrl+R could
    // never reach a shell in a terminal: the menu shows the keys and the window honours them.
    const registerAccelerator = process.platform === 'darwin';
    switch (item.kind) {
      case 'separator':
        return { type: 'separator' };
      case 'role':
        return { role: item.role, registerAccelerator };
      case 'action':
        return { label: item.label, click: () => void runMenuAction(item.action) };
      case 'command':
        return { label: item.label, accelerator: item.accelerator, registerAccelerator, click: () => sendCommand(showWindow(), item.command) };
    }
  };
  Menu.setApplicationMenu(Menu.buildFromTemplate(applicationMenu(process.platform).map((menu) => ({ label: menu.label, submenu: menu.items.map(toElectron) }))));
}

async function runMenuAction(action: MenuAction): Promise<void> {
  if (action === 'about') return showAbout();
  const folder = await platform.pickFolder!();
  if (folder === null || !core) return;
  const opened = await core.call('workspace.open', { path: folder });
  if (!opened.ok) await dialog.showMessageBox(showWindow(), { type: 'error', message: `Lanes could not open ${folder}`, detail: opened.error.message });
}

async function showAbout(): Promise<void> {
  const versions = [
    `Lanes ${app.getVersion()}`,
    `Electron ${process.versions.electron ?? '?'}`,
    `Chromium ${process.versions.chrome ?? '?'}`,
    `Node ${process.versions.node}`,
    `V8 ${process.versions.v8}`,
    `OS ${os.type()} ${os.release()} ${os.arch()}`,
  ].join('\n');
  const window = BrowserWindow.getFocusedWindow();
  const options = { type: 'info' as const, title: 'About Lanes', message: 'Lanes', detail: versions, buttons: ['Copy', 'OK'], defaultId: 1, cancelId: 1 };
  const answer = window ? await dialog.showMessageBox(window, options) : await dialog.showMessageBox(options);
  if (answer.response === 0) clipboard.writeText(versions);
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
  const userData = app.getPath('userData');
  const bounds = initialBounds(readWindowPlacement(userData), [screen.getPrimaryDisplay(), ...screen.getAllDisplays()].map((display) => display.workArea));
  const window = new BrowserWindow({
    x: bounds.x,
    y: bounds.y,
    width: bounds.width,
    height: bounds.height,
    minWidth: MIN_WINDOW.width,
    minHeight: MIN_WINDOW.height,
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
  if (bounds.maximized) window.maximize();
  window.on('close', () => {
    const { x, y, width, height } = window.getNormalBounds();
    saveWindowPlacement(userData, { x, y, width, height, maximized: window.isMaximized() }).catch((error: unknown) =>
      console.error('Lanes could not remember where its window was:', error instanceof Error ? error.message : error),
    );
  });
  window.on('closed', () => windows.delete(window));
  window.once('ready-to-show', () => window.show());
  void window.loadURL(`${APP_ORIGIN}/index.html#/workspace`);
  return window;
}

async function ready(): Promise<void> {
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
  serveApp();
  buildMenu();
  core = new Lanes({ userDataDir: app.getPath('userData'), platform, version: app.getVersion() });
  registerIpc(core);
  await core.call('workspace.open', { path: folderArgument ?? process.env.INIT_CWD ?? process.cwd() });
  createWindow();
  app.on('activate', () => {
    if (windows.size === 0) createWindow();
  });
}

let quitting = false;
function beforeQuit(event: { preventDefault(): void }): void {
  if (quitting || !core) return;
  // Keep or stop the agents as the user chooses, then free every watcher before the process goes away.
  event.preventDefault();
  quitting = true;
  const running = core;
  void askAgentsOnQuit(running)
    .catch((error: unknown) => console.error('Lanes could not ask what to do with running agents; the saved choice applies:', error))
    .then(() => running.dispose())
    .finally(() => app.quit());
}

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

