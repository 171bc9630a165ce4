import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { APP_ROOT } from './electron';

export interface WebServer {
  readonly process: ChildProcess;
  readonly url: string;
  readonly origin: string;
  readonly token: string;
  /** Everything the server printed, for the report of a failed test. */
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts `lanes serve` on a free port with its own user-data folder, and reads the address it
 * prints. A fixed token goes in with `--token-file` in `extraArgs`, never through the environment.
 */
export async function startWebMode(userDataDir: string, extraArgs: string[] = [], extraEnv: Record<string, string> = {}): Promise<WebServer> {
  const child = spawn(process.execPath, [path.join(APP_ROOT, 'bin', 'lanes.js'), 'serve', '--port', '0', '--no-open', ...extraArgs], {
    env: { ...process.env, LANES_USER_DATA: userDataDir, INIT_CWD: '', ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`lanes serve did not start:\n${output}`)), 15_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /(http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    // 'close' comes after the last output is read, so a refusal's message is all there.
    child.once('close', (code, signal) => (output += `\n[lanes serve exited: code ${code}, signal ${signal}]\n`));
    child.once('close', (code) => reject(new Error(`lanes serve exited with ${code}:\n${output}`)));
  });
  const parsed = new URL(url);
  return {
    process: child,
    url,
    origin: parsed.origin,
    token: parsed.searchParams.get('token')!,
    output: () => output.split(parsed.searchParams.get('token')!).join('[token]'),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
