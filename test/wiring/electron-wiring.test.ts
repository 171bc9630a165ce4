import type { EventEmitter } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callNames } from '../../main/contract';
import { EVENT_CHANNEL } from '../../main/contract/channels';
import { APP_ORIGIN, CONTENT_SECURITY_POLICY } from '../../main/electron/policy';
import { fakeAgent, isRunningPid, lanesYml } from '../../main/instances/test-support';
import { initRepo } from '../support/git-fixtures';
import { waitFor } from '../support/wait';
import { createElectronStandIn, createPreloadStandIn, preventableEvent, type ElectronStandIn, type StandInInvokeEvent, type StandInWindow } from './electron-stand-in';

/**
 * Lanes' Electron wiring, checked against a stand-in for the `electron` module: the built main
 * bundle that package.json names is loaded as Electron would load it, and the test plays
 * Electron's part. This proves Lanes' side of the contract with Electron (what it registers,
 * whom it trusts, what it stops on quit), not Electron itself.
 */

const appDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const packageMain = (JSON.parse(readFileSync(path.join(appDir, 'package.json'), 'utf8')) as { main: string }).main;
const mainBundle = path.resolve(appDir, packageMain);
const nativeRequire = createRequire(import.meta.url);

type Envelope = { ok: true; value: any } | { ok: false; error: { code: string; message: string } };

let electron: ElectronStandIn;
let window: StandInWindow;
let workspace: string;
let userData: string;
let resourcesBefore: string[];

/** Loads the built main bundle with `require('electron')` answered by the stand-in. */
function loadMainBundle(standIn: ElectronStandIn, options: { fresh?: boolean } = {}): void {
  // A second Lanes process runs the bundle again from the start.
  if (options.fresh) delete nativeRequire.cache[nativeRequire.resolve(mainBundle)];
  const Module = nativeRequire('node:module') as { _load: (request: string, ...rest: unknown[]) => unknown };
  const load = Module._load;
  Module._load = function (request: string, ...rest: unknown[]) {
    return request === 'electron' ? standIn.module : load.call(this, request, ...rest);
  };
  try {
    nativeRequire(mainBundle);
  } finally {
    Module._load = load;
  }
}

function trusted(): StandInInvokeEvent {
  return { sender: window.webContents, senderFrame: window.webContents.mainFrame };
}

async function invoke(event: StandInInvokeEvent, name: string, args: unknown): Promise<Envelope> {
  const handler = electron.ipcHandlers.get(name);
  if (!handler) throw new Error(`No IPC handler for "${name}".`);
  return (await handler(event, args)) as Envelope;
}

async function callAsWindow(name: string, args: unknown = {}): Promise<any> {
  const envelope = await invoke(trusted(), name, args);
  if (!envelope.ok) throw new Error(`${name}: ${envelope.error.code}: ${envelope.error.message}`);
  return envelope.value;
}

function serve(url: string): Promise<Response> {
  const handler = electron.protocolHandlers.get('lanes');
  if (!handler) throw new Error('Nothing handles lanes://');
  return Promise.resolve(handler(new Request(url)));
}

beforeAll(async () => {
  if (!existsSync(mainBundle)) throw new Error(`package.json "main" names ${packageMain}, which does not exist. Run \`npm run build\` first.`);
  resourcesBefore = process.getActiveResourcesInfo();
  workspace = initRepo(realpathSync(mkdtempSync(path.join(os.tmpdir(), 'lanes-wiring-repo-'))), {
    'README.md': '# wiring\n',
    'src/.keep': '',
    'lanes.yml': lanesYml([{ name: 'alpha', agent: fakeAgent('--print=alpha is up', '--ask=Proceed? [y/N] ', '--wait'), zones: ['src/'] }]),
  });
  userData = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'lanes-wiring-user-')));
  electron = createElectronStandIn({ userData, version: '0.1.0-wiring' });

  // Electron runs main as `electron <app> <folder>`: the folder to open is the first argument after the app.
  const argv = process.argv;
  process.argv = [process.execPath, appDir, workspace];
  try {
    loadMainBundle(electron);
    electron.makeReady();
    window = await waitFor(() => electron.windows[0], 'the Lanes window', 15_000);
  } finally {
    process.argv = argv;
  }
});

