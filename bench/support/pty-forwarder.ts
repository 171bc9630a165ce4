// The least any pty host must do, for bench/host-throughput: a separate process that reads an
// agent's pty and writes what it reads to a Unix socket, batched as the host batches (16 ms or
// 200,000 characters), with no screen, no JSON, no flow control. Its one client is the bench.
// Arguments: the socket's path and the agent's launch as JSON; says `ready` to its parent once listening.
import net from 'node:net';
import os from 'node:os';
import * as nodePty from 'node-pty';
import type { LaunchSpec } from '../../main/instances/host/instance-process';
import { FLOW_DEFAULTS } from '../../main/instances/host/output-pipe';

const [socketPath, launch] = process.argv.slice(2) as [string, string];
const spec = JSON.parse(launch) as LaunchSpec;

const server = net.createServer((connection) => {
  server.close();
  const pty = nodePty.spawn(spec.file, [...spec.args], { name: 'xterm-256color', cols: 120, rows: 30, cwd: spec.cwd, env: spec.env, encoding: 'utf8' });
  os.setPriority(pty.pid, spec.niceness ?? 0);
  let pending: string[] = [];
  let pendingChars = 0;
  let timer: NodeJS.Timeout | null = null;
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (pendingChars === 0) return;
    connection.write(pending.join(''));
    pending = [];
    pendingChars = 0;
  };
  pty.onData((data) => {
    pending.push(data);
    pendingChars += data.length;
    if (pendingChars >= FLOW_DEFAULTS.flushChars) flush();
    else timer ??= setTimeout(flush, FLOW_DEFAULTS.flushMs);
  });
  connection.on('error', () => undefined);
  connection.on('close', () => {
    pty.kill('SIGKILL');
    process.exit(0);
  });
});
server.listen(socketPath, () => process.send?.('ready'));
