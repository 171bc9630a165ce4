import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { callNames, eventNames } from '../main/contract';
import { EVENT_CHANNEL } from '../main/contract/channels';

/**
 * The whole API the renderer gets: call a contract call by name, and listen to contract events.
 * No raw ipcRenderer, no Node. Names outside the contract are refused here and again in main.
 */
contextBridge.exposeInMainWorld('lanesBridge', {
  call(name: string, args: unknown) {
    if (!callNames.has(name)) return Promise.resolve({ ok: false, error: { code: 'invalid-argument', message: `Unknown call "${name}".` } });
    return ipcRenderer.invoke(name, args);
  },
  subscribe(listener: (name: string, payload: unknown) => void) {
    const handler = (_event: IpcRendererEvent, name: unknown, payload: unknown) => {
      if (typeof name === 'string' && eventNames.has(name)) listener(name, payload);
    };
    ipcRenderer.on(EVENT_CHANNEL, handler);
    return () => {
      ipcRenderer.removeListener(EVENT_CHANNEL, handler);
    };
  },
});