afterAll(async () => {
  if (electron && electron.windows.some((each) => !each.isDestroyed())) {
    for (const each of electron.windows) each.close();
    await electron.quit;
  }
  for (const dir of [workspace, userData]) if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("Lanes' Electron wiring (against a stand-in for the electron module)", () => {
  it('starts from the file package.json names, and its window loads a preload that exists', () => {
    expect(packageMain).toBe('dist/main/electron.cjs');
    const preload = window.options.webPreferences?.preload as string;
    expect(preload).toBe(path.join(appDir, 'dist', 'preload', 'index.cjs'));
    expect(existsSync(preload)).toBe(true);
    expect(window.loadedUrls).toEqual([`${APP_ORIGIN}/index.html#/workspace`]);
    // The first start: the default size, centred (no position), on the primary display.
    expect(window.options).toMatchObject({ width: 1280, height: 820, minWidth: 880, minHeight: 560 });
    expect(window.options.x).toBeUndefined();
    expect(window.shown).toBe(false);
    window.emit('ready-to-show');
    expect(window.shown).toBe(true);
  });

  it('opens the folder it was started with before the window shows it', async () => {
    expect(await callAsWindow('workspace.current')).toMatchObject({ root: workspace });
    expect(await callAsWindow('app.info')).toMatchObject({ mode: 'electron', version: '0.1.0-wiring', capabilities: { pickFolder: true, nativeNotifications: true } });
  });

  it('isolates and sandboxes the window, with no Node in the page', () => {
    expect(electron.sandboxEnabledBeforeReady()).toBe(true);
    const preferences = window.options.webPreferences ?? {};
    expect(preferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
    for (const risky of ['nodeIntegrationInSubFrames', 'enableRemoteModule', 'experimentalFeatures', 'enableBlinkFeatures']) {
      expect(preferences[risky], risky).toBeUndefined();
    }
    expect(electron.privilegedSchemes).toEqual([{ scheme: 'lanes', privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
  });

  it('serves the built renderer, and only it, over lanes:// with the content security policy', async () => {
    const index = await serve(`${APP_ORIGIN}/index.html`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(index.headers.get('x-content-type-options')).toBe('nosniff');
    const html = await index.text();
    const assets = [...html.matchAll(/(?:src|href)="\.\/([^"]+)"/g)].map((match) => match[1]!);
    expect(assets.length).toBeGreaterThanOrEqual(2);
    for (const asset of assets) expect((await serve(`${APP_ORIGIN}/${asset}`)).status, asset).toBe(200);

    expect(await (await serve(`${APP_ORIGIN}/`)).text()).toBe(html);
    expect((await serve(`${APP_ORIGIN}/..%2f..%2fpackage.json`)).status).toBe(404);
    expect((await serve(`${APP_ORIGIN}/assets/missing.js`)).status).toBe(404);
    expect((await serve('lanes://elsewhere/index.html')).status).toBe(404);
    expect((await serve(`${APP_ORIGIN}/%u002e%u002e/package.json`)).status).toBe(400);
    expect((await serve(`${APP_ORIGIN}/..%c0%af..%c0%afpackage.json`)).status).toBe(400);
  });

  it('denies every permission a page asks for', () => {
    const { request, check } = electron.permissionHandlers;
    for (const permission of ['notifications', 'media', 'geolocation', 'clipboard-read', 'openExternal']) {
      let granted: boolean | undefined;
      request!(window.webContents, permission, (answer) => (granted = answer));
      expect(granted, permission).toBe(false);
      expect(check!(window.webContents, permission), permission).toBe(false);
    }
  });

  it('registers one IPC handler for each contract call, and nothing else', () => {
    expect([...electron.ipcHandlers.keys()].sort()).toEqual([...callNames].sort());
  });

  it("passes every call from the window's main frame to the core, which validates it", async () => {
    for (const name of callNames) {
      // Arguments no call accepts: the core's validation answers, naming the call, and nothing runs.
      const envelope = await invoke(trusted(), name, 42);
      expect(envelope, name).toMatchObject({ ok: false, error: { code: 'invalid-argument', message: expect.stringContaining(`"${name}"`) } });
    }
  });

  it('refuses every call from any other sender before it reaches the core', async () => {
    const stranger = electron.createWebContents(`${APP_ORIGIN}/index.html`);
    const senders: [string, () => StandInInvokeEvent][] = [
      ['a frame inside the window', () => ({ sender: window.webContents, senderFrame: window.webContents.childFrame(`${APP_ORIGIN}/index.html`) })],
      ['a web contents that is not a Lanes window', () => ({ sender: stranger, senderFrame: stranger.mainFrame })],
      ['a frame that is gone', () => ({ sender: window.webContents, senderFrame: null })],
    ];
    const refusals = async () => {
      for (const [who, sender] of senders) {
        for (const name of callNames) {
          expect(await invoke(sender(), name, 42), `${name} from ${who}`).toMatchObject({ ok: false, error: { code: 'forbidden' } });
        }
        expect(await invoke(sender(), 'app.openExternal', { url: 'https://example.com/from-a-stranger' })).toMatchObject({ error: { code: 'forbidden' } });
        expect(await invoke(sender(), 'instances.start', { name: 'alpha' })).toMatchObject({ error: { code: 'forbidden' } });
      }
    };
    await refusals();

    // The window itself, once its main frame shows another site.
    const home = window.webContents.mainFrame.url;
    window.webContents.mainFrame.url = 'https://example.com/index.html';
    senders.splice(0, senders.length, ['the window showing another site', trusted]);
    try {
      await refusals();
    } finally {
      window.webContents.mainFrame.url = home;
    }

    expect(electron.openedExternally).toEqual([]);
    expect((await callAsWindow('instances.list')).instances).toEqual([expect.objectContaining({ name: 'alpha', status: 'stopped', pid: null })]);
  });

  it('gives the core the desktop services: the system browser for http(s) links, the folder dialog', async () => {
    expect(await callAsWindow('app.openExternal', { url: 'https://example.com/docs' })).toBeNull();
    expect(await invoke(trusted(), 'app.openExternal', { url: 'file:///etc/passwd' })).toMatchObject({ ok: false, error: { code: 'invalid-argument' } });
    expect(electron.openedExternally).toEqual(['https://example.com/docs']);

    electron.folderDialogAnswer = workspace;
    expect(await callAsWindow('workspace.pickFolder')).toEqual({ path: workspace });
    electron.folderDialogAnswer = null;
    expect(await callAsWindow('workspace.pickFolder')).toEqual({ path: null });
  });

  it('keeps every page on lanes://app: navigation, redirects, webviews and new windows are refused', () => {
    electron.openedExternally.length = 0;
    const other = electron.createWebContents('');
    for (const contents of [window.webContents, other]) {
      for (const eventName of ['will-navigate', 'will-redirect']) {
        for (const [url, allowed] of [
          [`${APP_ORIGIN}/index.html#/zones`, true],
          ['https://example.com/', false],
          ['file:///etc/passwd', false],
          ['lanes://app.example.com/index.html', false],
          ['lanes://elsewhere/index.html', false],
        ] as const) {
          const event = preventableEvent();
          contents.emit(eventName, event, url);
          expect(event.defaultPrevented, `${eventName} to ${url}`).toBe(!allowed);
        }
      }
      const webview = preventableEvent();
      contents.emit('will-attach-webview', webview, {}, {});
      expect(webview.defaultPrevented).toBe(true);

      for (const url of ['https://example.com/a', 'http://localhost:8080/b', 'file:///etc/passwd', 'javascript:alert(1)', `${APP_ORIGIN}/index.html`, 'mailto:someone@example.com']) {
        expect(contents.windowOpenHandler!({ url }), url).toEqual({ action: 'deny' });
      }
    }
    expect(electron.openedExternally).toEqual(['https://example.com/a', 'http://localhost:8080/b', 'https://example.com/a', 'http://localhost:8080/b']);
  });

  it('gives the page exactly the preload bridge, which carries calls to main and contract events back', async () => {
    const preloadFile = window.options.webPreferences!.preload as string;
    const invoked: string[] = [];
    const preload = createPreloadStandIn((channel, args) => {
      invoked.push(channel);
      return invoke(trusted(), channel, args);
    });
    // A sandboxed preload may require only `electron`: anything else must be bundled into it.
    const sandboxedRequire = (request: string) => {
      if (request !== 'electron') throw new Error(`A sandboxed preload cannot require "${request}".`);
      return preload.module;
    };
    const module = { exports: {} };
    new Function('require', 'module', 'exports', readFileSync(preloadFile, 'utf8'))(sandboxedRequire, module, module.exports);

    expect([...preload.exposed.keys()]).toEqual(['lanesBridge']);
    const bridge = preload.exposed.get('lanesBridge') as {
      call(name: string, args: unknown): Promise<Envelope>;
      subscribe(listener: (name: string, payload: unknown) => void): () => void;
    };
    expect(await bridge.call('fs.readFile', { path: '/etc/passwd' })).toMatchObject({ ok: false, error: { code: 'invalid-argument' } });
    expect(invoked).toEqual([]);
    expect(await bridge.call('app.info', {})).toMatchObject({ ok: true, value: { mode: 'electron' } });
    expect(invoked).toEqual(['app.info']);

    const received: string[] = [];
    const unsubscribe = bridge.subscribe((name) => received.push(name));
    // Main pushes core events to the window; here they are delivered to the preload as Electron would.
    const sentBefore = window.webContents.sent.length;
    expect(await callAsWindow('workspace.refresh')).toMatchObject({ root: workspace });
    const pushed = window.webContents.sent.slice(sentBefore);
    expect(pushed).toContainEqual({ channel: EVENT_CHANNEL, args: ['workspace.changed', expect.objectContaining({ root: workspace })] });
    for (const message of pushed) preload.ipcRenderer.emit(message.channel, {}, ...message.args);
    preload.ipcRenderer.emit(EVENT_CHANNEL, {}, 'not.an.event', {});
    expect(received).toContain('workspace.changed');
    expect(received).not.toContain('not.an.event');
    unsubscribe();
    expect(preload.ipcRenderer.listenerCount(EVENT_CHANNEL)).toBe(0);
  });

  it('sets native menus that mirror the palette; choosing one asks the window to run its command', () => {
    const template = electron.menu.template!;
    expect(template.map((menu) => menu.label)).toEqual(['File', 'Edit', 'View', 'Instances', 'Window', 'Help']);
    const items = template.flatMap((menu) => menu.submenu ?? []);
    const palette = items.find((item) => item.label === 'Command Palette…')!;
    // Off macOS the menu only shows the keys: the window honours them, so a terminal's shell keeps Ctrl+K.
    expect(palette).toMatchObject({ accelerator: 'CmdOrCtrl+K', registerAccelerator: false });
    expect(items.find((item) => item.label === 'Zones')).toMatchObject({ accelerator: 'Alt+3' });
    const sentBefore = window.webContents.sent.length;
    palette.click!();
    items.find((item) => item.label === 'Zones')!.click!();
    expect(window.webContents.sent.slice(sentBefore)).toEqual([
      { channel: EVENT_CHANNEL, args: ['app.command', { command: 'palette' }] },
      { channel: EVENT_CHANNEL, args: ['app.command', { command: 'go.zones' }] },
    ]);
    expect(window.focused).toBe(true);
  });

  it('shows an About box with the versions, and copies them when asked', async () => {
    const about = electron.menu.template!.find((menu) => menu.label === 'Help')!.submenu!.find((item) => item.label === 'About Lanes')!;
    electron.messageBoxAnswer = { response: 0, checkboxChecked: false };
    about.click!();
    await waitFor(() => electron.clipboard.length > 0, 'the versions on the clipboard');
    expect(electron.messageBoxes.at(-1)).toMatchObject({ title: 'About Lanes', buttons: ['Copy', 'OK'] });
    expect(electron.clipboard[0]).toMatch(new RegExp(`^Lanes 0\\.1\\.0-wiring\nElectron .*\nChromium .*\nNode ${process.versions.node.replace(/\./g, '\\.')}\n`));
    electron.messageBoxes.splice(0);
  });

  it('holds the one-Lanes lock: a second `lanes <folder>` opens its folder in this window', async () => {
    expect(electron.singleInstance.additionalData).toEqual({ folder: workspace });
    const other = initRepo(realpathSync(mkdtempSync(path.join(os.tmpdir(), 'lanes-wiring-other-'))), { 'README.md': '# other\n' });
    try {
      window.focused = false;
      window.minimized = true;
      (electron.module.app as EventEmitter).emit('second-instance', preventableEvent(), [], '/', { folder: other });
      await waitFor(async () => (await callAsWindow('workspace.current'))?.root === other, 'the other folder to open');
      expect(window).toMatchObject({ focused: true, minimized: false });
      // What another process sends is checked: a malformed hand-over only brings the window forward.
      (electron.module.app as EventEmitter).emit('second-instance', preventableEvent(), [], '/', { folder: 42 });
      (electron.module.app as EventEmitter).emit('second-instance', preventableEvent(), [], '/', { folder: path.join(other, 'gone') });
      await waitFor(() => electron.messageBoxes.length > 0, 'the refusal');
      expect(electron.messageBoxes[0]).toMatchObject({ type: 'error', message: `Lanes could not open ${path.join(other, 'gone')}` });
      expect((await callAsWindow('workspace.current')).root).toBe(other);
    } finally {
      electron.messageBoxes.splice(0);
      await callAsWindow('workspace.open', { path: workspace });
      rmSync(other, { recursive: true, force: true });
    }
  });

  it('a second Lanes without the lock quits at once, opening nothing', async () => {
    const second = createElectronStandIn({ userData, version: '0.1.0-second' });
    second.singleInstance.granted = false;
    const argv = process.argv;
    process.argv = [process.execPath, appDir, workspace];
    try {
      loadMainBundle(second, { fresh: true });
    } finally {
      process.argv = argv;
    }
    second.makeReady();
    await second.quit;
    expect(second.ipcHandlers.size).toBe(0);
    expect(second.protocolHandlers.size).toBe(0);
    expect(second.windows).toEqual([]);
  });

  it('quits when the last window closes, stopping every agent and freeing what main started', async () => {
    // The window trusts the repository's agent as the trust dialog does, through the same calls as the web mode.
    const trust = await callAsWindow('trust.state');
    await callAsWindow('trust.grant', { commands: trust.commands.map(({ kind, command, instance }: { kind: string; command: string; instance: string | null }) => ({ kind, command, instance })) });
    const started = await callAsWindow('instances.start', { name: 'alpha' });
    const pid = started.pid as number;
    expect(isRunningPid(pid)).toBe(true);
    await waitFor(() => window.webContents.sent.some((message) => message.args[0] === 'instances.output' && String((message.args[1] as { data: string }).data).includes('alpha is up')), 'the agent to print', 15_000);

    // Waiting for input: the badge counts it, and the notification's click shows its terminal.
    await waitFor(async () => (await callAsWindow('instances.list')).instances.find((each: { name: string }) => each.name === 'alpha').status === 'waiting', 'alpha to wait for input', 15_000);
    await waitFor(() => electron.badgeCounts.at(-1) === 1, 'the badge to count alpha');
    const notification = await waitFor(() => electron.notifications.find((each) => each.title === 'alpha is waiting for you'), 'the notification');
    const sentBeforeClick = window.webContents.sent.length;
    window.focused = false;
    notification.emit('click');
    expect(window.webContents.sent.slice(sentBeforeClick)).toContainEqual({ channel: EVENT_CHANNEL, args: ['app.command', { command: 'instance.show.alpha' }] });
    expect(window.focused).toBe(true);

    // The positive control: with the agent's pty, the watchers and the notify server running, there is more to free.
    expect(holdsNoMoreThan(process.getActiveResourcesInfo(), resourcesBefore)).toBe(false);

    // Agents may outlive Lanes now: quitting asks, keep (the default) or stop. This user stops them.
    electron.messageBoxAnswer = { response: 1, checkboxChecked: false };
    window.bounds = { x: 40, y: 30, width: 1500, height: 900 };
    window.maximized = true;
    window.close();
    await electron.quit;
    expect(electron.messageBoxes).toEqual([expect.objectContaining({ buttons: ['Keep agents running', 'Stop agents'], defaultId: 0, cancelId: 0, message: 'alpha is still running.' })]);

    expect(electron.appEvents.filter((name) => ['window-all-closed', 'before-quit', 'will-quit', 'quit'].includes(name))).toEqual([
      'window-all-closed',
      // The first before-quit is held until the core has stopped everything; then main quits again.
      'before-quit',
      'before-quit',
      'will-quit',
      'quit',
    ]);
    expect(isRunningPid(pid)).toBe(false);
    // Where the window was is remembered for the next start.
    await waitFor(() => existsSync(path.join(userData, 'window-state.json')), 'the window placement');
    expect(JSON.parse(readFileSync(path.join(userData, 'window-state.json'), 'utf8'))).toEqual({ x: 40, y: 30, width: 1500, height: 900, maximized: true });
    // Every pty, watcher, server and timer main started is gone: the process holds what it held before.
    await waitFor(() => holdsNoMoreThan(process.getActiveResourcesInfo(), resourcesBefore), 'no handles left', 15_000).catch(() => {
      throw new Error(`Handles left after quitting: ${process.getActiveResourcesInfo().join(', ')} (before: ${resourcesBefore.join(', ')})`);
    });
  });
});

/** Whether the process holds no more handles of any kind than it did before. */
function holdsNoMoreThan(now: readonly string[], before: readonly string[]): boolean {
  const count = (list: readonly string[]) => list.reduce((counts, name) => counts.set(name, (counts.get(name) ?? 0) + 1), new Map<string, number>());
  const [a, b] = [count(now), count(before)];
  return [...a.entries()].every(([name, n]) => n <= (b.get(name) ?? 0));
}
