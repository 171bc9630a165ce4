import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from './fixtures';
import { APP_ROOT } from './support/electron';

const FAKE_AGENT = path.join(APP_ROOT, 'test', 'fake-agent', 'agent.mjs');
const quote = (word: string) => (/^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`);

/** The fake agent with these steps, as lanes.yml's `agent:` value. */
const agent = (steps: string[]) => JSON.stringify([process.execPath, FAKE_AGENT, ...steps].map(quote).join(' '));

function workspaceFiles(agentSteps: string[]): Record<string, string> {
  return {
    'README.md': '# demo\n',
    'lanes.yml': `instances:\n  - name: api\n    role: backend\n    agent: ${agent(agentSteps)}\n    zones: [src/]\n`,
  };
}

/** `typing`, an agent at its prompt, and `other` beside it (role qa). */
function typingBeside(other: string, steps: string[]): Record<string, string> {
  return {
    'README.md': '# demo\n',
    'lanes.yml': ['instances:', `  - name: typing\n    role: backend\n    agent: ${agent(['--repl'])}`, `  - name: ${other}\n    role: qa\n    agent: ${agent(steps)}`, ''].join('\n'),
  };
}

test('runs an instance from lanes.yml: its terminal, typing, the echo, waiting, exited, and the replay after a reload', async ({ app, temp }) => {
  const root = temp.repo(workspaceFiles(['--print=agent ready', '--repl']));
  const page = app.page;
  await app.openWorkspace(root);
  await app.goto('instances');
  // The DOM renderer puts the terminal's text in the page, where the test can read it.
  await page.getByRole('checkbox', { name: 'GPU terminals' }).uncheck();

  const card = page.getByTestId('instance-api');
  await expect(card.getByTestId('status-api')).toHaveAttribute('data-status', 'stopped');
  await card.getByRole('button', { name: 'Start api' }).click();

  const terminal = page.getByTestId('terminal-api');
  await expect(terminal).toContainText('agent ready');
  // The fake agent sits at its "> " prompt: the screen says it waits for input.
  await expect(card.getByTestId('status-api')).toHaveAttribute('data-status', 'waiting');
  await expect(page.getByTestId('instances-summary')).toContainText('1 waiting for you');

  await terminal.click();
  await page.keyboard.type('hello lanes');
  await page.keyboard.press('Enter');
  await expect(terminal).toContainText('echo: hello lanes');

  // Search: the tile's header button opens the bar (it never covers the terminal's rows); Enter
  // selects the match; Escape closes the bar and gives the keyboard back to the terminal.
  const tile = page.getByRole('article', { name: 'api terminal' });
  await tile.getByRole('button', { name: 'Search' }).click();
  const searchBox = page.getByRole('textbox', { name: 'Search the terminal of api' });
  await expect(searchBox).toBeFocused();
  await searchBox.fill('echo: hello');
  await searchBox.press('Enter');
  await expect(terminal.locator('.xterm-selection div')).not.toHaveCount(0);
  await page.screenshot({ path: '/tmp/instances-search.png' });
  await searchBox.press('Escape');
  await expect(searchBox).toBeHidden();
  await expect(terminal.locator('textarea')).toBeFocused();
  await page.keyboard.press('Control+Shift+F');
  await expect(searchBox).toBeFocused();
  await searchBox.press('Escape');

  await page.screenshot({ path: '/tmp/instances-light.png' });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.screenshot({ path: '/tmp/instances-dark.png' });
  await page.emulateMedia({ colorScheme: 'light' });

  await page.reload();
  await app.goto('instances');
  await expect(page.getByTestId('terminal-api')).toContainText('echo: hello lanes');

  await page.getByTestId('terminal-api').click();
  await page.keyboard.type('exit 7');
  await page.keyboard.press('Enter');
  await expect(card.getByTestId('status-api')).toHaveAttribute('data-status', 'exited');
  await expect(card.getByTestId('status-api')).toContainText('Exited (7)');
  await expect(card.getByRole('button', { name: 'Start api' })).toBeEnabled();
});

test('stop and restart from the screen; focus shows one terminal large', async ({ app, temp }) => {
  const root = temp.repo(workspaceFiles(['--print=long runner', '--wait']));
  const page = app.page;
  await app.openWorkspace(root);
  await app.goto('instances');
  const card = page.getByTestId('instance-api');
  await card.getByRole('button', { name: 'Start api' }).click();
  // A visible terminal draws with WebGL where the browser runs it on a GPU. Where WebGL is a
  // software rasterizer (Chromium's SwiftShader on this machine, which has no GPU) it would be
  // slower than the DOM renderer, so the terminal uses that, and the switch says why.
  const webgl = await page.evaluate(() => {
    const gl = document.createElement('canvas').getContext('webgl2');
    const info = gl?.getExtension('WEBGL_debug_renderer_info');
    return gl && info ? String(gl.getParameter(info.UNMASKED_RENDERER_WEBGL)) : null;
  });
  const software = webgl !== null && /swiftshader|llvmpipe/i.test(webgl);
  await expect(page.getByTestId('terminal-api')).toContainText('long runner');
  await expect(page.locator('.terminal-view')).toHaveAttribute('data-renderer', webgl === null || software ? 'dom' : 'webgl');
  if (software) {
    await expect(page.getByTestId('gpu-note')).toHaveText('· no GPU found, drawn without it');
    expect(await page.getByTestId('gpu-note').getAttribute('title')).toContain(`WebGL here runs in software (${webgl})`);
  } else await expect(page.getByTestId('gpu-note')).toHaveCount(0);
  await page.getByRole('checkbox', { name: 'GPU terminals' }).uncheck();
  await expect(page.locator('.terminal-view')).toHaveAttribute('data-renderer', 'dom');
  await expect(page.getByTestId('gpu-note')).toHaveCount(0);
  await expect(page.getByTestId('terminal-api')).toContainText('long runner');

  await card.getByRole('button', { name: 'Restart api' }).click();
  await expect(page.getByTestId('terminal-api')).toContainText(/long runner[\s\S]*long runner/);

  await card.getByRole('button', { name: 'api', exact: true }).click();
  await expect(page.getByRole('radio', { name: 'Focus' })).toHaveAttribute('aria-checked', 'true');
  await expect(page.locator('.terminal-focus').getByTestId('terminal-api')).toBeVisible();

  // A card keeps its height from one status to the next: when it changed, the cards below it moved,
  // and a click on one of their buttons could be pressed on it and released beside it.
  await expect(card.getByTestId('status-api')).toHaveAttribute('data-status', 'running');
  const runningHeight = (await card.boundingBox())!.height;
  await card.getByRole('button', { name: 'Stop api' }).click();
  await expect(card.getByTestId('status-api')).toContainText('Exited');
  await expect(card).toContainText('stopped by you');
  expect((await card.boundingBox())!.height).toBe(runningHeight);
});

test('an instance that cannot start says why on its card\'s one line of detail, and the card keeps the height of the others', async ({ app, temp }) => {
  const root = temp.repo({
    'README.md': '# demo\n',
    'lanes.yml': ['instances:', `  - name: api\n    role: backend\n    agent: ${agent(['--repl'])}`, `  - name: docs\n    role: docs\n    agent: ${agent(['--repl'])}\n    worktree: ../demo-docs`, ''].join('\n'),
  });
  const page = app.page;
  await app.openWorkspace(root);
  await app.goto('instances');
  const api = page.getByTestId('instance-api');
  const docs = page.getByTestId('instance-docs');
  const problem = docs.getByTestId('problem-docs');
  // The whole sentence is in the tooltip and in the terminal's place; the card shows one line of it.
  const why = `Cannot start: its worktree folder \`${path.join(path.dirname(root), 'demo-docs')}\` does not exist; create it with New instance, or remove \`worktree:\` from lanes.yml to run it in the main checkout.`;
  await expect(problem).toHaveText(why);
  await expect(docs.locator('.instance-detail')).toHaveAttribute('title', why);
  await expect(page.getByRole('article', { name: 'docs terminal' })).toContainText(why);
  const lineHeight = (await api.locator('.instance-meta').boundingBox())!.height;
  expect((await problem.boundingBox())!.height).toBeLessThanOrEqual(lineHeight + 1);
  expect((await docs.boundingBox())!.height).toBe((await api.boundingBox())!.height);

  await api.getByRole('button', { name: 'Start api' }).click();
  await expect(api.getByTestId('status-api')).toHaveAttribute('data-status', 'waiting');
  expect((await docs.boundingBox())!.height).toBe((await api.boundingBox())!.height);

  // Taken out of lanes.yml while it runs: it keeps running, and its card says so on the same line.
  writeFileSync(path.join(root, 'lanes.yml'), `instances:\n  - name: docs\n    role: docs\n    agent: ${agent(['--repl'])}\n    worktree: ../demo-docs\n`);
  await expect(api.getByTestId('problem-api')).toHaveText('no longer in lanes.yml; stop it when you are done');
  await expect(api.getByTestId('status-api')).toHaveAttribute('data-status', 'waiting');
  expect((await docs.boundingBox())!.height).toBe((await api.boundingBox())!.height);
  await page.screenshot({ path: '/tmp/instances-problem.png' });
});

