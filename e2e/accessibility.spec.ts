import AxeBuilder from '@axe-core/playwright';
import path from 'node:path';
import { expect, test, type ScreenId } from './fixtures';
import { APP_ROOT } from './support/electron';

const FAKE_AGENT = path.join(APP_ROOT, 'test', 'fake-agent', 'agent.mjs');
const SCREENS: ScreenId[] = ['workspace', 'instances', 'zones', 'requests', 'memory', 'plan', 'conflicts'];

/** A workspace with something on every screen: two instances (one running), requests, memory, the shared state. */
function workspaceWithData(): Record<string, string> {
  const agent = (name: string) => `${JSON.stringify([process.execPath, FAKE_AGENT, `'--print=${name} ready'`, '--repl'].join(' '))}`;
  const files: Record<string, string> = {
    'README.md': '# demo\n',
    'src/api/server.ts': 'export {};\n',
    'web/app.tsx': 'export {};\n',
    'lanes.yml': `instances:\n  - name: api\n    agent: ${agent('api')}\n    zones: [src/]\n  - name: web\n    agent: ${agent('web')}\n    zones: [web/]\n`,
    'COMPRESSED_PROMPT_V3.md': '# Shared state\n\n## Instance Scope Table\n| Instance | Owned Files |\n|---|---|\n| api | src/ |\n| web | web/ |\n',
    'memory/MEMORY.md': '- [Run migrations first](feedback_success_migrations.md)\n',
    'memory/feedback_success_migrations.md': '# Run migrations first\n\nThe API tests need the schema.\n',
  };
  for (let index = 1; index <= 6; index += 1) {
    files[`docs/cross-instance-prs/2026120${index}_ask_${index}.md`] = `---\nstatus: ${index % 2 ? 'open' : 'in-progress'}\n---\n# Ask ${index} (api → web)\n\nPlease do thing ${index}.\n`;
  }
  return files;
}

test('every screen, light and dark, has no serious or critical accessibility findings (axe)', async ({ app, temp }) => {
  test.setTimeout(180_000);
  const page = app.page;
  await app.openWorkspace(temp.repo(workspaceWithData()));
  await app.goto('instances');
  await page.getByRole('button', { name: 'Start api' }).first().click();
  const findings: string[] = [];
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    for (const screen of SCREENS) {
      await app.goto(screen);
      await expect(page.locator('main h1').first()).toBeVisible();
      // Let the screen's first load finish: its loading state is judged by the other screens' tests.
      await expect(page.locator('[aria-busy="true"]')).toHaveCount(0);
      const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
      for (const violation of results.violations) {
        if (violation.impact !== 'serious' && violation.impact !== 'critical') continue;
        const where = violation.nodes.slice(0, 3).map((node) => node.target.join(' ')).join('; ');
        findings.push(`${screen} (${scheme}): ${violation.id} [${violation.impact}] ${violation.help} — ${where}`);
      }
    }
  }
  expect(findings, findings.join('\n')).toEqual([]);
});
