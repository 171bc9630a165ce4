/**
 * The request board with 2,000 request files (500 pending, 1,500 in done/):
 *   1. the user's wait from clicking Open on the workspace screen to the board drawn (the
 *      Requests screen opened as soon as the workspace shows), in Chromium through the web mode
 *      when the renderer is built (dist/) and Chromium is found, else up to `requests.list` in the core;
 *   2. a file written on disk to the frame that shows its card (browser, timed in the page), or to
 *      its `requests.changed` event (core).
 * Goals: under 1 s and under 200 ms (medians), idle and beside two CPU-bound loops. The parts of
 * the wait are printed beside it as sub-measures.
 *
 *   npx tsx bench/requests.bench.ts [--files 2000] [--runs 5] [--core-only]
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { chromium, type Page } from '@playwright/test';
import type { RequestChange } from '../main/contract/requests';
import { Lanes } from '../main/app/lanes';
import { startWebMode, type WebServer } from '../e2e/support/web-mode';
import { median, numberOption as option } from './support/cpu-load';
import { figureOf, inBothConditions, notMeasured, reportFigures } from './support/report';

const FILES = option('files', 2000);
const RUNS = option('runs', 5);
const GOAL_OPEN = 1000;
const GOAL_LIVE = 200;
const APP_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DIR = 'docs/cross-instance-prs';

const env = { ...process.env, GIT_AUTHOR_NAME: 'Lanes Bench', GIT_AUTHOR_EMAIL: 'bench@lanes.invalid', GIT_COMMITTER_NAME: 'Lanes Bench', GIT_COMMITTER_EMAIL: 'bench@lanes.invalid' };
const git = (cwd: string, ...gitArgs: string[]) => execFileSync('git', gitArgs, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function makeRepository(parent: string): string {
  const root = path.join(parent, 'repo');
  mkdirSync(path.join(root, DIR, 'done'), { recursive: true });
  git(root, 'init', '-q', '-b', 'main');
  writeFileSync(path.join(root, 'lanes.yml'), 'instances:\n  - name: VSCode\n  - name: Windows\n  - name: PowerShell\n');
  const parties = [['Windows#67', 'VSCode'], ['VSCode#12', 'Windows'], ['PowerShell#3', 'Windows版'], ['Windows', 'Designer']];
  for (let index = 0; index < FILES; index += 1) {
    const [from, to] = parties[index % parties.length]!;
    const day = String(1 + (index % 28)).padStart(2, '0');
    const month = String(1 + (index % 12)).padStart(2, '0');
    const status = index % 5 === 1 ? '---\nstatus: in-progress\n---\n' : index % 5 === 2 ? '---\nstatus: blocked\npriority: high\n---\n' : '';
    const text = `${status}# Request ${index}: provider ${index % 97} UI (${from} → ${to})\n## What to add\nIn \`lib/pages/page_${index}.dart\`, add:\n\n| Key | Value |\n|-----|-------|\n| provider | \`p${index}\` |\n| color | \`Color(0xFF${String(index).padStart(6, '0')})\` |\n\n${'Some explanation. '.repeat(20)}\n`;
    const folder = index < FILES / 4 ? DIR : `${DIR}/done`;
    writeFileSync(path.join(root, folder, `2026${month}${day}_request_${index}.md`), text);
  }
  git(root, 'add', '-A');
  git(root, 'commit', '-q', '-m', 'requests');
  return root;
}

async function benchCore(root: string, userData: string): Promise<{ workspace: number; open: number; live: number }> {
  const workspace: number[] = [];
  const open: number[] = [];
  const live: number[] = [];
  for (let run = 0; run < RUNS; run += 1) {
    const core = new Lanes({ userDataDir: userData, platform: { mode: 'web' }, version: 'bench' });
    const changes: { at: number; change: RequestChange }[] = [];
    core.onEvent((name, payload) => {
      if (name === 'requests.changed') changes.push({ at: performance.now(), change: payload as RequestChange });
    });
    const start = performance.now();
    const opened = await core.call('workspace.open', { path: root });
    workspace.push(performance.now() - start);
    const listed = await core.call('requests.list', {});
    open.push(performance.now() - start);
    if (!opened.ok || !listed.ok || (listed.value as { requests: unknown[] }).requests.length !== FILES) throw new Error('the board did not list every request');

    await sleep(100);
    const name = `20261123_live_core_${run}.md`;
    const written = performance.now();
    writeFileSync(path.join(root, DIR, name), `# Live ${run} (Windows → VSCode)\n`);
    const deadline = Date.now() + 5000;
    let seen: number | null = null;
    while (seen === null && Date.now() < deadline) {
      seen = changes.find((item) => item.change.kind === 'delta' && item.change.upserted.some((request) => request.file === name))?.at ?? null;
      if (seen === null) await sleep(2);
    }
    if (seen === null) throw new Error('the written file never reached the board');
    live.push(seen - written);
    rmSync(path.join(root, DIR, name));
    await core.dispose();
  }
  return { workspace: median(workspace), open: median(open), live: median(live) };
}

/** Opens the workspace once and trusts its commands, as the user did on the first visit: the timed opens are the ones after. */
async function trustOnce(page: Page, server: WebServer, root: string): Promise<void> {
  await page.goto(server.url);
  await page.getByLabel('Path of a git repository').fill(root);
  await page.getByRole('button', { name: 'Open', exact: true }).click();
  await page.getByTestId('workspace-root').waitFor();
  const asking = page.getByRole('dialog', { name: 'Do you trust the commands in this repository?' });
  if (await asking.isVisible()) {
    await asking.getByRole('button', { name: 'Trust and run these commands' }).click();
    await asking.waitFor({ state: 'hidden' });
  }
}

