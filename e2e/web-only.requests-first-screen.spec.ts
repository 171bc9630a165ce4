import type { WebSocketRoute } from '@playwright/test';
import { expect, test } from './fixtures';
import { DIR, LANES_YML } from './support/requests-workspace';

// Web mode only: the test holds main's second answer back on the page's WebSocket, which the
// Electron window does not use (its calls go through IPC).

const DONE = 60;
const FIRST_DONE = 40;

test('the board draws every request to do and the newest done ones first, with exact counts, then the rest of Done', async ({ app, temp }) => {
  const files: Record<string, string> = { 'README.md': '# demo\n', 'lanes.yml': LANES_YML };
  files[`${DIR}/20260420_todo.md`] = '# Still to do (Windows → VSCode)\n';
  for (let index = 0; index < DONE; index += 1) {
    // Days 01..60 spread over two months; the newest is "Done 59" on 2026-03-01.
    const month = index < 31 ? '01' : index < 59 ? '02' : '03';
    const day = index < 31 ? index + 1 : index < 59 ? index - 30 : 1;
    const receiver = index % 2 === 0 ? 'VSCode' : 'Windows';
    files[`${DIR}/done/2026${month}${String(day).padStart(2, '0')}_done_${index}.md`] = `# Done ${index} (Designer → ${receiver})\n`;
  }
  const root = temp.repo(files);
  const page = app.page;

  // Route the page's WebSocket through the test, and hold back the whole board (a `requests.list`
  // without `doneLimit`) until the test lets it go.
  const held: { route: WebSocketRoute; message: string }[] = [];
  let holding = true;
  await page.routeWebSocket(/.*/, (route) => {
    const server = route.connectToServer();
    route.onMessage((message) => {
      const text = typeof message === 'string' ? message : message.toString();
      if (holding && /"name":"requests\.list","args":\{\}/.test(text)) held.push({ route: server, message: text });
      else server.send(message);
    });
  });
  await page.reload();
  await app.openWorkspace(root);
  await app.goto('requests');

  const done = page.getByTestId('column-done');
  const instanceFilter = page.getByLabel('Instance', { exact: true });
  await expect(done.getByTestId('column-count')).toHaveText(String(DONE));
  await expect(page.getByTestId('column-open').getByTestId('column-count')).toHaveText('1');
  await expect(done.getByTestId('request-card')).toHaveCount(FIRST_DONE);
  // The newest first, as the whole board will order them; the oldest is not read yet.
  await expect(done.getByTestId('request-card').first()).toContainText('Done 59');
  await expect(done.getByTestId('request-card').nth(FIRST_DONE - 1)).toContainText(`Done ${DONE - FIRST_DONE}`);
  await expect.poll(() => held.length, { message: 'the page asked for the whole board' }).toBe(1);

  // Filtered by an instance, the requests not read yet may count or not: a lower bound, said so.
  await instanceFilter.selectOption('VSCode');
  await expect(done.getByTestId('column-count')).toHaveText(`${FIRST_DONE / 2}+`);
  await expect(done.getByTestId('column-count')).toHaveAttribute('title', 'At least: some done requests are still being read.');
  await page.screenshot({ path: '/tmp/requests-first-screen.png' });
  await instanceFilter.selectOption('');

  holding = false;
  for (const { route, message } of held.splice(0)) route.send(message);
  await done.getByRole('button', { name: `Show all ${DONE}` }).click();
  await expect(done.getByTestId('request-card')).toHaveCount(DONE);
  await expect(done.getByTestId('request-card').last()).toContainText('Done 0');
  await instanceFilter.selectOption('VSCode');
  await expect(done.getByTestId('column-count')).toHaveText(String(DONE / 2));
});
