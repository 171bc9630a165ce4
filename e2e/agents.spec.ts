// Two agents talk through Lanes' MCP server, as Claude Code instances would: each is the fake
// agent in its Claude Code mode, started as `claude`, so Lanes registers `lanes mcp` for it and
// gives it its own secret. A request created by one reaches the board, and the other marks it done.
import { chmodSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from './fixtures';
import { APP_ROOT } from './support/electron';

const FAKE_AGENT = path.join(APP_ROOT, 'test', 'fake-agent', 'agent.mjs');
const REQUESTS = 'docs/cross-instance-prs';

// `claude` on PATH is the fake agent in its Claude Code mode; the web server and its agents inherit it.
const bin = path.join(os.tmpdir(), `lanes-e2e-claude-mcp-${process.pid}`);
mkdirSync(bin, { recursive: true });
writeFileSync(path.join(bin, 'claude'), `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(FAKE_AGENT)} --claude "$@"\n`);
chmodSync(path.join(bin, 'claude'), 0o755);
process.env.PATH = `${bin}${path.delimiter}${process.env.PATH ?? ''}`;

test('an agent asks another through MCP: the card appears, and the receiver marks it done through MCP', async ({ app, temp }) => {
  test.skip(app.mode !== 'web', 'the web mode drives the same screens');
  // Two agents, each starting its own `lanes mcp`: slow beside other work on a shared machine.
  test.setTimeout(180_000);
  const home = temp.repo({
    'lanes.yml': 'instances:\n  - name: API\n    role: backend\n    agent: claude\n    zones: [src/api/]\n  - name: Web\n    role: frontend\n    agent: claude\n    zones: [src/web/]\n',
    'src/api/.keep': '',
    'src/web/.keep': '',
    'memory/MEMORY.md': '# Memory\n',
    [`${REQUESTS}/.keep`]: '',
  });
  const { page } = app;
  await app.openWorkspace(home);
  await app.goto('instances');
  // The DOM renderer, whose text the test reads.
  await page.getByRole('checkbox', { name: 'GPU terminals' }).uncheck();
  await page.getByRole('button', { name: 'Start all' }).click();
  const terminal = (name: string) => page.getByTestId(`terminal-${name}`);
  for (const name of ['API', 'Web']) await expect(terminal(name)).toContainText('>');
  const typeInto = async (name: string, line: string) => {
    await terminal(name).click();
    await page.keyboard.type(line);
    await page.keyboard.press('Enter');
  };

  await typeInto('API', 'mcp create_request {"to":"Web","title":"Show the price field","body":"The API returns price now."}');
  await expect(terminal('API')).toContainText('mcp create_request:', { timeout: 20_000 });
  const [file] = readdirSync(path.join(home, REQUESTS)).filter((name) => name.endsWith('.md'));
  expect(file).toMatch(/_show_the_price_field\.md$/);

  await app.goto('requests');
  const column = (status: string) => page.getByTestId(`column-${status}`);
  const card = (status: string) => column(status).getByTestId('request-card').filter({ hasText: 'Show the price field' });
  await expect(card('open')).toBeVisible();
  await expect(card('open')).toContainText('Web');

  await app.goto('instances');
  // The receiver says what it is doing: its card shows it, in the line it already had (cards
  // below would move, and a click on them could miss).
  const webCard = page.getByTestId('instance-Web');
  const heightBefore = (await webCard.boundingBox())!.height;
  await typeInto('Web', 'mcp report_progress {"text":"Adding the price field","percent":40}');
  const progress = page.getByTestId('agent-progress-Web');
  await expect(progress).toContainText('Adding the price field');
  await expect(progress.getByRole('progressbar', { name: "Web's progress" })).toHaveAttribute('aria-valuenow', '40');
  expect((await webCard.boundingBox())!.height).toBe(heightBefore);
  await webCard.screenshot({ path: test.info().outputPath('card-with-progress.png') });
  await typeInto('Web', `mcp mark_request {"file":"${file}","status":"done"}`);
  await expect(terminal('Web')).toContainText('mcp mark_request:', { timeout: 20_000 });
  await typeInto('API', 'mcp mark_request {"file":"done/' + file + '","status":"in-progress"}');
  await expect(terminal('API')).toContainText('mcp mark_request failed:');

  await app.goto('requests');
  await expect(card('done')).toBeVisible();
  await expect(card('open')).toHaveCount(0);
  expect(readdirSync(path.join(home, REQUESTS, 'done'))).toEqual([file]);
  await page.screenshot({ path: test.info().outputPath('agents-board.png') });
});
