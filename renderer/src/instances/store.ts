import { create } from 'zustand';
import type { InstanceState, TerminalSnapshot } from '../../../main/contract/instances';
import { errorMessage, lanes } from '../client';
import { useApp } from '../shell/app-store';
import { goTo } from '../shell/routes';
import { sameData } from '../shell/same-data';

export type Layout = 'grid' | 'focus';

interface InstancesState {
  instances: InstanceState[];
  configProblem: string | null;
  loading: boolean;
  error: string | null;
  /** Names with a start/stop/restart on its way, so their buttons wait. */
  pending: Record<string, boolean>;
  layout: Layout;
  focused: string | null;
  /** Draw visible terminals with WebGL (off: the DOM renderer, for drivers where WebGL misbehaves). */
  gpu: boolean;
  load(): Promise<void>;
  start(name: string): Promise<void>;
  stop(name: string): Promise<void>;
  restart(name: string): Promise<void>;
  startAll(): Promise<void>;
  stopAll(): Promise<void>;
  focus(name: string | null): void;
  setLayout(layout: Layout): void;
  setGpu(gpu: boolean): void;
  dismissError(): void;
}

const ALL = '*';
const GPU_SETTING = 'lanes.terminal.gpu';

export const useInstances = create<InstancesState>((set, get) => {
  const act = async (key: string, task: () => Promise<void>) => {
    set((state) => ({ pending: { ...state.pending, [key]: true }, error: null }));
    try {
      await task();
    } catch (error) {
      set({ error: errorMessage(error) });
    } finally {
      set((state) => {
        const { [key]: _done, ...pending } = state.pending;
        return { pending };
      });
    }
  };
  const replace = (instance: InstanceState) =>
    set((state) => ({ instances: keepUnchanged(state.instances, state.instances.map((current) => (current.name === instance.name ? instance : current))) }));

  return {
    instances: [],
    configProblem: null,
    loading: true,
    error: null,
    pending: {},
    layout: 'grid',
    focused: null,
    gpu: readGpuSetting(),
    async load() {
      try {
        const list = await lanes.call('instances.list', {});
        set((state) => ({ instances: keepUnchanged(state.instances, list.instances), configProblem: list.configProblem, loading: false }));
      } catch (error) {
        set({ instances: [], configProblem: null, loading: false, error: error instanceof Error && 'code' in error && error.code === 'no-workspace' ? null : errorMessage(error) });
      }
    },
    start: (name) => act(name, async () => {
      askNotificationPermission();
      replace(await lanes.call('instances.start', { name }));
    }),
    stop: (name) => act(name, async () => replace(await lanes.call('instances.stop', { name }))),
    restart: (name) => act(name, async () => replace(await lanes.call('instances.restart', { name }))),
    startAll: () => act(ALL, async () => {
      askNotificationPermission();
      const list = await lanes.call('instances.startAll', {});
      set((state) => ({ instances: keepUnchanged(state.instances, list.instances), configProblem: list.configProblem }));
    }),
    stopAll: () => act(ALL, async () => {
      const list = await lanes.call('instances.stopAll', {});
      set((state) => ({ instances: keepUnchanged(state.instances, list.instances), configProblem: list.configProblem }));
    }),
    focus: (name) => set({ focused: name, layout: name ? 'focus' : get().layout }),
    setLayout: (layout) => set((state) => ({ layout, focused: state.focused ?? state.instances[0]?.name ?? null })),
    setGpu(gpu) {
      try {
        localStorage.setItem(GPU_SETTING, gpu ? 'on' : 'off');
      } catch {
        // storage unavailable: the choice lasts for this window only
      }
      set({ gpu });
    },
    dismissError: () => set({ error: null }),
  };
});

function readGpuSetting(): boolean {
  try {
    return localStorage.getItem(GPU_SETTING) !== 'off';
  } catch {
    return true;
  }
}

export const ALL_PENDING = ALL;

lanes.on('instances.changed', (list) =>
  useInstances.setState((state) => ({ instances: keepUnchanged(state.instances, list.instances), configProblem: list.configProblem, loading: false })),
);

