// A pty host of another protocol version, as a Lanes from before an update leaves running: the
// real host server (socket, secret, host.json), answering every hello with a version refusal.
// It runs one agent (`sleep`), and on SIGTERM ends it and exits, as the host does.
//   other-version-host.ts --user-data <folder>
import { spawn } from 'node:child_process';
import type { Duplex } from 'node:stream';
import { hostPaths } from '../paths';
import { encodeFrame, PROTOCOL_VERSION, versionMismatchMessage } from '../protocol';
import { HostServer } from '../server';

const userDataDir = process.argv[process.argv.indexOf('--user-data') + 1]!;
const version = PROTOCOL_VERSION + 1;
const server = new HostServer(hostPaths(userDataDir), {}, { connected: () => undefined, disconnected: () => undefined });
server.serveStream = (stream: Duplex) => {
  stream.once('data', () => {
    stream.end(encodeFrame({ type: 'refused', reason: 'version', version, hostPid: process.pid, message: versionMismatchMessage(version, process.pid) }));
  });
  stream.on('error', () => undefined);
};
const agent = spawn('sleep', ['60'], { stdio: 'ignore' });
process.on('SIGTERM', () => {
  agent.kill('SIGTERM');
  void server.close().then(() => process.exit(0));
});
void server.listen().then(() => console.log(`agent ${agent.pid}`));
