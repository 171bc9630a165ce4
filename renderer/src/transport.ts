import type { Envelope } from '../../main/contract';
import { STREAM_PATH, StreamFrameReader, decodeBulkEvent, type SocketNotice, type WireEvent } from '../../main/contract/wire';

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
 * the session cookie with it), and beside it one streamed response that carries terminal output
 * (main/contract/wire.ts). Calls made while disconnected wait for the reconnection; calls in
 * flight when the socket drops fail with a clear error rather than hang.
 */
export function webSocketTransport(url = defaultSocketUrl()): Transport & { close(): void } {
  const listeners = new Set<(name: string, payload: unknown) => void>();
  const connectionListeners = new Set<(connected: boolean) => void>();
  const pending = new Map<number, Pending>();
  const queue: string[] = [];
  let socket: WebSocket | null = null;
  let connected = false;
  let nextId = 1;
  let retryDelay = 250;
  // A stream that ends before it carried anything while Lanes still answers on the socket was cut
  // by something between the page and Lanes (a proxy, an extension); reconnecting would meet the
  // same fate, so the page stays on the socket alone. (A quiet stream that ends because Lanes
  // went away, as when it restarts, takes the socket with it and is not.)
  let useStream = true;
  let closed = false;

  const setConnected = (value: boolean) => {
    if (connected === value) return;
    connected = value;
    for (const listener of connectionListeners) listener(value);
  };

  // A listener that throws is reported and does not keep the event from the others, nor break
  // the output stream it came on.
  const dispatch = (event: WireEvent) => {
    for (const listener of listeners) {
      try {
        listener(event.name, event.payload);
      } catch (error) {
        reportError(error);
      }
    }
  };

  // Asks Lanes something on this very socket: the answer says Lanes is still there. The question
  // fails when the socket closes first (see onclose), which is how a restart of Lanes reads.
  const answersOn = (ws: WebSocket): Promise<boolean> => {
    if (ws.readyState !== WebSocket.OPEN) return Promise.resolve(false);
    const id = nextId++;
    return new Promise((resolve) => {
      pending.set(id, { name: 'app.info', resolve: (envelope) => resolve(envelope.ok) });
      ws.send(JSON.stringify({ t: 'call', id, name: 'app.info', args: {} }));
    });
  };

  const connect = () => {
    if (closed) return;
    const ws = new WebSocket(url);
    ws.binaryType = 'arraybuffer'; // terminal output arrives as binary frames (main/contract/wire.ts)
    socket = ws;
    const stream = outputStream(streamUrl(url), dispatch, (carriedAny) => {
      if (carriedAny) {
        ws.close();
        return;
      }
      void answersOn(ws).then((answers) => {
        if (answers) {
          useStream = false;
          console.warn('Lanes: the terminal output stream ended before it carried anything; terminal output stays on the WebSocket.');
        }
        ws.close();
      });
    });
    ws.onopen = () => {
      retryDelay = 250;
      setConnected(true);
      for (const message of queue.splice(0)) ws.send(message);
    };
    ws.onmessage = (message) => {
      const data =
        message.data instanceof ArrayBuffer
          ? decodeBulkEvent(message.data)
          : (JSON.parse(String(message.data)) as { t: 'result'; id: number; envelope: Envelope<unknown> } | WireEvent | SocketNotice);
      if (data.t === 'result') {
        pending.get(data.id)?.resolve(data.envelope);
        pending.delete(data.id);
      } else if (data.t === 'event') dispatch(data);
      else if (data.t === 'hello' && useStream) stream.open(data.stream);
      else if (data.t === 'stream-on') stream.switchedOn();
    };
    ws.onclose = (event) => {
      stream.close();
      setConnected(false);
      for (const [id, call] of pending) {
        call.resolve({ ok: false, error: { code: 'unavailable', message: `Lost the connection to Lanes while running "${call.name}". Try again.` } });
        pending.delete(id);
      }
      // 4401: the server refused our token; retrying cannot help.
      if (event.code === 4401 || closed) return;
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
    /** Disconnects for good (a page never needs it; tests do). */
    close() {
      closed = true;
      socket?.close();
    },
  };
}

/**
 * The output stream of one socket. Its frames wait until the socket says `stream-on`, so output
 * the socket carried before the switch is delivered first. If the stream cannot be opened, output
 * simply stays on the socket; if it breaks once open, `lost` is told whether it carried a frame,
 * and the page reconnects (and replays its terminals).
 */
function outputStream(address: string, dispatch: (event: WireEvent) => void, lost: (carriedAny: boolean) => void) {
  const abort = new AbortController();
  let on = false;
  let carriedAny = false;
  const waiting: WireEvent[] = [];
  return {
    open(id: string) {
      void (async () => {
        let response: Response;
        try {
          response = await fetch(`${address}?id=${encodeURIComponent(id)}`, { signal: abort.signal, cache: 'no-store', credentials: 'same-origin' });
        } catch {
          return; // never opened: the server keeps sending output on the socket
        }
        if (!response.ok || !response.body) return;
        try {
          const reader = response.body.getReader();
          const frames = new StreamFrameReader();
          for (;;) {
            const { done, value } = await reader.read();
            if (done) break;
            for (const frame of frames.push(value)) {
              carriedAny = true;
              const event = decodeBulkEvent(frame);
              if (on) dispatch(event);
              else waiting.push(event);
            }
          }
        } catch {
          // read below as a lost stream
        }
        if (!abort.signal.aborted) lost(carriedAny);
      })();
    },
    switchedOn() {
      on = true;
      for (const event of waiting.splice(0)) dispatch(event);
    },
    close() {
      abort.abort();
    },
  };
}

function streamUrl(socketUrl: string): string {
  const address = new URL(socketUrl);
  address.protocol = address.protocol === 'wss:' ? 'https:' : 'http:';
  address.pathname = STREAM_PATH;
  address.search = '';
  return address.toString();
}

function defaultSocketUrl(): string {
  const scheme = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${window.location.host}/api`;
}
