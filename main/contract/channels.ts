/**
 * Electron transport details: each contract call is its own `ipcMain.handle` channel named
 * after the call; every event travels on this one channel as (name, payload).
 */
export const EVENT_CHANNEL = 'lanes:event';
