import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { expect, test, type LanesFixtures } from './fixtures';
import { inBothThemes } from './support/axe';
import { writeFiles } from './support/repo';
import { DIR, LANES_YML } from './support/requests-workspace';

const FIELD_REPORT_REQUEST = `# AI University: Allen AI UI Addition (Windows#67 → VSCode)
## What to add
In \`lib/pages/gemini_university_v2_page.dart\`, add to \`_providerMeta\`:

| Key | Value |
|-----|-------|
| provider | \`allen_ai\` |
| name | \`Allen AI (AI2)\` |

<img src="x" onerror="document.title='pwned'"><script>document.title='pwned'</script>
`;

const column = (page: Page, status: string) => page.getByTestId(`column-${status}`);
const card = (page: Page, title: string) => page.getByTestId('request-card').filter({ hasText: title });

/** A repository with the field report's lanes.yml and `files`, opened on the Requests screen. */
async function openBoard({ app, temp }: LanesFixtures, files: Record<string, string> = {}): Promise<{ root: string; page: Page }> {
  const root = temp.repo({ 'README.md': '# demo\n', 'lanes.yml': LANES_YML, ...files });
  await app.openWorkspace(root);
  await app.goto('requests');
  return { root, page: app.page };
}

/** A real mouse drag: press, move in steps (dnd-kit starts after a few pixels), release. */
async function dragTo(page: Page, source: Locator, target: Locator): Promise<void> {
  const from = (await source.boundingBox())!;
  const to = (await target.boundingBox())!;
  await page.mouse.move(from.x + 20, from.y + from.height / 2);
  await page.mouse.down();
  await page.mouse.move(from.x + 40, from.y + from.height / 2 + 10, { steps: 4 });
  await page.mouse.move(to.x + to.width / 2, to.y + 60, { steps: 12 });
  await page.mouse.up();
}

test('creates a request, drags it to in progress and by keyboard to done, and the file follows on disk', async ({ app, temp }) => {
  const { root, page } = await openBoard({ app, temp });
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Requests');

  await page.getByRole('button', { name: 'New request' }).click();
  const form = page.getByRole('dialog', { name: 'New request' });
  // From and To list this workspace's instances (From the user too); "Other…" takes a name as agents write it.
  const from = form.getByLabel('From', { exact: true });
  await expect(from).toBeFocused();
  await expect(from).toHaveValue('user');
  await expect(from.getByRole('option')).toHaveText(['You (user)', 'VSCode', 'Windows', 'Other…']);
  const to = form.getByLabel('To', { exact: true });
  await expect(to.getByRole('option')).toHaveText(['Choose an instance', 'VSCode', 'Windows', 'Other…']);
  await expect(form.getByLabel('Title', { exact: true })).toHaveAttribute('placeholder', 'One line: what the receiver should do');
  await to.selectOption('VSCode');
  await expect(form.getByLabel('Title', { exact: true })).toHaveAttribute('placeholder', 'One line: what VSCode should do');
  await from.selectOption('Other…');
  await expect(form.getByLabel('Other sender')).toBeFocused();
  await expect(form.getByLabel('Other sender')).toHaveAttribute('placeholder', 'VSCode#12');
  await form.getByLabel('Other sender').fill('Windows#67');
  await form.getByLabel('Title', { exact: true }).fill('Allen AI UI addition');
  await form.getByLabel('What to do').fill('Add the provider to `_providerMeta`.');
  await form.getByRole('button', { name: 'Add row' }).click();
  await form.getByLabel('Key 1').fill('provider');
  await form.getByLabel('Value 1').fill('`allen_ai`');
  expect(await inBothThemes(page, form, 'requests-new', 'dialog[open]')).toEqual([]);
  await form.getByRole('button', { name: 'Create request' }).click();

  const detail = page.getByRole('dialog', { name: 'Allen AI UI addition' });
  await expect(detail.getByTestId('request-body').getByRole('table')).toContainText('allen_ai');
  await detail.getByRole('button', { name: 'Close' }).click();

  const files = readdirSync(path.join(root, DIR)).filter((name) => name.endsWith('.md'));
  expect(files).toHaveLength(1);
  const name = files[0]!;
  expect(name).toMatch(/^\d{8}_allen_ai_ui_addition\.md$/);
  const written = readFileSync(path.join(root, DIR, name), 'utf8');
  expect(written).toContain('# Allen AI UI addition (Windows#67 → VSCode)\n');
  expect(written).toContain('| provider | `allen_ai` |');

  await expect(column(page, 'open').getByTestId('request-card')).toHaveCount(1);
  await dragTo(page, card(page, 'Allen AI UI addition'), column(page, 'in-progress'));
  await expect(column(page, 'in-progress').getByTestId('request-card')).toHaveCount(1);
  await expect.poll(() => readFileSync(path.join(root, DIR, name), 'utf8')).toBe(`---\nstatus: in-progress\n---\n${written}`);

  await moveByKeyboard(page, 'Allen AI UI addition', ['Blocked', 'Done']);
  await expect(column(page, 'done').getByTestId('request-card')).toHaveCount(1);
  await expect.poll(() => existsSync(path.join(root, DIR, 'done', name))).toBe(true);
  expect(existsSync(path.join(root, DIR, name))).toBe(false);
});

