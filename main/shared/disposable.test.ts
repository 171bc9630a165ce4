import { describe, expect, it } from 'vitest';
import { DisposableStore, disposableInterval, disposableTimeout, toDisposable } from './disposable';

describe('toDisposable', () => {
  it('releases once, however often it is disposed', () => {
    let releases = 0;
    const disposable = toDisposable(() => (releases += 1));
    disposable.dispose();
    disposable.dispose();
    expect(releases).toBe(1);
  });
});

describe('DisposableStore', () => {
  it('disposes what it holds newest first, and what arrives after it closed at once', () => {
    const order: string[] = [];
    const store = new DisposableStore();
    store.add(toDisposable(() => order.push('watcher')));
    store.add(toDisposable(() => order.push('timer')));
    store.dispose();
    expect(order).toEqual(['timer', 'watcher']);
    expect(store.isDisposed).toBe(true);

    store.add(toDisposable(() => order.push('late')));
    expect(order).toEqual(['timer', 'watcher', 'late']);
    store.dispose();
    expect(order).toHaveLength(3);
  });

  it('releases one resource on its own, and clears without closing', () => {
    const order: string[] = [];
    const store = new DisposableStore();
    const first = store.add(toDisposable(() => order.push('first')));
    store.add(toDisposable(() => order.push('second')));
    store.release(first);
    expect(order).toEqual(['first']);
    store.clear();
    expect(order).toEqual(['first', 'second']);
    store.add(toDisposable(() => order.push('third')));
    expect(order).toEqual(['first', 'second']);
    store.dispose();
    expect(order).toEqual(['first', 'second', 'third']);
  });

  it('disposes everything even when one dispose throws, then throws the first failure', () => {
    const order: string[] = [];
    const store = new DisposableStore();
    store.add(toDisposable(() => order.push('kept going')));
    store.add(toDisposable(() => {
      throw new Error('the watcher would not close');
    }));
    expect(() => store.dispose()).toThrow('the watcher would not close');
    expect(order).toEqual(['kept going']);
  });
});

describe('disposableTimeout', () => {
  it('fires when left alone and never once disposed', async () => {
    const fired: string[] = [];
    const cancelled = disposableTimeout(() => fired.push('cancelled'), 0);
    cancelled.dispose();
    await new Promise<void>((resolve) => disposableTimeout(() => {
      fired.push('kept');
      resolve();
    }, 0));
    // Timers of equal delay run in the order they were set: the cancelled one had its turn first.
    expect(fired).toEqual(['kept']);
  });
});

describe('disposableInterval', () => {
  it('repeats until disposed, and never after', async () => {
    let runs = 0;
    let stop!: () => void;
    const stopped = new Promise<void>((resolve) => (stop = resolve));
    const interval = disposableInterval(() => {
      runs += 1;
      if (runs === 3) {
        interval.dispose();
        stop();
      }
    }, 1);
    await stopped;
    // A timer set after the interval's period has passed would have seen a fourth run.
    await new Promise<void>((resolve) => disposableTimeout(resolve, 20));
    expect(runs).toBe(3);
  });
});
