import { afterEach, vi } from 'vitest';
import type { EventName } from '../../main/contract';
import { Lanes } from '../../main/app/lanes';
import { makeGitRepo, makeTempDir } from '../../test/support/repo';
import type { PreloadBridge } from './transport';

// The renderer's stores, run in Node against the real core behind the same bridge Electron's
// preload gives the window: calls and events are copied as IPC copies them, and events arrive
// after the code that emitted them has run. A store module reads the bridge when it is imported,
// so each test imports its store afresh (`await import('./store')`) after `bridgedCore`.

let running: Lanes | null = null;
afterEach(async () => {
  await running?.dispose();
  running = null;
  vi.unstubAllGlobals();
});

export interface BridgedCore {
  readonly core: Lanes;
  /** The repository opened as the workspace, or null when none was asked for. */
  readonly root: string | null;
}

/** A core behind `window.lanesBridge`, with a git repository of `files` open as its workspace (none without `files`). */
export async function bridgedCore(files?: Record<string, string>): Promise<BridgedCore> {
  vi.resetModules();
  const core = new Lanes({ userDataDir: makeTempDir(), platform: { mode: 'web' }, version: 'test' });
  running = core;
  let root: string | null = null;
  if (files) {
    root = makeGitRepo(files);
    const opened = await core.call('workspace.open', { path: root });
    if (!opened.ok) throw new Error(`The test workspace did not open: ${opened.error.message}`);
  }
  const lanesBridge: PreloadBridge = {
    call: async (name, args) => structuredClone(await core.call(name, structuredClone(args))),
    subscribe: (listener) => {
      const subscription = core.onEvent((name, payload) => {
        const copy = structuredClone(payload);
        queueMicrotask(() => listener(name, copy));
      });
      return () => subscription.dispose();
    },
  };
  vi.stubGlobal('window', { lanesBridge, location: { hash: '', protocol: 'http:', host: 'localhost' } });
  return { core, root };
}

interface Store<S> {
  getState(): S;
  subscribe(listener: (state: S) => void): () => void;
}

/** Resolves with the store's state once `holds` is true of it (at once if it already is). */
export function stateWhere<S>(store: Store<S>, holds: (state: S) => boolean, what: string, timeoutMs = 10_000): Promise<S> {
  return new Promise((resolve, reject) => {
    if (holds(store.getState())) {
      resolve(store.getState());
      return;
    }
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`Timed out waiting for ${what}; the store holds ${JSON.stringify(store.getState())}`));
    }, timeoutMs);
    const stop = store.subscribe((state) => {
      if (!holds(state)) return;
      clearTimeout(timer);
      stop();
      resolve(state);
    });
  });
}

/** Resolves when the core next emits `name` (the page receives it just after). */
export function nextEvent(core: Lanes, name: EventName, timeoutMs = 10_000): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      subscription.dispose();
      reject(new Error(`Timed out waiting for the event "${name}"`));
    }, timeoutMs);
    const subscription = core.onEvent((emitted, payload) => {
      if (emitted !== name) return;
      clearTimeout(timer);
      subscription.dispose();
      resolve(payload);
    });
  });
}
