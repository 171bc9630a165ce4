import path from 'node:path';
import type { Page } from '@playwright/test';
import { expect, test, type LanesApp } from './fixtures';
import { APP_ROOT } from './support/electron';
import type { TempFolders } from './support/repo';

// Terminal output travels on a streamed HTTP response beside the socket (main/contract/wire.ts).
// Something between the page and Lanes (a proxy, an extension) may refuse or cut that stream; the
// terminals must keep working over the socket alone.

const FAKE_AGENT = path.join(APP_ROOT, 'test', 'fake-agent', 'agent.mjs');
const isStream = (url: URL) => url.pathname === '/api/stream';

async function startAgent({ app, temp }: { app: LanesApp; temp: TempFolders }): Promise<Page> {
  const agent = [process.execPath, FAKE_AGENT, '--print=ready', '--repl'].join(' ');
  const root = temp.repo({ 'README.md': '# demo\n', 'lanes.yml': `instances:\n  - name: api\n    role: backend\n    agent: ${JSON.stringify(agent)}\n` });
  const page = app.page;
  // The fixture opened the page before the test could route its stream: load it again.
  await page.reload();
  await app.openWorkspace(root);
  await app.goto('instances');
  await page.getByRole('checkbox', { name: 'GPU terminals' }).uncheck();
  await page.getByTestId('instance-api').getByRole('button', { name: 'Start api' }).click();
  await expect(page.getByTestId('terminal-api')).toContainText('ready');
  return page;
}

async function typeAndSeeEcho(page: Page, text: string): Promise<void> {
  const terminal = page.getByTestId('terminal-api');
  await terminal.click();
  await page.keyboard.type(text);
  await page.keyboard.press('Enter');
  await expect(terminal).toContainText(`echo: ${text}`);
}

test('a refused output stream leaves terminal output on the socket', async ({ app, temp }) => {
  // Each socket has a stream id of its own (its hello); the page asks for it once.
  const refused: string[] = [];
  await app.page.route(isStream, (route) => {
    refused.push(new URL(route.request().url()).searchParams.get('id') ?? '');
    return route.abort('connectionrefused');
  });
  let sockets = 0;
  app.page.on('websocket', () => (sockets += 1));
  const page = await startAgent({ app, temp });
  await typeAndSeeEcho(page, 'over the socket');
  expect(refused.length).toBeGreaterThanOrEqual(1);
  // Not asked again for the same socket. How many sockets asked depends on timing, not on the
  // page: the fixture's page may still have asked after the route was set, before the reload
  // (that socket opened before the count began), and a busy machine may reconnect once.
  expect(new Set(refused).size).toBe(refused.length);
  expect(refused.length).toBeLessThanOrEqual(sockets + 1);
  await expect(page.getByText(/Lost the connection/)).toHaveCount(0);
});

test('an output stream that ends at once is given up, not reconnected for without end', async ({ app, temp }) => {
  let streams = 0;
  await app.page.route(isStream, (route) => {
    streams += 1;
    return route.fulfill({ status: 200, contentType: 'application/octet-stream', body: '' });
  });
  let sockets = 0;
  app.page.on('websocket', () => (sockets += 1));
  let gaveUp = false;
  app.page.on('console', (message) => {
    if (message.text().includes('ended before it carried anything')) gaveUp = true;
  });
  const page = await startAgent({ app, temp });
  await typeAndSeeEcho(page, 'first');
  // The page says when it gives the stream up; from then on it never asks for one again.
  await expect.poll(() => gaveUp).toBe(true);
  const streamsWhenGivenUp = streams;
  await expect(page.getByText(/Lost the connection/)).toHaveCount(0);
  await typeAndSeeEcho(page, 'still here');
  // Never asked for again once given up; before that, at most one stream per socket (a socket
  // that closed for another reason on a busy machine rightly asks its successor's stream once).
  expect(streams).toBe(streamsWhenGivenUp);
  expect(streams).toBeLessThanOrEqual(sockets);
  // And each given-up stream cost one reconnection, no more.
  expect(sockets).toBeLessThanOrEqual(streams + 1);
  await expect(page.getByText(/Lost the connection/)).toHaveCount(0);
});
