/**
 * Lanes' one convention for anything that holds a resource (a timer, a watcher, a process, a
 * subscription), after VS Code's: it is a `Disposable`, and its owner keeps it in a
 * `DisposableStore`, so disposing the owner frees everything it made, once, in reverse order.
 */
export interface Disposable {
  dispose(): void;
}

/** A Disposable that runs `release` the first time it is disposed, and never again. */
export function toDisposable(release: () => void): Disposable {
  let released = false;
  return {
    dispose() {
      if (released) return;
      released = true;
      release();
    },
  };
}

/** A timer as a Disposable: disposing it before it fires means it never fires. */
export function disposableTimeout(run: () => void, delayMs: number): Disposable {
  const timer = setTimeout(run, delayMs);
  timer.unref();
  return toDisposable(() => clearTimeout(timer));
}

/** A repeating timer as a Disposable; like `disposableTimeout`, it does not keep the process alive by itself. */
export function disposableInterval(run: () => void, everyMs: number): Disposable {
  const timer = setInterval(run, everyMs);
  timer.unref();
  return toDisposable(() => clearInterval(timer));
}

/**
 * What one owner holds. Disposing the store disposes everything in it, newest first (what was
 * made last may use what was made before it); anything added afterwards is disposed at once, so
 * a resource that arrives after its owner closed does not leak. One failing dispose does not
 * stop the others; the first failure is thrown after all of them ran.
 */
export class DisposableStore implements Disposable {
  private readonly held = new Set<Disposable>();
  private disposedAlready = false;

  get isDisposed(): boolean {
    return this.disposedAlready;
  }

  add<T extends Disposable>(disposable: T): T {
    if (this.disposedAlready) disposable.dispose();
    else this.held.add(disposable);
    return disposable;
  }

  /** Disposes one held resource now (a watcher replaced by a new one) and forgets it. */
  release(disposable: Disposable): void {
    if (this.held.delete(disposable)) disposable.dispose();
  }

  /** Disposes everything held so far and keeps the store open for more. */
  clear(): void {
    const held = [...this.held].reverse();
    this.held.clear();
    let failure: { error: unknown } | null = null;
    for (const disposable of held) {
      try {
        disposable.dispose();
      } catch (error) {
        failure ??= { error };
      }
    }
    if (failure) throw failure.error;
  }

  dispose(): void {
    if (this.disposedAlready) return;
    this.disposedAlready = true;
    this.clear();
  }
}