test('a fast keyboard user moves a card: Space, → and Space pressed at once still land it in the next column', async ({ app, temp }) => {
  const file = `${DIR}/20260413_task.md`;
  const { root, page } = await openBoard({ app, temp }, { [file]: '# Task (Windows → VSCode)\n' });
  await expect(column(page, 'open').getByTestId('request-card')).toHaveCount(1);
  // No waiting between keys: the arrow arrives before the board has measured its columns.
  const grip = page.getByRole('button', { name: 'Move “Task”' });
  await grip.focus();
  await page.keyboard.press('Space');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('Escape');
  await expect(page.getByText('Moving “Task” was cancelled.')).toBeAttached();
  await expect(column(page, 'open').getByTestId('request-card')).toHaveCount(1);
  await expect(grip).toBeFocused();

  await page.keyboard.press('Space');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('Space');
  await expect(column(page, 'in-progress').getByTestId('request-card')).toHaveCount(1);
  await expect.poll(() => readFileSync(path.join(root, file), 'utf8')).toBe('---\nstatus: in-progress\n---\n# Task (Windows → VSCode)\n');
});

test('agents writing request files meanwhile neither take the focus from a card nor drop it mid-move', async ({ app, temp }) => {
  const mine = `${DIR}/20260413_task.md`;
  const theirs = `${DIR}/20260413_other.md`;
  const { root, page } = await openBoard({ app, temp }, { [mine]: '# Task (Windows → VSCode)\n', [theirs]: '# Other (VSCode → Windows)\n' });
  await expect(column(page, 'open').getByTestId('request-card')).toHaveCount(2);
  const grip = page.getByRole('button', { name: 'Move “Task”' });
  await grip.focus();

  // An agent changes another request and files a new one: the board redraws, the focus stays.
  writeFiles(root, { [theirs]: '---\nstatus: in-progress\n---\n# Other (VSCode → Windows)\n', [`${DIR}/20260414_new.md`]: '# New (VSCode → Windows)\n' });
  await expect(column(page, 'in-progress').getByTestId('request-card')).toHaveCount(1);
  await expect(card(page, 'New')).toHaveCount(1);
  await expect(grip).toBeFocused();

  // The same while the card is lifted: it stays lifted, and the next keys move it.
  await page.keyboard.press('Space');
  await expect(grip).toHaveAttribute('aria-pressed', 'true');
  writeFiles(root, { [theirs]: '---\nstatus: blocked\n---\n# Other (VSCode → Windows)\n', [`${DIR}/20260415_newer.md`]: '# Newer (VSCode → Windows)\n' });
  await expect(column(page, 'blocked').getByTestId('request-card')).toHaveCount(1);
  await expect(card(page, 'Newer')).toHaveCount(1);
  await expect(grip).toHaveAttribute('aria-pressed', 'true');
  await expect(grip).toBeFocused();
  await page.keyboard.press('ArrowRight');
  await expect(page.getByText('“Task” is over In progress.')).toBeAttached();
  await page.keyboard.press('Space');
  await expect(column(page, 'in-progress').getByTestId('request-card')).toHaveText([/Task/]);
  await expect.poll(() => readFileSync(path.join(root, mine), 'utf8')).toBe('---\nstatus: in-progress\n---\n# Task (Windows → VSCode)\n');
  await expect(grip).toBeFocused();
});