// Timed in the page, from the Open button's click to the frame that shows the board with every
// request counted and its first cards drawn. The Requests link is clicked in that same frame loop
// as soon as the workspace screen is drawn, so no test-driver latency is counted.
const OPEN_TO_BOARD = `(total) => new Promise((resolve) => {
  const open = Array.from(document.querySelectorAll('button')).find((button) => button.textContent.trim() === 'Open');
  let workspaceAt = null;
  let clickedAt = null;
  const drawn = () => Array.from(document.querySelectorAll('[data-testid="column-count"]')).reduce((sum, element) => sum + Number(element.textContent), 0) === total && document.querySelector('[data-testid="request-card"]') !== null;
  const started = performance.now();
  const check = () => {
    if (workspaceAt === null && document.querySelector('[data-testid="workspace-root"]')) {
      workspaceAt = performance.now();
      document.querySelector('nav[aria-label="Lanes"] a[href="#/requests"]').click();
      clickedAt = performance.now();
    }
    if (clickedAt !== null && drawn()) {
      const now = performance.now();
      resolve({ open: now - started, workspace: workspaceAt - started, board: now - clickedAt });
    } else requestAnimationFrame(check);
  };
  open.click();
  requestAnimationFrame(check);
})`;

// The frame that shows a card, timed in the page: waiting with Playwright's waitForSelector would
// count its polling, which backs off to one look every 500 ms. The wall clock (Date.now) is the one
// clock the page and this process share.
const WATCH_FOR_CARD = `(file) => {
  window.benchCardShown = new Promise((resolve) => {
    const shown = () => document.querySelector('[data-file="' + CSS.escape(file) + '"]') !== null;
    const timer = setTimeout(() => { observer.disconnect(); resolve(null); }, 5000);
    const observer = new MutationObserver(() => {
      if (!shown()) return;
      observer.disconnect();
      clearTimeout(timer);
      requestAnimationFrame(() => resolve(Date.now()));
    });
    observer.observe(document.body, { childList: true, subtree: true, attributes: true, attributeFilter: ['data-file'] });
  });
}`;

