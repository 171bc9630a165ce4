import { EventEmitter } from 'node:events';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

/**
 * A stand-in for the `electron` module, with just the surface Lanes' main process and preload
 * use. It does nothing Electron does; it records what Lanes asks of it (window options, protocol
 * and session handlers, IPC handlers, links opened) and lets a test play Electron's part: make
 * the app ready, send IPC from chosen frames, navigate, close windows, quit.
 */

export interface StandInFrame {
  url: string;
  readonly parent: StandInFrame | null;
}

/** What Electron passes to an `ipcMain.handle` listener, reduced to what Lanes reads. */
export interface StandInInvokeEvent {
  readonly sender: StandInWebContents;
  readonly senderFrame: StandInFrame | null;
}

type IpcHandler = (event: StandInInvokeEvent, ...args: unknown[]) => unknown;
type WindowOpenHandler = (details: { url: string }) => { action: 'allow' | 'deny' };
type PermissionRequestHandler = (contents: unknown, permission: string, callback: (granted: boolean) => void) => void;
type PermissionCheckHandler = (contents: unknown, permission: string) => boolean;
type ProtocolHandler = (request: Request) => Response | Promise<Response>;

/** An event a listener may cancel, as Electron's navigation and quit events are. */
export interface PreventableEvent {
  preventDefault(): void;
  readonly defaultPrevented: boolean;
}

export function preventableEvent(): PreventableEvent {
  let prevented = false;
  return {
    preventDefault() {
      prevented = true;
    },
    get defaultPrevented() {
      return prevented;
    },
  };
}

export class StandInWebContents extends EventEmitter {
  readonly mainFrame: StandInFrame = { url: '', parent: null };
  readonly sent: { channel: string; args: unknown[] }[] = [];
  windowOpenHandler: WindowOpenHandler | null = null;
  destroyed = false;

  send(channel: string, ...args: unknown[]): void {
    if (this.destroyed) throw new Error('Object has been destroyed');
    this.sent.push({ channel, args });
  }

  setWindowOpenHandler(handler: WindowOpenHandler): void {
    this.windowOpenHandler = handler;
  }

  isDestroyed(): boolean {
    return this.destroyed;
  }

  /** A frame inside this page (an iframe), which is never the main frame. */
  childFrame(url: string): StandInFrame {
    return { url, parent: this.mainFrame };
  }
}

export interface ElectronStandIn {
  /** What `require('electron')` returns while the stand-in is installed. */
  readonly module: Record<string, unknown>;
  readonly windows: StandInWindow[];
  readonly ipcHandlers: Map<string, IpcHandler>;
  readonly protocolHandlers: Map<string, ProtocolHandler>;
  readonly privilegedSchemes: unknown[];
  readonly permissionHandlers: { request: PermissionRequestHandler | null; check: PermissionCheckHandler | null };
  readonly openedExternally: string[];
  readonly notifications: StandInNotification[];
  /** The application menu Lanes set, as the template it built it from. */
  readonly menu: { template: StandInMenuItem[] | null };
  /** Every badge count Lanes set, in order. */
  readonly badgeCounts: number[];
  readonly clipboard: string[];
  /** What `app.requestSingleInstanceLock` answers, and the data Lanes handed it. */
  singleInstance: { granted: boolean; additionalData: unknown };
  /** The displays' work areas; the first is the primary display. */
  displays: { x: number; y: number; width: number; height: number }[];
  readonly webContentsCreated: StandInWebContents[];
  /** Whether `app.enableSandbox()` was called before the app became ready. */
  readonly sandboxEnabledBeforeReady: () => boolean;
  /** The folder the next folder dialog answers with (null: the user cancels). */
  folderDialogAnswer: string | null;
  /** What the next message box answers: the button's index and the checkbox. */
  messageBoxAnswer: { response: number; checkboxChecked: boolean };
  /** The options of every message box shown, in order. */
  readonly messageBoxes: Record<string, unknown>[];
  /** Plays Electron's start-up: `app.whenReady()` resolves. */
  makeReady(): void;
  /** Resolves when the app has emitted `quit`, as Electron does right before the process exits. */
  readonly quit: Promise<void>;
  /** The app events in the order they were emitted. */
  readonly appEvents: string[];
  /** A web contents not belonging to any Lanes window (a devtools page, a webview, another app). */
  createWebContents(url: string): StandInWebContents;
}

export interface StandInMenuItem {
  readonly label?: string;
  readonly role?: string;
  readonly type?: string;
  readonly accelerator?: string;
  readonly registerAccelerator?: boolean;
  readonly submenu?: StandInMenuItem[];
  readonly click?: () => void;
}

