// Pty host benchmark (`npm run bench -- host-keystroke`): keystroke → echo through the host, as
// the core sees it (this process is a host client): the time from sending one character to an
// agent that echoes it in raw mode (as Claude Code does) to receiving the echo.
//  1. Baseline: the echo agent alone in the host.
//  2. Under load, in the same run: 8 more agents flood their terminals (no viewer, so no flow
//     control; the host parses all of it, and holds them back only by giving screens nobody views
//     a quarter of its time) and 2 more agents spin in CPU-bound loops.
// Goal: p95 under load < 50 ms; the ratio to the baseline is reported beside it.
import { performance } from 'node:perf_hooks';
import type { HostClient } from '../main/instances/host/client';
import { numberOption as option } from './support/cpu-load';
import { nodeAgent, withBenchHost, WORKSPACE } from './support/host-agents';
import { figureOf, inBothConditions, reportFigures } from './support/report';

const FLOODERS = option('flooders', 8);
const SPINNERS = option('spinners', 2);
const KEYSTROKES = option('keystrokes', 60);
const P95_GOAL_MS = 50;
/** A typist's pace: the next keystroke comes this long after the previous echo. */
const TYPING_GAP_MS = 30;

const ECHO_AGENT = "process.stdin.setRawMode(true); process.stdin.on('data', (key) => process.stdout.write(key)); process.stdout.write('ready');";
const FLOOD_AGENT = "const chunk = ('flooding ' + '.'.repeat(60) + '\\n').repeat(200); const next = () => process.stdout.write(chunk, next); next();";
const SPIN_AGENT = 'for (;;) {}';

function percentile(values: readonly number[], share: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(share * sorted.length) - 1)]!;
}

function nextOutputOf(client: HostClient, name: string, containing: string): Promise<void> {
  return new Promise((resolve) => {
    let seen = '';
    const stop = client.onEvent((event, payload: { name: string; data: string }) => {
      if (event !== 'output' || payload.name !== name) return;
      seen += payload.data;
      if (!seen.includes(containing)) return;
      stop();
      resolve();
    });
  });
}

/**
 * Each keystroke's time to its echo, and to the answer of the write call alone: that answer comes
 * back on the same connection as all agents' output, so its delay is the wait in that queue
 * (the host's event loop, the socket, this process reading the frames before it).
 */
async function keystrokeLatencies(client: HostClient, name: string): Promise<{ echo: number[]; answer: number[] }> {
  const latencies: number[] = [];
  const answers: number[] = [];
  for (let index = 0; index < KEYSTROKES; index += 1) {
    const key = String.fromCharCode(97 + (index % 26));
    const echoed = nextOutputOf(client, name, key);
    const start = performance.now();
    await client.call('agents.write', { workspace: WORKSPACE, name, data: key });
    answers.push(performance.now() - start);
    await echoed;
    latencies.push(performance.now() - start);
    await new Promise((resolve) => setTimeout(resolve, TYPING_GAP_MS));
  }
  return { echo: latencies, answer: answers };
}

interface Measured {
  baselineP95: number;
  loadedP95: number;
  loadedMedian: number;
  loadedAnswerP95: number;
  ratio: number;
}

async function measure(label: string): Promise<Measured> {
  return withBenchHost(async (client) => {
    const start = (name: string, script: string) => client.call('agents.start', { workspace: WORKSPACE, name, spec: nodeAgent(['-e', script]) });
    const ready = nextOutputOf(client, 'echo', 'ready');
    await start('echo', ECHO_AGENT);
    await ready;
    const baseline = await keystrokeLatencies(client, 'echo');
    const flooding = Array.from({ length: FLOODERS }, (_, index) => nextOutputOf(client, `flood-${index + 1}`, 'flooding'));
    for (let index = 1; index <= FLOODERS; index += 1) await start(`flood-${index}`, FLOOD_AGENT);
    for (let index = 1; index <= SPINNERS; index += 1) await start(`spin-${index}`, SPIN_AGENT);
    await Promise.all(flooding);
    const loaded = await keystrokeLatencies(client, 'echo');
    const result = {
      baselineP95: percentile(baseline.echo, 0.95),
      loadedP95: percentile(loaded.echo, 0.95),
      loadedMedian: percentile(loaded.echo, 0.5),
      loadedAnswerP95: percentile(loaded.answer, 0.95),
      ratio: 0,
    };
    result.ratio = result.loadedP95 / result.baselineP95;
    console.log(
      `${label}: keystroke → echo p95 ${result.baselineP95.toFixed(1)} ms alone, ${result.loadedP95.toFixed(1)} ms with ${FLOODERS} agents flooding and ${SPINNERS} spinning ` +
        `(median ${result.loadedMedian.toFixed(1)} ms, worst ${Math.max(...loaded.echo).toFixed(1)} ms; the write call's answer alone p95 ${result.loadedAnswerP95.toFixed(1)} ms; ratio ${result.ratio.toFixed(2)}; ${KEYSTROKES} keystrokes each)`,
    );
    return result;
  });
}

async function main(): Promise<void> {
  const both = await inBothConditions((condition) => measure(condition === 'idle' ? 'idle' : 'beside two CPU-bound loops'));
  const values = (key: keyof Measured) => ({ idle: both.idle[key], loaded: both.loaded[key] });
  reportFigures('host-keystroke', [
    figureOf(`keystroke → echo p95, ${FLOODERS} agents flooding and ${SPINNERS} in CPU-bound loops`, 'ms', { op: '<', value: P95_GOAL_MS }, values('loadedP95'), both.load),
    figureOf('of which the median', 'ms', null, values('loadedMedian'), both.load),
    figureOf(`of which waiting in the connection's queue (the write call's answer alone, p95)`, 'ms', null, values('loadedAnswerP95'), both.load),
    figureOf('keystroke → echo p95, the echo agent alone (baseline, same run)', 'ms', null, values('baselineP95'), both.load),
    figureOf('ratio of p95 under load to the baseline', '×', null, values('ratio'), both.load),
  ]);
}

void main();