async function benchBrowser(root: string, userData: string, executablePath: string): Promise<{ workspace: number; board: number; open: number; live: number }> {
  const server = await startWebMode(userData);
  const browser = await chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
  const workspace: number[] = [];
  const board: number[] = [];
  const open: number[] = [];
  const live: number[] = [];
  try {
    const first = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await trustOnce(first, server, root);
    await first.close();
    for (let run = 0; run < RUNS; run += 1) {
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      await page.goto(server.url);
      const close = page.getByRole('button', { name: 'Close', exact: true });
      const pathField = page.getByLabel('Path of a git repository');
      await close.or(pathField).first().waitFor();
      if (await close.isVisible()) await close.click();
      await pathField.fill(root);
      const timed = (await page.evaluate(`(${OPEN_TO_BOARD})(${FILES})`)) as { open: number; workspace: number; board: number };
      open.push(timed.open);
      workspace.push(timed.workspace);
      board.push(timed.board);

      await sleep(200);
      const name = `20261123_live_browser_${run}.md`;
      await page.evaluate(`(${WATCH_FOR_CARD})(${JSON.stringify(name)})`);
      const written = Date.now();
      writeFileSync(path.join(root, DIR, name), `# Live ${run} (Windows → VSCode)\n`);
      const shownAt = (await page.evaluate('window.benchCardShown')) as number | null;
      if (shownAt === null) throw new Error('the written file never reached the board');
      live.push(shownAt - written);
      rmSync(path.join(root, DIR, name));
      await page.close();
    }
  } finally {
    await browser.close();
    await server.stop();
  }
  return { workspace: median(workspace), board: median(board), open: median(open), live: median(live) };
}

const parent = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'lanes-bench-requests-')));
try {
  const root = makeRepository(parent);
  console.log(`${FILES} request files (${FILES / 4} pending, ${(FILES * 3) / 4} done), ${RUNS} runs each, idle and beside two CPU-bound loops; medians`);
  const core = await inBothConditions((condition) => benchCore(root, path.join(parent, `user-core-${condition}`)));
  const browserPath = process.env.LANES_CHROMIUM ?? (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : null);
  const built = existsSync(path.join(APP_ROOT, 'dist', 'renderer', 'index.html')) && existsSync(path.join(APP_ROOT, 'dist', 'cli', 'lanes.cjs'));
  const pick = <T, K extends keyof T>(both: { idle: T; loaded: T }, key: K) => ({ idle: both.idle[key], loaded: both.loaded[key] }) as { idle: T[K]; loaded: T[K] };
  const coreFigures = () => [
    figureOf('core: open workspace → requests.list answered', 'ms', null, pick(core, 'open'), core.load),
    figureOf('core: of which workspace.open alone (every room)', 'ms', null, pick(core, 'workspace'), core.load),
    figureOf('core: file written → requests.changed', 'ms', null, pick(core, 'live'), core.load),
  ];
  if (!process.argv.includes('--core-only') && browserPath && built) {
    const browser = await inBothConditions((condition) => benchBrowser(root, path.join(parent, `user-web-${condition}`), browserPath));
    reportFigures('requests', [
      figureOf('open workspace → board drawn (the user’s wait)', 'ms', { op: '<', value: GOAL_OPEN }, pick(browser, 'open'), browser.load),
      figureOf('of which open → workspace screen drawn', 'ms', null, pick(browser, 'workspace'), browser.load),
      figureOf('of which Requests clicked → board drawn', 'ms', null, pick(browser, 'board'), browser.load),
      figureOf('file written → card shown', 'ms', { op: '<', value: GOAL_LIVE }, pick(browser, 'live'), browser.load),
      ...coreFigures(),
    ]);
  } else {
    // The goals name what the user sees; the core's figures are parts of it, never stand-ins for it.
    const why = process.argv.includes('--core-only') ? '--core-only' : 'run `npm run build` first, and install Chromium or set LANES_CHROMIUM';
    console.log(`browser: not measured (${why}).`);
    reportFigures('requests', [
      notMeasured('open workspace → board drawn (the user’s wait)', 'ms', { op: '<', value: GOAL_OPEN }, why),
      notMeasured('file written → card shown', 'ms', { op: '<', value: GOAL_LIVE }, why),
      ...coreFigures(),
    ]);
  }
} finally {
  rmSync(parent, { recursive: true, force: true });
}
