/**
 * The request board with 2,000 request files (500 pending, 1,500 in done/):
 *   1. opening the workspace to the board rendered — in the browser through the web mode when
 *      the renderer is built (dist/) and Chromium is found, else up to `requests.list` in the core;
 *   2. a file written on disk to its card shown (browser), or to its `requests.changed` event (core).
 * Goals: under 1 s and under 200 ms (medians).
 *
 *   npx tsx bench/requests.bench.ts [--files 2000] [--runs 5] [--core-only]
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';
import type { RequestChange } from '../main/contract/requests';
import { LanesCore } from '../main/core/lanes-core';
import { startWebMode } from '../e2e/support/web-mode';
import { numberOption as option } from './support/cpu-load';

const FILES = option('files', 2000);
const RUNS = option('runs', 5);
const GOAL_OPEN = 1000;
const GOAL_LIVE = 200;
const APP_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DIR = 'docs/cross-instance-prs';

const env = { ...process.env, GIT_AUTHOR_NAME: 'Lanes Bench', GIT_AUTHOR_EMAIL: 'bench@lanes.invalid', GIT_COMMITTER_NAME: 'Lanes Bench', GIT_COMMITTER_EMAIL: 'bench@lanes.invalid' };
const git = (cwd: string, ...gitArgs: string[]) => execFileSync('git', gitArgs, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
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

async function benchCore(root: string, userData: string): Promise<{ workspace: number[]; open: number[]; live: number[] }> {
  const workspace: number[] = [];
  const open: number[] = [];
  const live: number[] = [];
  for (let run = 0; run < RUNS; run += 1) {
    const core = new LanesCore({ userDataDir: userData, platform: { mode: 'web' }, version: 'bench' });
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
  return { workspace, open, live };
}

async function benchBrowser(root: string, userData: string, executablePath: string): Promise<{ workspace: number[]; board: number[]; open: number[]; live: number[] }> {
  const server = await startWebMode(userData);
  const browser = await chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
  const workspace: number[] = [];
  const board: number[] = [];
  const open: number[] = [];
  const live: number[] = [];
  try {
    for (let run = 0; run < RUNS; run += 1) {
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      await page.goto(server.url);
      const close = page.getByRole('button', { name: 'Close', exact: true });
      const pathField = page.getByLabel('Path of a git repository');
      await close.or(pathField).first().waitFor();
      if (await close.isVisible()) await close.click();
      await page.getByLabel('Path of a git repository').fill(root);
      const start = performance.now();
      await page.getByRole('button', { name: 'Open', exact: true }).click();
      await page.getByTestId('workspace-root').waitFor();
      const navigated = performance.now();
      workspace.push(navigated - start);
      await page.getByRole('navigation', { name: 'Lanes' }).getByRole('link', { name: 'Requests' }).click();
      await page.waitForFunction(
        (total) => Array.from(document.querySelectorAll('[data-testid="column-count"]')).reduce((sum, element) => sum + Number(element.textContent), 0) === total && document.querySelector('[data-testid="request-card"]') !== null,
        FILES,
        { polling: 'raf' },
      );
      open.push(performance.now() - start);
      board.push(performance.now() - navigated);

      await sleep(200);
      const name = `20261123_live_browser_${run}.md`;
      const written = performance.now();
      writeFileSync(path.join(root, DIR, name), `# Live ${run} (Windows → VSCode)\n`);
      await page.waitForSelector(`[data-file="${name}"]`, { timeout: 5000 });
      live.push(performance.now() - written);
      rmSync(path.join(root, DIR, name));
      await page.close();
    }
  } finally {
    await browser.close();
    await server.stop();
  }
  return { workspace, board, open, live };
}

function report(label: string, values: number[], goal: number): boolean {
  const value = median(values);
  const ok = value < goal;
  console.log(`${label}: median ${value.toFixed(0)} ms (runs: ${values.map((item) => item.toFixed(0)).join(', ')}); goal < ${goal} ms ${ok ? 'met' : 'MISSED'}`);
  return ok;
}

const parent = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'lanes-bench-requests-')));
try {
  const root = makeRepository(parent);
  console.log(`${FILES} request files (${FILES / 4} pending, ${(FILES * 3) / 4} done), ${RUNS} runs each`);
  const core = await benchCore(root, path.join(parent, 'user-core'));
  let ok = true;
  console.log(`core: workspace.open alone (every room, including this one's scan in parallel): median ${median(core.workspace).toFixed(0)} ms`);
  report('core: open workspace → requests.list', core.open, GOAL_OPEN);
  report('core: file written → requests.changed', core.live, GOAL_LIVE);

  const browserPath = process.env.LANES_CHROMIUM ?? (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : null);
  const built = existsSync(path.join(APP_ROOT, 'dist', 'renderer', 'index.html')) && existsSync(path.join(APP_ROOT, 'dist', 'cli', 'lanes.cjs'));
  if (!process.argv.includes('--core-only') && browserPath && built) {
    const browser = await benchBrowser(root, path.join(parent, 'user-web'), browserPath);
    console.log(`browser: of which open → workspace screen ${median(browser.workspace).toFixed(0)} ms, Requests clicked → board drawn ${median(browser.board).toFixed(0)} ms`);
    ok = report('browser: open workspace → board rendered', browser.open, GOAL_OPEN) && ok;
    ok = report('browser: file written → card shown', browser.live, GOAL_LIVE) && ok;
  } else {
    ok = median(core.open) < GOAL_OPEN && median(core.live) < GOAL_LIVE;
    console.log('browser: skipped (run `npm run build` first, and install Chromium or set LANES_CHROMIUM); the goals were checked on the core figures.');
  }
  process.exitCode = ok ? 0 : 1;
} finally {
  rmSync(parent, { recursive: true, force: true });
}
