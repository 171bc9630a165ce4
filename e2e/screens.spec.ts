import AxeBuilder from '@axe-core/playwright';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test, type ScreenId } from './fixtures';
import { APP_ROOT } from './support/electron';

const FAKE_AGENT = path.join(APP_ROOT, 'test', 'fake-agent', 'agent.mjs');
const SCREENS: ScreenId[] = ['workspace', 'instances', 'zones', 'requests', 'memory', 'plan', 'conflicts'];
const SIZES = [
  { width: 1440, height: 900 },
  { width: 1024, height: 700 },
];
const INSTANCES = [
  ['api', 'src/api/'],
  ['web', 'web/'],
  ['docs', 'docs/guide/'],
  ['infra', 'infra/'],
] as const;
/** Where the screenshots go, for a person to look at (the review by eye). */
const SHOTS = path.join(APP_ROOT, 'test-results', 'screens');

/** A workspace as a user has it mid-day: 4 instances, 30 requests, 50 memory files, the shared state. */
function workspaceWithData(): Record<string, string> {
  const agent = (name: string) => JSON.stringify([process.execPath, FAKE_AGENT, `'--print=${name} ready'`, '--repl'].join(' '));
  const files: Record<string, string> = {
    'README.md': '# demo\n',
    'src/api/server.ts': 'export {};\n',
    'web/app.tsx': 'export {};\n',
    'docs/guide/intro.md': '# Intro\n',
    'infra/main.tf': '# infra\n',
    'lanes.yml': `instances:\n${INSTANCES.map(([name, zone]) => `  - name: ${name}\n    agent: ${agent(name)}\n    zones: [${zone}]\n`).join('')}`,
    'COMPRESSED_PROMPT_V3.md': `# Shared state\n\n## Instance Scope Table\n| Instance | Owned Files |\n|---|---|\n${INSTANCES.map(([name, zone]) => `| ${name} | ${zone} |`).join('\n')}\n`,
  };
  const statuses = ['open', 'in-progress', 'blocked', 'open', 'done'];
  for (let index = 1; index <= 30; index += 1) {
    const [from] = INSTANCES[index % 4]!;
    const [to] = INSTANCES[(index + 1) % 4]!;
    const folder = statuses[index % 5] === 'done' ? 'docs/cross-instance-prs/done' : 'docs/cross-instance-prs';
    files[`${folder}/202612${String(1 + (index % 28)).padStart(2, '0')}_request_${index}.md`] =
      `---\nstatus: ${statuses[index % 5]}\n---\n# Request ${index} (${from} → ${to})\n\nPlease look at part ${index} of the ${to} work.\n`;
  }
  const index: string[] = [];
  const kinds = ['feedback_success', 'feedback_failure', 'project', 'reference', 'user'];
  for (let entry = 1; entry <= 50; entry += 1) {
    const name = `${kinds[entry % 5]}_note_${entry}.md`;
    files[`memory/${name}`] = `# Note ${entry}\n\nWhat we learned on day ${entry}.\n`;
    index.push(`- [Note ${entry}](${name})`);
  }
  files['memory/MEMORY.md'] = `${index.join('\n')}\n`;
  return files;
}

test('every screen with data, light and dark, at 1440×900 and 1024×700: screenshots to look at, and no serious accessibility finding (axe)', async ({ app, temp }) => {
  test.setTimeout(300_000);
  const page = app.page;
  const root = temp.repo(workspaceWithData());
  await app.openWorkspace(root);
  await app.goto('instances');
  await page.getByRole('button', { name: 'Start all' }).click();
  for (const [name] of INSTANCES) await expect(page.getByTestId(`instance-${name}`).getByTestId(`status-${name}`)).toHaveAttribute('data-status', 'waiting');
  await app.goto('zones');
  await expect(page.getByRole('region', { name: 'Enforcement' })).toContainText('watching');
  writeFileSync(path.join(root, 'README.md'), '# demo, edited outside every zone\n');
  await expect(page.getByRole('navigation', { name: 'Zones views' }).getByRole('link', { name: /Violations [1-9]/ })).toBeVisible();

  mkdirSync(SHOTS, { recursive: true });
  const findings: string[] = [];
  for (const size of SIZES) {
    await page.setViewportSize(size);
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      for (const screen of SCREENS) {
        await app.goto(screen);
        await expect(page.locator('main h1').first()).toBeVisible();
        await expect(page.locator('[aria-busy="true"]')).toHaveCount(0);
        await expect(page.locator('.banner-error')).toHaveCount(0);
        await page.screenshot({ path: path.join(SHOTS, `${screen}-${scheme}-${size.width}x${size.height}.png`) });
        if (size.width !== SIZES[0]!.width) continue;
        const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
        for (const violation of results.violations) {
          if (violation.impact !== 'serious' && violation.impact !== 'critical') continue;
          const where = violation.nodes.slice(0, 3).map((node) => node.target.join(' ')).join('; ');
          findings.push(`${screen} (${scheme}): ${violation.id} [${violation.impact}] ${violation.help} — ${where}`);
        }
      }
    }
  }
  expect(findings, findings.join('\n')).toEqual([]);
});

test('the Focus layout fits the window: the terminal and its worktree panel, Remove… included, without scrolling the page', async ({ app, temp }) => {
  const page = app.page;
  const root = temp.repo(workspaceWithData());
  await app.openWorkspace(root);
  await page.setViewportSize({ width: 1440, height: 900 });
  await app.goto('instances');
  await page.getByRole('radio', { name: 'Focus' }).click();
  await page.getByRole('article', { name: 'api terminal' }).getByRole('button', { name: 'Start api' }).click();
  await expect(page.getByTestId('terminal-api')).toBeVisible();
  const remove = page.getByRole('button', { name: /^Remove (worktree|instance)…$/ }).first();
  await expect(remove).toBeInViewport({ ratio: 1 });
  const overflow = await page.locator('#main').evaluate((main) => main.scrollHeight - main.clientHeight);
  expect(overflow).toBeLessThanOrEqual(0);
  // The terminal takes what the panel leaves: most of the height, not a fixed share.
  const terminal = await page.getByTestId('terminal-api').boundingBox();
  expect(terminal!.height).toBeGreaterThan(450);
  await page.screenshot({ path: path.join(SHOTS, 'instances-focus-light-1440x900.png') });
});

test('every screen on a fresh repository: an empty state that says what to do, no error, screenshots to look at', async ({ app, temp }) => {
  const page = app.page;
  const root = temp.repo({ 'README.md': '# fresh\n', 'src/index.ts': 'export {};\n' });
  await app.openWorkspace(root);
  await page.setViewportSize({ width: 1440, height: 900 });
  mkdirSync(SHOTS, { recursive: true });
  for (const screen of SCREENS) {
    await app.goto(screen);
    await expect(page.locator('main h1').first()).toBeVisible();
    await expect(page.locator('[aria-busy="true"]')).toHaveCount(0);
    await expect(page.locator('.banner-error')).toHaveCount(0);
    await page.screenshot({ path: path.join(SHOTS, `${screen}-empty-light-1440x900.png`) });
  }
  // The Plan screen has nothing to plan: it says where requests come from instead of drawing empty quadrants.
  await app.goto('plan');
  await expect(page.getByRole('region', { name: 'Priority matrix' })).toHaveCount(0);
  await page.getByRole('main').getByRole('link', { name: 'Requests' }).click();
  await expect(page).toHaveURL(/#\/requests$/);
});