/**
 * The list as main sent it, with the instances that did not change keeping their objects, so only
 * their own cards and tiles redraw. Main sends the whole list when any one instance changes: with
 * eight agents flooding, each one's CPU figure changes every 2 s, and every card and tile was
 * rendered again for each (5-12 ms of the page's main thread each time, which a keystroke's echo
 * could wait behind).
 */
export function keepUnchanged(previous: InstanceState[], next: InstanceState[]): InstanceState[] {
  const known = new Map(previous.map((instance) => [instance.name, instance]));
  const kept = next.map((instance) => {
    const before = known.get(instance.name);
    return before && sameData(before, instance) ? before : instance;
  });
  // Nothing changed at all (a usage figure that moved and came back): the screen need not redraw.
  return kept.length === previous.length && kept.every((instance, index) => instance === previous[index]) ? previous : kept;
}

lanes.on('workspace.changed', () => void useInstances.getState().load());

/* ---- Notifications: main sends them natively in Electron; the web mode uses the browser's. ---- */

function browserNotifications(): boolean {
  return typeof Notification !== 'undefined' && !(useApp.getState().info?.capabilities.nativeNotifications ?? false);
}

function askNotificationPermission(): void {
  if (browserNotifications() && Notification.permission === 'default') void Notification.requestPermission().catch(() => undefined);
}

lanes.on('instances.notification', (notification) => {
  if (!browserNotifications() || Notification.permission !== 'granted' || document.hasFocus()) return;
  const shown = new Notification(notification.title, { body: notification.body, tag: `lanes-${notification.instance}` });
  // As in the desktop app: the click shows that instance's terminal, large.
  shown.onclick = () => {
    window.focus();
    showTerminal(notification.instance);
  };
});

/** Shows an instance's terminal large: the Instances screen, in the Focus layout, on that instance. */
export function showTerminal(name: string): void {
  useInstances.getState().setLayout('focus');
  useInstances.getState().focus(name);
  goTo('instances');
}

/* ---- Terminal traffic: too fast for a store, so it goes straight to the terminal views. ---- */

export interface TerminalSink {
  /** A batch of output, in `seq` order; the view acknowledges it once drawn. */
  output(data: string, seq: number): void;
}

const sinks = new Map<string, Set<TerminalSink>>();

lanes.on('instances.output', ({ instance, data, seq }) => {
  for (const sink of sinks.get(instance) ?? []) sink.output(data, seq);
});

/** Connects a terminal view to an instance: live output from now on, and the recent output to draw first. */
export function attachTerminal(name: string, sink: TerminalSink): { snapshot(): Promise<TerminalSnapshot>; detach(): void } {
  let set = sinks.get(name);
  if (!set) sinks.set(name, (set = new Set()));
  set.add(sink);
  return {
    snapshot: () => lanes.call('instances.attach', { name }),
    detach() {
      set.delete(sink);
      if (set.size === 0) sinks.delete(name);
    },
  };
}

export const terminalInput = {
  write: (name: string, data: string) => lanes.call('instances.write', { name, data }).catch(() => undefined),
  resize: (name: string, cols: number, rows: number) => lanes.call('instances.resize', { name, cols, rows }).catch(() => undefined),
  ack: (name: string, viewer: string, chars: number) => lanes.call('instances.ack', { name, viewer, chars }).catch(() => undefined),
  detach: (name: string, viewer: string) => lanes.call('instances.detach', { name, viewer }).catch(() => undefined),
  openLink(url: string) {
    if (useApp.getState().info?.mode === 'electron') void lanes.call('app.openExternal', { url }).catch(() => undefined);
    else window.open(url, '_blank', 'noopener,noreferrer');
  },
};

/** Fires when the connection to Lanes comes back, so terminals can draw what they missed. */
export function onReconnect(listener: () => void): () => void {
  let wasConnected = true;
  return lanes.onConnectionChange((connected) => {
    if (connected && !wasConnected) listener();
    wasConnected = connected;
  });
}
