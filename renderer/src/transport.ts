import type { Envelope } from '../../main/contract';
import { decodeBulkEvent, type WireEvent } from '../../main/contract/wire';

/**
 * How the client reaches main. The Electron preload and the web mode's WebSocket both offer
 * these two operations; nothing above this file knows which one it is talking to.
 */
export interface Transport {
  call(name: string, args: unknown): Promise<Envelope<unknown>>;
  /** Receives every event main pushes. Returns a function that stops listening. */
  subscribe(listener: (name: string, payload: unknown) => void): () => void;
  /** Connection state, for the web mode's reconnect banner; Electron is always connected. */
  onConnectionChange(listener: (connected: boolean) => void): () => void;
}

/** What preload exposes on `window.lanes` (see preload/index.ts). */
export interface PreloadBridge {
  call(name: string, args: unknown): Promise<Envelope<unknown>>;
  subscribe(listener: (name: string, payload: unknown) => void): () => void;
}

declare global {
  interface Window {
    lanesBridge?: PreloadBridge;
  }
}

export function bridgeTransport(bridge: PreloadBridge): Transport {
  return {
    call: (name, args) => bridge.call(name, args),
    subscribe: (listener) => bridge.subscribe(listener),
    onConnectionChange: (listener) => {
      listener(true);
      return () => undefined;
    },
  };
}

type Pending = { resolve: (envelope: Envelope<unknown>) => void; name: string };

/**
 * The web mode's transport: one WebSocket to `/api` on the page's own origin (the browser sends
 * the session cookie with it). Calls made while disconnected wait for the reconnection; calls in
 * flight when the socket drops fail with a clear error rather than hang.
 */
export function webSocketTransport(url = defaultSocketUrl()): Transport {
  const listeners = new Set<(name: string, payload: unknown) => void>();
  const connectionListeners = new Set<(connected: boolean) => void>();
  const pending = new Map<number, Pending>();
  const queue: string[] = [];
  let socket: WebSocket | null = null;
  let connected = false;
  let nextId = 1;
  let retryDelay = 250;

  const setConnected = (value: boolean) => {
    if (connected === value) return;
    connected = value;
    for (const listener of connectionListeners) listener(value);
  };

  const connect = () => {
    const ws = new WebSocket(url);
    ws.binaryType = 'arraybuffer'; // terminal output arrives as binary frames (main/contract/wire.ts)
    socket = ws;
    ws.onopen = () => {
      retryDelay = 250;
      setConnected(true);
      for (const message of queue.splice(0)) ws.send(message);
    };
    ws.onmessage = (message) => {
      const data =
        message.data instanceof ArrayBuffer
          ? decodeBulkEvent(message.data)
          : (JSON.parse(String(message.data)) as { t: 'result'; id: number; envelope: Envelope<unknown> } | WireEvent);
      if (data.t === 'result') {
        pending.get(data.id)?.resolve(data.envelope);
        pending.delete(data.id);
      } else if (data.t === 'event') {
        for (const listener of listeners) listener(data.name, data.payload);
      }
    };
    ws.onclose = (event) => {
      setConnected(false);
      for (const [id, call] of pending) {
        call.resolve({ ok: false, error: { code: 'unavailable', message: `Lost the connection to Lanes while running "${call.name}". Try again.` } });
        pending.delete(id);
      }
      // 4401: the server refused our token; retrying cannot help.
      if (event.code === 4401) return;
      setTimeout(connect, retryDelay);
      retryDelay = Math.min(retryDelay * 2, 5000);
    };
  };
  connect();

  return {
    call(name, args) {
      const id = nextId++;
      const message = JSON.stringify({ t: 'call', id, name, args });
      return new Promise((resolve) => {
        pending.set(id, { resolve, name });
        if (connected && socket?.readyState === WebSocket.OPEN) socket.send(message);
        else queue.push(message);
      });
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    onConnectionChange(listener) {
      connectionListeners.add(listener);
      listener(connected);
      return () => connectionListeners.delete(listener);
    },
  };
}

function defaultSocketUrl(): string {
  const scheme = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${window.location.host}/api`;
}