test('a terminal flooding in the background draws all of its output while the user types in another', async ({ app, temp }) => {
  const root = temp.repo(typingBeside('noisy', ['--flood=3000000', '--print=flood finished', '--wait']));
  const page = app.page;
  await app.openWorkspace(root);
  await app.goto('instances');
  await page.getByRole('checkbox', { name: 'GPU terminals' }).uncheck();
  await page.getByTestId('instance-typing').getByRole('button', { name: 'Start typing' }).click();
  const typing = page.getByTestId('terminal-typing');
  await expect(typing).toContainText('>');
  await page.getByTestId('instance-noisy').getByRole('button', { name: 'Start noisy' }).click();
  await typing.click();
  // While the flood runs behind it, the focused terminal answers.
  await page.keyboard.type('still here');
  await page.keyboard.press('Enter');
  await expect(typing).toContainText('echo: still here');
  // The background terminal gets every byte in the end: its last line is drawn.
  await expect(page.getByTestId('terminal-noisy')).toContainText('flood finished', { timeout: 60_000 });
  await expect(page.getByTestId('terminal-noisy')).toContainText('L00030000');
});

test('a shell says it is a shell, no grid cell stays empty, and hiding the details gives the terminals the width', async ({ app, temp }) => {
  const fake = (name: string) => JSON.stringify([process.execPath, FAKE_AGENT, `--print=${name} ready`, '--repl'].map(quote).join(' '));
  const root = temp.repo({
    'README.md': '# demo\n',
    'lanes.yml': `instances:\n  - name: console\n    agent: sh\n  - name: api\n    agent: ${fake('api')}\n  - name: web\n    agent: ${fake('web')}\n`,
  });
  const page = app.page;
  await page.setViewportSize({ width: 1440, height: 900 });
  await app.openWorkspace(root);
  await app.goto('instances');
  await page.getByRole('button', { name: 'Start all' }).click();
  const card = page.getByTestId('instance-console');
  await expect(card.getByTestId('status-console')).toHaveText('shell · idle');
  // A role nobody gave says nothing.
  await expect(card.locator('.tag')).toHaveCount(0);

  const tiles = page.locator('.terminal-tile');
  await expect(tiles).toHaveCount(3);
  const width = async (locator: import('@playwright/test').Locator) => (await locator.boundingBox())!.width;
  // Three terminals in two columns: the third takes the whole row.
  expect(Math.abs((await width(tiles.nth(2))) - (await width(page.locator('.terminal-grid'))))).toBeLessThan(2);

  const content = await width(page.locator('.instances-body'));
  expect((await width(page.locator('.instance-terminals'))) / content).toBeGreaterThanOrEqual(0.7);
  await page.getByRole('button', { name: 'Details' }).click();
  await expect(page.getByRole('list', { name: 'Instances' })).toBeHidden();
  expect((await width(page.locator('.instance-terminals'))) / content).toBeGreaterThan(0.98);
  await page.reload();
  await expect(page.getByRole('button', { name: 'Details' })).toHaveAttribute('aria-pressed', 'false');
  await page.screenshot({ path: test.info().outputPath('instances-without-details.png') });
});

