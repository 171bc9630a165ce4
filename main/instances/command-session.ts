import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';

/**
 * One long-lived interpreter that runs commands read from its stdin, one line each, and answers
 * with output that ends in a marker line. Windows lists processes through PowerShell, whose start
 * costs a few hundred milliseconds of CPU: paid once here instead of at every sample.
 * Requests run one at a time; an interpreter that dies or stops answering is replaced on the next
 * request. It never keeps Lanes from exiting.
 */
export class CommandSession {
  private child: ChildProcessWithoutNullStreams | null = null;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly command: string,
    private readonly args: readonly string[],
    /** Turns a command into the line to send; the line must print `marker` on a line of its own when done. */
    private readonly line: (command: string, marker: string) => string,
    private readonly timeoutMs = 15_000,
  ) {}

  run(command: string): Promise<string> {
    const next = this.queue.then(() => this.send(command));
    this.queue = next.catch(() => undefined);
    return next;
  }

  dispose(): void {
    this.child?.kill();
    this.child = null;
  }

  private send(command: string): Promise<string> {
    const child = this.child ?? this.start();
    const marker = `LANES-END-${Math.random().toString(36).slice(2)}`;
    return new Promise<string>((resolve, reject) => {
      let output = '';
      const finish = (error: Error | null) => {
        clearTimeout(timer);
        child.stdout.off('data', onData);
        child.off('exit', onExit);
        child.off('error', onError);
        if (error) {
          if (this.child === child) this.dispose();
          reject(error);
        } else resolve(output);
      };
      const onData = (chunk: Buffer) => {
        output += chunk.toString('utf8');
        const end = output.search(new RegExp(`(^|\\r?\\n)${marker}\\r?\\n`));
        if (end !== -1) {
          output = output.slice(0, end);
          finish(null);
        }
      };
      const onExit = (code: number | null) => finish(new Error(`${this.command} exited (code ${code}) before it answered.`));
      const onError = (error: Error) => finish(new Error(`${this.command} could not run: ${error.message}`));
      const timer = setTimeout(() => finish(new Error(`${this.command} did not answer within ${this.timeoutMs / 1000} s.`)), this.timeoutMs);
      child.stdout.on('data', onData);
      child.once('exit', onExit);
      child.once('error', onError);
      child.stdin.write(`${this.line(command, marker)}\n`);
    });
  }

  private start(): ChildProcessWithoutNullStreams {
    const child = spawn(this.command, this.args, { stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true });
    child.on('error', () => {
      if (this.child === child) this.child = null; // the waiting request reports it
    });
    child.stdin.on('error', () => undefined);
    child.stderr.resume(); // drained, so a chatty interpreter never blocks
    child.once('exit', () => {
      if (this.child === child) this.child = null;
    });
    // Lanes may exit while the interpreter idles.
    child.unref();
    for (const stream of [child.stdin, child.stdout, child.stderr] as unknown as Array<{ unref?: () => void }>) stream.unref?.();
    this.child = child;
    return child;
  }
}
