/**
 * The server side of the browser benchmarks, in a process of its own: the real core and web
 * mode, as `lanes serve` runs them, in front of the built pty host when there is one (Lanes run
 * from source would start the host from source, through tsx). Run as
 *
 *   node --import tsx bench/support/web-serve.ts --serve <root> <user-data> <static folder>
 *
 * it opens the workspace, trusts its commands and prints `{ url, origin }` as one JSON line;
 * SIGTERM closes it. `startWebServe` does that and waits for the line.
 *
 * It runs in a session of its own, as `lanes serve` started from a terminal does. Where the
 * kernel shares the CPU between sessions first (autogroup, main/instances/host/priority.ts), a
 * server in the bench's session shared it with the bench's two CPU-bound loops, which then took
 * two thirds of what the server could have had: a machine no user has, since the loops stand for
 * the user's other work. BENCH_SERVER_SESSION=bench puts it back in the bench's session, to compare.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export async function serve(root: string, userDataDir: string, staticDir: string): Promise<void> {
  const { Lanes } = await import('../../main/app/lanes');
  const { startWebServer } = await import('../../main/web/server');
  const { trustAllCommands } = await import('../../test/support/trust');
  const { ensureHost, hostCommand } = await import('../../main/instances/host/client');
  const { BUILT_HOST } = await import('./host-agents');
  if (BUILT_HOST) await (await ensureHost(userDataDir, { command: hostCommand('built') })).close();
  const core = new Lanes({ userDataDir, platform: { mode: 'web' }, version: 'bench' });
  const server = await startWebServer({ core, staticDir, log: (line) => process.stderr.write(`bench server: ${line}\n`) });
  const opened = await core.call('workspace.open', { path: root });
  if (!opened.ok) throw new Error(opened.error.message);
  await trustAllCommands(core);
  process.stdout.write(`${JSON.stringify({ url: server.url, origin: server.origin })}\n`);
  const close = () => void server.close().then(() => core.dispose()).then(() => process.exit(0));
  process.once('SIGTERM', close);
  // In a session of its own, it does not hear the bench's Ctrl+C: it closes when the bench is gone.
  const bench = process.ppid;
  setInterval(() => {
    try {
      process.kill(bench, 0);
    } catch {
      close();
    }
  }, 1_000).unref();
}

/** Starts the server process (Node flags such as `--cpu-prof` go in `nodeFlags`) and answers once it listens. */
export async function startWebServe(root: string, userDataDir: string, staticDir: string, nodeFlags: readonly string[] = []): Promise<{ process: ChildProcess; url: string; origin: string; stop(): Promise<void> }> {
  const ownSession = process.env.BENCH_SERVER_SESSION !== 'bench';
  const child = spawn(process.execPath, [...nodeFlags, '--import', 'tsx', fileURLToPath(import.meta.url), '--serve', root, userDataDir, staticDir], { stdio: ['ignore', 'pipe', 'inherit'], detached: ownSession });
  const { url, origin } = await new Promise<{ url: string; origin: string }>((resolve, reject) => {
    let buffer = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const line = buffer.split('\n').find((candidate) => candidate.startsWith('{'));
      if (line) resolve(JSON.parse(line) as { url: string; origin: string });
    });
    child.once('exit', (code) => reject(new Error(`the bench server exited with ${code}`)));
  });
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  return { process: child, url, origin, stop };
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv[2] === '--serve') await serve(process.argv[3]!, process.argv[4]!, process.argv[5]!);