test('a window left open with agents at work draws nothing on a timer: a steady cursor and steady status dots', async ({ app, temp }) => {
  // A running animation (the DOM renderer's blinking cursor, a pulsing dot) makes the page draw a
  // frame 60 times a second, idle or not: in Chromium that cost 25 ms of the page's main thread a
  // second for the cursor, and it delayed every echo by about one frame (bare xterm.js page,
  // keystroke → echo drawn p50 5 ms without, 26–28 ms with either; see issue 13's notes).
  const root = temp.repo(typingBeside('busy', ['--print=working on it', '--wait']));
  const page = app.page;
  await app.openWorkspace(root);
  await app.goto('instances');
  await page.getByRole('checkbox', { name: 'GPU terminals' }).uncheck();
  await page.getByTestId('instance-typing').getByRole('button', { name: 'Start typing' }).click();
  await page.getByTestId('instance-busy').getByRole('button', { name: 'Start busy' }).click();
  await expect(page.getByTestId('instance-busy').getByTestId('status-busy')).toHaveAttribute('data-status', 'running');
  const typing = page.getByTestId('terminal-typing');
  await expect(typing).toContainText('>');
  await typing.click();
  await page.keyboard.type('ls');
  await expect(typing).toContainText('> ls');
  await expect(typing.locator('.xterm-cursor')).toBeVisible(); // the focused terminal shows its cursor
  const endless = await page.evaluate(() =>
    document
      .getAnimations()
      .filter((animation) => animation.effect?.getComputedTiming().iterations === Number.POSITIVE_INFINITY)
      .map((animation) => `${(animation as CSSAnimation).animationName ?? 'animation'} on .${String(((animation.effect as KeyframeEffect).target as Element | null)?.className ?? '?').split(' ').join('.')}`),
  );
  expect(endless).toEqual([]);
  // Each card still shows what its agent uses, sampled by the pty host.
  await expect(page.getByTestId('instance-busy').locator('.instance-usage')).toHaveText(/^\d+% CPU · \d+ MB · 1 process$/);
});
