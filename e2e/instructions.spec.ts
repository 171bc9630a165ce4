import path from 'node:path';
import { expect, test } from './fixtures';
import { APP_ROOT } from './support/electron';

// What Lanes types into agents: a hand-off or wrap-up goes into the terminal of an agent that
// takes prose, and is shown with a Copy button, and why, for a shell that would run it.

const FAKE_AGENT = path.join(APP_ROOT, 'test', 'fake-agent', 'agent.mjs');
const quote = (word: string) => (/^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`);
const REQUESTS = 'docs/cross-instance-prs';

function workspaceFiles(): Record<string, string> {
  const agent = [process.execPath, FAKE_AGENT, '--print=agent ready', '--repl'].map(quote).join(' ');
  return {
    'README.md': '# demo\n',
    'lanes.yml':
      `instances:\n  - name: Agent\n    role: backend\n    agent: ${JSON.stringify(agent)}\n    takesInstructions: true\n    zones: [src/]\n` +
      '  - name: Ops\n    role: devops\n    agent: bash\n    zones: [ops/]\n',
    [`${REQUESTS}/20260413_api_field.md`]: '# Add the field (Ops → Agent)\n\n## What to do\nAdd `status` to the API.\n',
    [`${REQUESTS}/20260413_deploy.md`]: '# Deploy the preview (Agent → Ops)\n\n## What to do\nDeploy it.\n',
    'memory/MEMORY.md': '# Memory\n',
  };
}

test('hand-off types into an agent that takes prose, and shows the instruction to paste for a shell', async ({ app, temp }) => {
  const root = temp.repo(workspaceFiles());
  const page = app.page;
  if (app.mode === 'web') await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await app.openWorkspace(root);
  await app.goto('instances');
  await page.getByRole('checkbox', { name: 'GPU terminals' }).uncheck();
  await page.getByTestId('instance-Agent').getByRole('button', { name: 'Start Agent' }).click();
  const terminal = page.getByTestId('terminal-Agent');
  await expect(terminal).toContainText('agent ready');

  await app.goto('requests');
  await page.getByRole('button', { name: 'Add the field', exact: true }).click();
  const typed = page.getByRole('dialog', { name: 'Add the field' });
  await typed.getByRole('button', { name: 'Send to agent' }).click();
  await expect(typed.getByRole('status')).toContainText(`Sent to Agent: “Please handle the cross-instance request in ${path.join(root, REQUESTS, '20260413_api_field.md')}`);
  await expect(typed.getByTestId('instruction-to-paste')).toHaveCount(0);
  await page.keyboard.press('Escape');

  await page.getByRole('button', { name: 'Deploy the preview', exact: true }).click();
  const shown = page.getByRole('dialog', { name: 'Deploy the preview' });
  await shown.getByRole('button', { name: 'Send to agent' }).click();
  const paste = shown.getByRole('region', { name: 'Instruction for Ops' });
  await expect(paste).toContainText('Lanes did not type this: Ops runs bash, which would run this text as a command; paste it where it belongs.');
  const text = paste.getByRole('textbox', { name: 'Instruction for Ops, to paste' });
  await expect(text).toHaveValue(
    `Please handle the cross-instance request in ${path.join(root, REQUESTS, '20260413_deploy.md')}: read it, do what it asks inside your own zones only, ` +
      `then move the file into ${path.join(root, REQUESTS, 'done')}/ (with git mv if it is tracked).`,
  );
  await page.screenshot({ path: '/tmp/instructions-hand-off.png' });
  await paste.getByRole('button', { name: 'Copy' }).click();
  await expect(paste.getByRole('button', { name: 'Copied' })).toBeVisible();
  if (app.mode === 'web') expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(await text.inputValue());
  await page.keyboard.press('Escape');

  // The form says where requests go: the home's folder, by absolute path, as agents are told.
  await page.getByRole('button', { name: 'New request' }).click();
  await expect(page.getByRole('dialog', { name: 'New request' })).toContainText(`Written to ${path.join(root, REQUESTS)}/ with today’s date; the receiving instance moves it to ${path.join(root, REQUESTS, 'done')}/ when finished.`);
  await page.keyboard.press('Escape');

  // Only the one instruction reached the agent, as one message.
  await app.goto('instances');
  await expect(terminal).toContainText('echo: Please handle the cross-instance request in');
  await expect(terminal).not.toContainText('20260413_deploy.md');
  await page.getByTestId('instance-Agent').getByRole('button', { name: 'Stop Agent' }).click();
});

test('wrap-up types into a running agent and shows the instruction to paste for a shell', async ({ app, temp }) => {
  const root = temp.repo(workspaceFiles());
  const page = app.page;
  await app.openWorkspace(root);
  await app.goto('instances');
  await page.getByRole('checkbox', { name: 'GPU terminals' }).uncheck();
  await page.getByTestId('instance-Agent').getByRole('button', { name: 'Start Agent' }).click();
  await expect(page.getByTestId('terminal-Agent')).toContainText('agent ready');

  await app.goto('memory');
  const panel = page.getByTestId('wrap-up');
  await expect(panel.getByRole('button', { name: 'Wrap up Agent' })).toBeEnabled();
  await panel.getByRole('button', { name: 'Show wrap-up for Ops' }).click();
  const paste = panel.getByRole('region', { name: 'Instruction for Ops' });
  await expect(paste).toContainText('Ops runs bash, which would run this text as a command');
  await expect(paste.getByRole('textbox')).toHaveValue(new RegExp(`^Session wrap-up for Ops: record what worked as ${escape(path.join(root, 'memory'))}/feedback_success_<topic>\\.md`));
  await expect(panel.getByTestId('wrap-up-changes')).toContainText('Wrap-up prepared');
  await paste.scrollIntoViewIfNeeded();
  await page.screenshot({ path: '/tmp/instructions-wrap-up-paste.png' });

  await panel.getByRole('button', { name: 'Wrap up all running instances' }).click();
  await expect(panel.getByTestId('wrap-up-changes')).toContainText('Sent to Agent');
  await expect(panel.getByRole('region', { name: 'Instruction for Ops' })).toHaveCount(0);
  await panel.scrollIntoViewIfNeeded();
  await page.screenshot({ path: '/tmp/instructions-wrap-up.png', fullPage: true });

  await app.goto('instances');
  await expect(page.getByTestId('terminal-Agent')).toContainText(`echo: Session wrap-up for Agent: record what worked as ${path.join(root, 'memory')}/`);
  await page.getByTestId('instance-Agent').getByRole('button', { name: 'Stop Agent' }).click();
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
