import { afterEach, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { Lanes } from '../../main/app/lanes';
import { startWebServer, type RunningWebServer } from '../../main/web/server';
import { makeTempDir } from '../../test/support/repo';
import { waitFor } from '../../test/support/wait';
import { webSocketTransport } from './transport';

// The page's transport, run in Node against the real web server: `ws` stands in for the
// browser's WebSocket, and fetch carries the session cookie a browser would.

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  vi.unstubAllGlobals();
});

type Output = { instance: string; data: string; seq: number };

async function connected(options: { cutStream?: (cut: () => void) => void } = {}) {
  const core = new Lanes({ userDataDir: makeTempDir(), platform: { mode: 'web' }, version: 'test' });
  const server: RunningWebServer = await startWebServer({ core, staticDir: makeTempDir(), port: 0, log: () => undefined });
  cleanups.push(() => core.dispose(), () => server.close());
  const reported: unknown[] = [];
  let streams = 0;
  vi.stubGlobal('WebSocket', WebSocket);
  vi.stubGlobal('reportError', (error: unknown) => reported.push(error));
  const realFetch = globalThis.fetch;
  vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
    streams += 1;
    const response = await realFetch(url, { ...init, headers: { Cookie: `lanes_token_${server.port}=${server.token}` } });
    if (!options.cutStream || !response.body) return response;
    // A body the test can break while it is in use, as a dropped connection would.
    let fail: (error: Error) => void = () => undefined;
    const broken = new Promise<never>((_resolve, reject) => (fail = reject));
    const reader = response.body.getReader();
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const next = await Promise.race([reader.read(), broken]);
        if (next.done) controller.close();
        else controller.enqueue(next.value);
      },
    });
    options.cutStream(() => fail(new Error('connection reset')));
    return new Response(body, { status: response.status, headers: response.headers });
  });
  const transport = webSocketTransport(`ws://127.0.0.1:${server.port}/api?token=${server.token}`);
  cleanups.push(() => transport.close());
  const states: boolean[] = [];
  transport.onConnectionChange((value) => states.push(value));
  const outputs: Output[] = [];
  transport.subscribe((name, payload) => {
    if (name === 'instances.output') outputs.push(payload as Output);
  });
  await waitFor(() => states.at(-1) === true && streams > 0, 'the connection and its stream');
  const emit = (seq: number) => core.emit('instances.output', { instance: 'api', data: `line ${seq}\r\n`, seq });
  // Output moves to the stream once the server has it: emit until something arrives.
  await waitFor(() => {
    emit(0);
    return outputs.length > 0;
  }, 'the first output');
  // Numbered from 1 from here on; more of the warm-up's may still arrive.
  const numbered = () => outputs.filter((output) => output.seq > 0);
  return { core, transport, numbered, reported, states, emit, streams: () => streams };
}

describe('webSocketTransport', () => {
  it('a listener that throws is reported; the others still get every event and the stream stays up', async () => {
    const { transport, numbered, reported, states, emit, streams } = await connected();
    const stop = transport.subscribe((name) => {
      if (name === 'instances.output') throw new Error('a broken view');
    });
    for (let seq = 1; seq <= 5; seq += 1) emit(seq);
    await waitFor(() => numbered().length === 5, 'five outputs');
    expect(numbered().map((output) => output.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(reported.length).toBeGreaterThanOrEqual(5);
    expect(String(reported[0])).toContain('a broken view');
    expect(states).toEqual([false, true]);
    expect(streams()).toBe(1);
    stop();
  });

  it('a stream that breaks in use closes the socket; the page reconnects and output flows on a new stream', async () => {
    let cut: () => void = () => undefined;
    const { numbered, states, emit, streams } = await connected({ cutStream: (trigger) => (cut = trigger) });
    emit(1);
    await waitFor(() => numbered().length === 1, 'the output before the cut');
    cut();
    await waitFor(() => states.length >= 4, 'the reconnection');
    expect(states.slice(0, 4)).toEqual([false, true, false, true]);
    await waitFor(() => streams() === 2, 'a second stream');
    await waitFor(() => {
      emit(2);
      return numbered().some((output) => output.seq === 2);
    }, 'output after the reconnection');
  });
});
