import { expect, test } from './fixtures';
import { git, writeFiles } from './support/repo';

test('the Coordination changes panel lists the home’s uncommitted coordination files live and commits only them', async ({ app, temp }) => {
  const root = temp.repo({
    'lanes.yml': 'instances:\n  - name: VSCode\n    role: frontend\n',
    'COMPRESSED_PROMPT_V3.md': '## Current Snapshot\n- pages: 219\n',
    'memory/MEMORY.md': '# Memory\n',
    'docs/cross-instance-prs/README.md': 'requests\n',
    'src/app.ts': 'export {};\n',
  });
  await app.openWorkspace(root);
  const page = app.page;
  const panel = page.getByTestId('coordination-changes');
  await expect(panel.getByTestId('coordination-clean')).toBeVisible();

  writeFiles(root, {
    'docs/cross-instance-prs/20260414_api.md': '# API (VSCode → Windows)\n',
    'docs/cross-instance-prs/done/20260413_groq.md': '# Groq\n',
    'memory/feedback_success_Windows版#67.md': 'worked\n',
    'COMPRESSED_PROMPT_V3.md': '## Current Snapshot\n- pages: 220\n',
    'src/app.ts': 'export const mine = 1;\n',
  });
  git(root, 'add', 'src/app.ts');
  const list = panel.getByRole('list', { name: 'Uncommitted coordination changes' });
  await expect(list.getByRole('listitem')).toHaveCount(4);
  await expect(list).toContainText('memory/feedback_success_Windows版#67.md');
  await expect(panel).toContainText('Lanes: coordination — 2 requests, 1 memory entry, shared state');
  await page.screenshot({ path: '/tmp/coordination-changes.png', fullPage: true });

  await panel.getByRole('button', { name: 'Commit these 4 changes' }).click();
  await expect(panel.getByTestId('coordination-clean')).toBeVisible();
  await expect(panel.getByTestId('coordination-last-commit')).toContainText('Lanes: coordination — 2 requests, 1 memory entry, shared state');
  expect(git(root, 'log', '-1', '--format=%s').trim()).toBe('Lanes: coordination — 2 requests, 1 memory entry, shared state');
  expect(git(root, 'status', '--porcelain').trim()).toBe('M  src/app.ts');

  await panel.getByRole('checkbox', { name: /Commit them at each wrap-up/ }).click();
  await expect(panel.getByRole('checkbox', { name: /Commit them at each wrap-up/ })).toBeChecked();
  await expect(list.getByRole('listitem')).toHaveText([/lanes\.yml/]);

  // The Memory screen shows the same panel.
  await app.goto('memory');
  await expect(page.getByTestId('coordination-changes').getByRole('listitem')).toHaveText([/lanes\.yml/]);
  await page.screenshot({ path: '/tmp/coordination-memory.png', fullPage: true });
});

test('a day of thousands of coordination changes draws the first 50 and commits them all', async ({ app, temp }) => {
  const root = temp.repo({ 'lanes.yml': 'instances:\n  - name: VSCode\n    role: frontend\n', 'memory/MEMORY.md': '# Memory\n' });
  writeFiles(root, Object.fromEntries(Array.from({ length: 120 }, (_, index) => [`memory/project_note_${String(index).padStart(3, '0')}.md`, `note ${index}\n`])));
  await app.openWorkspace(root);
  const panel = app.page.getByTestId('coordination-changes');
  const list = panel.getByRole('list', { name: 'Uncommitted coordination changes' });
  await expect(panel.getByTestId('coordination-more')).toHaveText(/and 70 more/);
  await expect(list.getByRole('listitem')).toHaveCount(51);
  await panel.getByRole('button', { name: 'Commit these 120 changes' }).click();
  await expect(panel.getByTestId('coordination-clean')).toBeVisible();
  expect(git(root, 'status', '--porcelain').trim()).toBe('');
});
