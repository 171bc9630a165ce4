// Loaded in Chromium by bench/terminal.bench.ts from the web mode's own origin: the renderer's
// real transport (renderer/src/transport.ts) receiving an instance's output, acknowledging it
// as often as the terminal view does (renderer/src/instances/TerminalView.tsx),
// without drawing it. Bundled by the bench with esbuild; not part of the app.
import { TERMINAL_ACK_CHARS } from '../../main/contract/instances';
import { webSocketTransport } from '../../renderer/src/transport';

const ACK_CHARS = TERMINAL_ACK_CHARS;
const transport = webSocketTransport();

async function call(name: string, args: unknown): Promise<unknown> {
  const envelope = await transport.call(name, args);
  if (!envelope.ok) throw new Error(`${name}: ${envelope.error.message}`);
  return envelope.value;
}

/**
 * Starts `name` and counts its output until it has exited and `expected` characters arrived
 * (output travels on the output stream, the exit on the socket: the exit may come first).
 * Returns characters received and milliseconds, and for a short count what came last and when
 * the probe stopped waiting.
 */
async function receive(name: string, expected: number, flow = true): Promise<{ chars: number; ms: number; events: number; tail: string; stalledMs: number }> {
  const viewer = flow ? ((await call('instances.attach', { name })) as { viewer: string }).viewer : null;
  let chars = 0;
  let events = 0;
  let tail = '';
  let lastAt = 0;
  let unacked = 0;
  let leftExited = false;
  let exited = false;
  let finishedAt = 0;
  const finished = new Promise<void>((resolve) => {
    let quiet: number | null = null;
    const done = () => {
      finishedAt = performance.now();
      stop();
      resolve();
    };
    // After the exit, a missing character shows up as a short count rather than a hang.
    const check = () => {
      if (!exited) return;
      if (chars >= expected) return done();
      if (quiet !== null) clearTimeout(quiet);
      quiet = window.setTimeout(done, 2_000);
    };
    const stop = transport.subscribe((event, payload) => {
      if (event === 'instances.output') {
        const output = payload as { instance: string; data: string };
        if (output.instance !== name) return;
        chars += output.data.length;
        events += 1;
        tail = (tail + output.data.slice(-200)).slice(-200);
        lastAt = performance.now();
        unacked += output.data.length;
        if (viewer !== null && unacked >= ACK_CHARS) {
          void transport.call('instances.ack', { name, viewer, chars: unacked });
          unacked = 0;
        }
        check();
      } else if (event === 'instances.changed') {
        const state = (payload as { instances: Array<{ name: string; status: string }> }).instances.find((candidate) => candidate.name === name);
        if (state && state.status !== 'exited') leftExited = true;
        else if (state && leftExited && !exited) {
          exited = true;
          check();
        }
      }
    });
  });
  const started = performance.now();
  await call('instances.start', { name });
  await finished;
  if (viewer !== null) await call('instances.detach', { name, viewer });
  return { chars, ms: finishedAt - started, events, tail, stalledMs: finishedAt - lastAt };
}

(window as unknown as { lanesProbe: unknown }).lanesProbe = { receive };