test('shows files written on disk live, with warnings, markers and safe rendered markdown', async ({ app, temp }) => {
  const { root, page } = await openBoard({ app, temp }, { [`${DIR}/done/20260412_groq.md`]: '# Groq UI (Windows#66 → VSCode)\n' });
  await expect(column(page, 'done').getByTestId('request-card')).toHaveCount(1);

  writeFiles(root, {
    [`${DIR}/20260413_allenai.md`]: FIELD_REPORT_REQUEST,
    [`${DIR}/20260414_stranger.md`]: '# Ask the designer (VSCode → Designer)\n',
    [`${DIR}/20260415_broken.md`]: '---\nstatus: [oops\n---\n# Broken (Windows → VSCode)\n',
    [`${DIR}/notes.txt`]: 'not a request',
  });
  await expect(column(page, 'open').getByTestId('request-card')).toHaveCount(3);
  await expect(card(page, 'Ask the designer').getByTestId('unknown-receiver')).toBeVisible();
  await expect(card(page, 'Broken').getByTestId('request-warning')).toContainText('not valid YAML');

  await page.getByRole('combobox').first().selectOption('Windows');
  await expect(column(page, 'open').getByTestId('request-card')).toHaveCount(2);
  await page.getByRole('combobox').first().selectOption('');
  await page.getByPlaceholder('Search requests').fill('providermeta');
  await expect(page.getByTestId('request-card')).toHaveCount(1);
  await page.getByPlaceholder('Search requests').fill('');
  await expect(page.getByTestId('request-card')).toHaveCount(4);

  await card(page, 'Allen AI UI Addition').getByRole('button', { name: 'AI University: Allen AI UI Addition', exact: true }).click();
  const detail = page.getByRole('dialog', { name: 'AI University: Allen AI UI Addition' });
  await expect(detail.getByRole('table')).toContainText('Allen AI (AI2)');
  await expect(detail.getByTestId('request-body').locator('img, script')).toHaveCount(0);
  expect(await page.title()).not.toBe('pwned');
  await page.screenshot({ path: '/tmp/requests-detail-light.png' });
  await detail.getByRole('button', { name: 'Send to agent' }).click();
  await expect(detail.getByRole('alert')).toContainText('"VSCode" is not running');
  await page.keyboard.press('Escape');
  await expect(detail).toBeHidden();
  await card(page, 'Ask the designer').getByRole('button', { name: 'Ask the designer', exact: true }).click();
  await expect(page.getByRole('dialog', { name: 'Ask the designer' }).getByRole('button', { name: 'Send to agent' })).toBeDisabled();
  await page.keyboard.press('Escape');

  await page.emulateMedia({ colorScheme: 'light' });
  await page.screenshot({ path: '/tmp/requests-light.png' });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.screenshot({ path: '/tmp/requests-dark.png' });

  const broken = `${DIR}/20260415_broken.md`;
  await moveByKeyboard(page, 'Broken', ['In progress']);
  await expect(page.getByRole('alert')).toContainText('does not rewrite');
  expect(readFileSync(path.join(root, broken), 'utf8')).toBe('---\nstatus: [oops\n---\n# Broken (Windows → VSCode)\n');
});

test('refuses to save an edit over a file changed on disk meanwhile', async ({ app, temp }) => {
  const file = `${DIR}/20260413_task.md`;
  const { root, page } = await openBoard({ app, temp }, { [file]: '# Task (Windows → VSCode)\nfirst\n' });
  await card(page, 'Task').getByRole('button', { name: 'Task', exact: true }).click();
  const detail = page.getByRole('dialog', { name: 'Task' });
  await detail.getByRole('button', { name: 'Edit' }).click();
  await detail.getByRole('textbox').fill('# Task (Windows → VSCode)\nmine\n');
  writeFileSync(path.join(root, file), '# Task (Windows → VSCode)\ntheirs\n');
  await expect(detail.getByRole('status')).toContainText('changed on disk');
  await detail.getByRole('button', { name: 'Save' }).click();
  await expect(detail.getByRole('alert')).toContainText('changed on disk');
  expect(readFileSync(path.join(root, file), 'utf8')).toBe('# Task (Windows → VSCode)\ntheirs\n');
  await expect(detail.getByRole('textbox')).toHaveValue('# Task (Windows → VSCode)\nmine\n');

  await detail.getByRole('button', { name: 'Discard my edit and show the file' }).click();
  await expect(detail.getByTestId('request-body')).toContainText('theirs');
  await detail.getByRole('button', { name: 'Edit' }).click();
  await detail.getByRole('textbox').fill('# Task (Windows → VSCode)\nmine, on top of theirs\n');
  await detail.getByRole('button', { name: 'Save' }).click();
  await expect(detail.getByTestId('request-body')).toContainText('mine, on top of theirs');
  expect(readFileSync(path.join(root, file), 'utf8')).toBe('# Task (Windows → VSCode)\nmine, on top of theirs\n');
});

test('a long column draws its first cards, then its page of forty, and every card on "Show all"', async ({ app, temp }) => {
  const files = Object.fromEntries(Array.from({ length: 45 }, (_, index) => [`${DIR}/202604${String(1 + (index % 28)).padStart(2, '0')}_task_${index}.md`, `# Task ${index} (Windows → VSCode)\n`]));
  const { page } = await openBoard({ app, temp }, files);
  const open = column(page, 'open');
  await expect(open.getByTestId('column-count')).toHaveText('45');
  await expect(open.getByTestId('request-card')).toHaveCount(40);
  await page.screenshot({ path: '/tmp/requests-long-column.png' });
  await open.getByRole('button', { name: 'Show all 45' }).click();
  await expect(open.getByTestId('request-card')).toHaveCount(45);
  await expect(open.getByRole('button', { name: /^Show all/ })).toHaveCount(0);
});

/**
 * Moves a card with the keyboard as a user does (Space, arrows, Space), waiting for the board's
 * own announcement after each key so a busy machine cannot outrun the drag.
 */
async function moveByKeyboard(page: Page, title: string, columns: readonly string[]): Promise<void> {
  const grip = page.getByRole('button', { name: `Move “${title}”` });
  await grip.focus();
  await page.keyboard.press('Space');
  await expect(grip).toHaveAttribute('aria-pressed', 'true');
  // One column at a time: each arrow moves from where the last one landed.
  for (const column of columns) {
    await page.keyboard.press('ArrowRight');
    await expect(page.getByText(`“${title}” is over ${column}.`)).toBeAttached();
  }
  await page.keyboard.press('Space');
}