export interface StandInNotification extends EventEmitter {
  readonly title: string;
  readonly body: string;
}

export interface StandInWindow extends EventEmitter {
  readonly options: { webPreferences?: Record<string, unknown> } & Record<string, unknown>;
  readonly webContents: StandInWebContents;
  readonly loadedUrls: string[];
  shown: boolean;
  focused: boolean;
  maximized: boolean;
  minimized: boolean;
  /** Where the user left it: what `getNormalBounds` answers. */
  bounds: { x: number; y: number; width: number; height: number };
  close(): void;
  isDestroyed(): boolean;
}

export function createElectronStandIn(options: { userData: string; version: string }): ElectronStandIn {
  const windows: StandInWindow[] = [];
  const ipcHandlers = new Map<string, IpcHandler>();
  const protocolHandlers = new Map<string, ProtocolHandler>();
  const privilegedSchemes: unknown[] = [];
  const permissionHandlers: ElectronStandIn['permissionHandlers'] = { request: null, check: null };
  const openedExternally: string[] = [];
  const notifications: StandInNotification[] = [];
  const badgeCounts: number[] = [];
  const clipboardWrites: string[] = [];
  const webContentsCreated: StandInWebContents[] = [];
  const appEvents: string[] = [];
  let ready = false;
  let sandboxEnabledBeforeReady = false;
  let markReady: () => void = () => undefined;
  const whenReady = new Promise<void>((resolve) => {
    markReady = resolve;
  });
  let markQuit: () => void = () => undefined;
  const quit = new Promise<void>((resolve) => {
    markQuit = resolve;
  });

  class App extends EventEmitter {
    readonly isPackaged = false;
    override emit(name: string | symbol, ...args: unknown[]): boolean {
      appEvents.push(String(name));
      return super.emit(name, ...args);
    }
    enableSandbox(): void {
      if (!ready) sandboxEnabledBeforeReady = true;
    }
    whenReady(): Promise<void> {
      return whenReady;
    }
    getPath(name: string): string {
      if (name !== 'userData') throw new Error(`The stand-in knows only app.getPath('userData'), not '${name}'.`);
      return options.userData;
    }
    getVersion(): string {
      return options.version;
    }
    requestSingleInstanceLock(additionalData?: unknown): boolean {
      standIn.singleInstance.additionalData = additionalData;
      return standIn.singleInstance.granted;
    }
    setBadgeCount(count: number): boolean {
      badgeCounts.push(count);
      return true;
    }
    /** Electron's order: before-quit (cancelable), windows close, will-quit (cancelable), quit. */
    quit(): void {
      const beforeQuit = preventableEvent();
      this.emit('before-quit', beforeQuit);
      if (beforeQuit.defaultPrevented) return;
      for (const window of windows.filter((each) => !each.isDestroyed())) destroy(window);
      const willQuit = preventableEvent();
      this.emit('will-quit', willQuit);
      if (willQuit.defaultPrevented) return;
      this.emit('quit', preventableEvent(), 0);
      markQuit();
    }
  }
  const app = new App();

  function createWebContents(url: string): StandInWebContents {
    const contents = new StandInWebContents();
    contents.mainFrame.url = url;
    webContentsCreated.push(contents);
    app.emit('web-contents-created', preventableEvent(), contents);
    return contents;
  }

  function destroy(window: StandInWindow & { destroyed?: boolean }): void {
    window.emit('close', preventableEvent());
    window.destroyed = true;
    window.webContents.destroyed = true;
    window.emit('closed');
  }

  class BrowserWindow extends EventEmitter implements StandInWindow {
    static getFocusedWindow(): BrowserWindow | null {
      return null;
    }
    readonly webContents: StandInWebContents;
    readonly loadedUrls: string[] = [];
    shown = false;
    focused = false;
    maximized = false;
    minimized = false;
    destroyed = false;
    bounds: StandInWindow['bounds'];

    constructor(readonly options: StandInWindow['options']) {
      super();
      this.webContents = createWebContents('');
      const number = (key: string, fallback: number) => (typeof options[key] === 'number' ? (options[key] as number) : fallback);
      this.bounds = { x: number('x', 100), y: number('y', 100), width: number('width', 800), height: number('height', 600) };
      windows.push(this);
    }
    getNormalBounds() {
      return { ...this.bounds };
    }
    maximize(): void {
      this.maximized = true;
    }
    isMaximized(): boolean {
      return this.maximized;
    }
    isMinimized(): boolean {
      return this.minimized;
    }
    restore(): void {
      this.minimized = false;
    }
    focus(): void {
      this.focused = true;
    }
    loadURL(url: string): Promise<void> {
      this.loadedUrls.push(url);
      this.webContents.mainFrame.url = url;
      return Promise.resolve();
    }
    show(): void {
      this.shown = true;
    }
    isDestroyed(): boolean {
      return this.destroyed;
    }
    /** The user closes the window: Electron emits `closed`, then `window-all-closed` if it was the last. */
    close(): void {
      if (this.destroyed) return;
      destroy(this);
      if (windows.every((window) => window.isDestroyed())) app.emit('window-all-closed');
    }
  }

  class Notification extends EventEmitter implements StandInNotification {
    static isSupported(): boolean {
      return true;
    }
    readonly title: string;
    readonly body: string;
    constructor(content: { title: string; body: string }) {
      super();
      this.title = content.title;
      this.body = content.body;
    }
    show(): void {
      notifications.push(this);
    }
  }

  const standIn: ElectronStandIn = {
    module: {},
    windows,
    ipcHandlers,
    protocolHandlers,
    privilegedSchemes,
    permissionHandlers,
    openedExternally,
    notifications,
    menu: { template: null },
    badgeCounts,
    clipboard: clipboardWrites,
    singleInstance: { granted: true, additionalData: undefined },
    displays: [{ x: 0, y: 0, width: 1920, height: 1050 }],
    webContentsCreated,
    sandboxEnabledBeforeReady: () => sandboxEnabledBeforeReady,
    folderDialogAnswer: null,
    messageBoxAnswer: { response: 0, checkboxChecked: false },
    messageBoxes: [],
    makeReady() {
      ready = true;
      app.emit('ready');
      markReady();
    },
    quit,
    appEvents,
    createWebContents,
  };

  Object.assign(standIn.module, {
    app,
    BrowserWindow,
    Notification,
    Menu: {
      buildFromTemplate(template: StandInMenuItem[]) {
        return { template };
      },
      setApplicationMenu(menu: { template: StandInMenuItem[] } | null) {
        standIn.menu.template = menu?.template ?? null;
      },
    },
    clipboard: {
      writeText(text: string) {
        clipboardWrites.push(text);
      },
    },
    screen: {
      getPrimaryDisplay: () => ({ workArea: standIn.displays[0] }),
      getAllDisplays: () => standIn.displays.map((workArea) => ({ workArea })),
    },
    dialog: {
      async showOpenDialog() {
        const answer = standIn.folderDialogAnswer;
        return answer === null ? { canceled: true, filePaths: [] } : { canceled: false, filePaths: [answer] };
      },
      // Electron takes (window, options) or (options).
      async showMessageBox(first: unknown, second?: unknown) {
        standIn.messageBoxes.push((second ?? first) as Record<string, unknown>);
        return { ...standIn.messageBoxAnswer };
      },
    },
    ipcMain: {
      handle(channel: string, handler: IpcHandler) {
        if (ipcHandlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
        ipcHandlers.set(channel, handler);
      },
    },
    protocol: {
      registerSchemesAsPrivileged(schemes: unknown[]) {
        if (ready) throw new Error('protocol.registerSchemesAsPrivileged must be called before the app is ready.');
        privilegedSchemes.push(...schemes);
      },
      handle(scheme: string, handler: ProtocolHandler) {
        if (!ready) throw new Error('protocol.handle must be called after the app is ready.');
        protocolHandlers.set(scheme, handler);
      },
    },
    net: {
      /** Electron's net.fetch reads file: URLs; a missing file fails the request, as Chromium's does. */
      async fetch(url: string) {
        if (!url.startsWith('file:')) throw new Error(`The stand-in's net.fetch reads only file: URLs, not ${url}.`);
        return new Response(await readFile(fileURLToPath(url)), { status: 200 });
      },
    },
    session: {
      defaultSession: {
        setPermissionRequestHandler(handler: PermissionRequestHandler) {
          permissionHandlers.request = handler;
        },
        setPermissionCheckHandler(handler: PermissionCheckHandler) {
          permissionHandlers.check = handler;
        },
      },
    },
    shell: {
      async openExternal(url: string) {
        openedExternally.push(url);
      },
    },
  });
  return standIn;
}

/** The preload's half of the stand-in: what `contextBridge` and `ipcRenderer` give a sandboxed preload. */
export function createPreloadStandIn(invoke: (channel: string, args: unknown) => Promise<unknown>) {
  const exposed = new Map<string, unknown>();
  const ipcRenderer = new EventEmitter();
  const module = {
    contextBridge: {
      exposeInMainWorld(key: string, api: unknown) {
        exposed.set(key, api);
      },
    },
    ipcRenderer: Object.assign(ipcRenderer, {
      invoke: (channel: string, args: unknown) => invoke(channel, args),
    }),
  };
  return { module, exposed, ipcRenderer };
}
