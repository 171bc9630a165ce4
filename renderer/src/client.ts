import type { CallArgs, CallName, CallResult, EventName, EventPayload } from '../../main/contract';
import { bridgeTransport, webSocketTransport, type Transport } from './transport';

/** An error from main, with its stable code and a message written for the user. */
export class LanesClientError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'LanesClientError';
  }
}

export interface LanesClient {
  call<N extends CallName>(name: N, args: CallArgs<N>): Promise<CallResult<N>>;
  on<E extends EventName>(name: E, listener: (payload: EventPayload<E>) => void): () => void;
  onConnectionChange(listener: (connected: boolean) => void): () => void;
}

export function createClient(transport: Transport): LanesClient {
  return {
    async call(name, args) {
      const envelope = await transport.call(name, args);
      if (!envelope.ok) throw new LanesClientError(envelope.error.code, envelope.error.message, envelope.error.details);
      return envelope.value as never;
    },
    on(name, listener) {
      return transport.subscribe((eventName, payload) => {
        if (eventName === name) listener(payload as never);
      });
    },
    onConnectionChange: (listener) => transport.onConnectionChange(listener),
  };
}

/** The one client of this window: Electron's preload bridge when present, else the web mode. */
export const lanes: LanesClient = createClient(window.lanesBridge ? bridgeTransport(window.lanesBridge) : webSocketTransport());

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
