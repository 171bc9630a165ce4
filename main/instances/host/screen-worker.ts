import os from 'node:os';
import { parentPort } from 'node:worker_threads';
import { type FromScreens, SCREEN_THREAD_NICENESS, type ToScreens } from './screen-thread';
import { TerminalScreen } from './terminal-screen';

/**
 * The pty host's screens, in a thread of their own (see screen-thread.ts): every agent's headless
 * xterm, parsed in turns as terminal-screen.ts schedules them, and serialized here, where neither
 * blocks the thread that reads the ptys and serves keystrokes.
 */
const port = parentPort;
if (!port) throw new Error('screen-worker.ts runs as a worker thread of the pty host.');

// Below the host's own thread (see SCREEN_THREAD_NICENESS). On Linux the nice value belongs to
// the thread; elsewhere setpriority would lower the whole host, so it is left alone there.
if (process.platform === 'linux') {
  try {
    os.setPriority(0, Math.max(os.getPriority(0), SCREEN_THREAD_NICENESS));
  } catch {
    // not allowed here: the thread runs at the host's priority
  }
}

const screens = new Map<number, { screen: TerminalScreen; watched: boolean }>();
const post = (message: FromScreens) => port.postMessage(message);

port.on('message', (message: ToScreens) => {
  if (message.t === 'open') {
    const entry = { watched: message.watched, screen: null as unknown as TerminalScreen };
    entry.screen = new TerminalScreen(message.cols, message.rows, {
      fallingBehind: (behind) => post({ t: 'behind', id: message.id, behind }),
      isWatched: () => entry.watched,
    });
    screens.set(message.id, entry);
    return;
  }
  const entry = screens.get(message.id);
  if (!entry) {
    if (message.t === 'serialize') post({ t: 'serialized', request: message.request, error: 'The terminal was closed.' });
    return;
  }
  if (message.t === 'write') {
    entry.watched = message.watched;
    entry.screen.write(message.data);
  } else if (message.t === 'resize') entry.screen.resize(message.cols, message.rows);
  else if (message.t === 'serialize') {
    entry.screen.serialize().then(
      (data) => post({ t: 'serialized', request: message.request, data }),
      (error: unknown) => post({ t: 'serialized', request: message.request, error: error instanceof Error ? error.message : String(error) }),
    );
  } else {
    screens.delete(message.id);
    entry.screen.dispose();
  }
});
