import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../../test/support/wait';
import { type Screen, type ScreenFactory, screenInThisThread, ScreenThread } from './screen-thread';
import { SCREEN_BEHIND_CHARS } from './terminal-screen';

const threads: ScreenThread[] = [];
const screens: Screen[] = [];
function thread(): ScreenThread {
  const started = new ScreenThread();
  threads.push(started);
  return started;
}
function open(factory: ScreenFactory, owner: Parameters<ScreenFactory>[2] = {}, cols = 80, rows = 24): Screen {
  const screen = factory(cols, rows, owner);
  screens.push(screen);
  return screen;
}
afterEach(async () => {
  for (const screen of screens.splice(0)) screen.dispose();
  for (const started of threads.splice(0)) await started.close();
});

/** 12,000 numbered lines, more than the 10,000 of scrollback a screen keeps. */
function longScrollback(): string {
  let text = '';
  for (let line = 1; line <= 12_000; line += 1) text += `L${String(line).padStart(8, '0')} ${'x'.repeat(60)}\r\n`;
  return text;
}

/** Turns of this thread's event loop while `work` is under way. */
async function turnsDuring<T>(work: Promise<T>): Promise<{ value: T; turns: number }> {
  let turns = 0;
  let done = false;
  const tick = () => {
    if (done) return;
    turns += 1;
    setTimeout(tick, 1);
  };
  setTimeout(tick, 1);
  const value = await work;
  done = true;
  return { value, turns };
}

describe('the pty host\'s screen thread', () => {
  it('keeps a screen as the host\'s own thread would: output, colours, a resize and a serialization in the order given', async () => {
    const steps = (screen: Screen) => {
      screen.write('\u001b[1;31mred\u001b[0m plain\r\n');
      for (let line = 1; line <= 50; line += 1) screen.write(`line ${line}\r\n`);
      screen.resize(40, 10);
      screen.write('after the resize é 漢 😀');
    };
    const remote = open(thread().open);
    const local = open(screenInThisThread);
    steps(remote);
    steps(local);
    const [there, here] = await Promise.all([remote.serialize(), local.serialize()]);
    expect(there).toContain('after the resize é 漢 😀');
    expect(there).toBe(here);
    // Written after the serialization was asked for: not in it, in the next one.
    const before = remote.serialize();
    remote.write('later');
    expect(await before).not.toContain('later');
    expect(await remote.serialize()).toContain('later');
  });

  it('leaves the thread that asks free while a screen of 10,000 lines is serialized', async () => {
    const remote = open(thread().open, {}, 120, 30);
    const local = open(screenInThisThread, {}, 120, 30);
    for (const screen of [remote, local]) {
      screen.write(longScrollback());
      await screen.serialize();
      screen.write('one more'); // the next serialization is a new one
    }
    const inThread = await turnsDuring(remote.serialize());
    const inHere = await turnsDuring(local.serialize());
    expect(inThread.value).toContain('L00012000');
    expect(inHere.value).toBe(inThread.value);
    // Serialized here, the screen takes the thread whole: a timer gets a turn before or after it, not during.
    expect(inHere.turns).toBeLessThanOrEqual(2);
    expect(inThread.turns).toBeGreaterThanOrEqual(5);
  });

  it('holds an agent whose screen falls behind and lets it go once the thread has caught up; nothing is lost', async () => {
    const signals: boolean[] = [];
    const remote = open(thread().open, { fallingBehind: (behind) => signals.push(behind), isWatched: () => false }, 120, 30);
    // A screen nobody views is let fall only a little behind; written in the pieces a pty hands over.
    const piece = `${'y'.repeat(68)}\r\n`;
    for (let written = 0; written < 3 * SCREEN_BEHIND_CHARS.unwatched; written += piece.length) remote.write(piece);
    remote.write('the end');
    await waitFor(() => signals.length >= 2, 'the screen to fall behind and catch up');
    expect(signals.slice(0, 2)).toEqual([true, false]);
    expect(remote.isBehind).toBe(false);
    expect(await remote.serialize()).toContain('the end');
  });

  it('if the thread fails, a serialization under way fails with a clear error and every screen goes on in the host\'s own thread', async () => {
    const started = thread();
    const signals: boolean[] = [];
    const remote = open(started.open, { fallingBehind: (behind) => signals.push(behind) }, 120, 30);
    remote.write(longScrollback());
    const lost = remote.serialize();
    await started.crashForTest();
    await expect(lost).rejects.toThrow(/screen thread stopped/);
    expect(started.inThisThread).toBe(true);
    remote.write('\r\nprinted after the failure');
    expect(await remote.serialize()).toContain('printed after the failure');
    // A screen opened afterwards lives here from the start.
    const later = open(started.open);
    later.write('hello');
    expect(await later.serialize()).toContain('hello');
    expect(remote.isBehind).toBe(false);
  });

  it('answers a serialization of a closed screen with an error, not never', async () => {
    const remote = open(thread().open);
    remote.write('x');
    remote.dispose();
    await expect(remote.serialize()).rejects.toThrow(/closed/);
  });
});
