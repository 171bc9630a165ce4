import { spawn } from 'node:child_process';
import path from 'node:path';
import { expect, test } from './fixtures';
import { APP_ROOT, findElectronBinary } from './support/electron';

test('npm start falls back to the web mode in one line when Electron cannot run', async ({ temp }) => {
  test.skip(findElectronBinary() !== null && Boolean(process.env.DISPLAY), 'Electron can run here, so start opens the window');
  const child = spawn(process.execPath, [path.join(APP_ROOT, 'bin', 'lanes.js'), 'start', '--port', '0', '--no-open'], {
    env: { ...process.env, LANES_USER_DATA: temp.dir(), LANES_NO_ELECTRON: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  await expect.poll(() => output, { timeout: 30_000 }).toMatch(/http:\/\/127\.0\.0\.1:\d+\/\?token=/);
  child.kill('SIGTERM');
  const lines = output.split('\n');
  expect(lines[0]).toMatch(/^(Electron's binary is not installed and could not be downloaded \(.+\)|No display is available .+); starting the web mode instead\.$/);
  expect(lines.filter((line) => line.includes('starting the web mode'))).toHaveLength(1);
});
