import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RequestPlan, RequestSummary, Unblocked } from '../contract/requests';
import { git, makeGitRepo } from '../../test/support/repo';
import { fakeAgent } from '../instances/test-support';
import { LANES_YML, openRequests, waitFor } from './test-support';

const DIR = 'docs/cross-instance-prs';
const read = (root: string, file: string) => readFileSync(path.join(root, DIR, file), 'utf8');

/** The requests room's planning events, recorded from a real core. */
async function openPlanning(root: string) {
  const opened = await openRequests(root);
  const plans: (RequestPlan | null)[] = [];
  const unblocked: Unblocked[] = [];
  opened.core.onEvent((name, payload) => {
    if (name === 'requests.planned') plans.push(payload as RequestPlan | null);
    if (name === 'requests.unblocked') unblocked.push(payload as Unblocked);
  });
  // The first plan answered: from then on changes are compared with the board it was made from.
  await opened.call('requests.plan');
  return { ...opened, plans, unblocked };
}

/** Opens the workspace and starts its VSCode instance (the fake agent's prompt), recording what its terminal shows. */
async function withVSCodeRunning(root: string) {
  // Written beforehand so the instances room's two concurrent additions to info/exclude cannot race.
  writeFileSync(path.join(root, '.git/info/exclude'), '/.claude/settings.local.json\n/.lanes/context/\n');
  const opened = await openPlanning(root);
  const output: string[] = [];
  opened.core.onEvent((name, payload) => {
    if (name === 'instances.output') output.push((payload as { data: string }).data);
  });
  await opened.call('instances.start', { name: 'VSCode' });
  await waitFor(() => output.join('').includes('> '), 'the agent prompt');
  return { ...opened, output };
}

describe('planning: letting go of a blocker', () => {
  it('takes a name that finds no request off blocked_by, keeping the other names and every other byte, then the key itself', async () => {
    const original = '---\r\n# keep\r\nblocked_by:\r\n  - 20260401_schema.md\r\n  - ghost\r\n  - "odd: name"\r\nurgency: high\r\n---\r\n# B (Windows → VSCode)\r\nbody\r\n';
    const root = makeGitRepo({ 'lanes.yml': LANES_YML, [`${DIR}/20260401_schema.md`]: '# Schema (VSCode → Windows)\n', [`${DIR}/20260413_b.md`]: original });
    const { call, failure } = await openPlanning(root);
    const shown: RequestSummary = (await call('requests.read', { file: '20260413_b.md' })).request;
    expect(shown.blockedBy).toEqual(['20260401_schema.md', 'ghost', 'odd: name']);

    const once: RequestSummary = await call('requests.unblock', { file: '20260413_b.md', blocker: 'ghost', version: shown.version });
    expect(once.blockedBy).toEqual(['20260401_schema.md', 'odd: name']);
    expect(read(root, '20260413_b.md')).toBe('---\r\n# keep\r\nblocked_by: [20260401_schema.md, "odd: name"]\r\nurgency: high\r\n---\r\n# B (Windows → VSCode)\r\nbody\r\n');
    const plan: RequestPlan = await call('requests.plan');
    expect(plan.requests.find((entry) => entry.file === '20260413_b.md')!.blockers.map((blocker) => blocker.ref)).toEqual(['20260401_schema.md', 'odd: name']);

    // Asked again with the old version, or for a name it no longer has: refused, nothing written.
    expect(await failure('requests.unblock', { file: '20260413_b.md', blocker: 'odd: name', version: shown.version })).toMatchObject({ code: 'conflict' });
    expect(await failure('requests.unblock', { file: '20260413_b.md', blocker: 'ghost' })).toMatchObject({ code: 'not-found', message: expect.stringContaining('is not blocked by "ghost"') });

    await call('requests.unblock', { file: '20260413_b.md', blocker: 'odd: name' });
    const last: RequestSummary = await call('requests.unblock', { file: '20260413_b.md', blocker: '20260401_schema.md' });
    expect(last.blockedBy).toEqual([]);
    expect(read(root, '20260413_b.md')).toBe('---\r\n# keep\r\nurgency: high\r\n---\r\n# B (Windows → VSCode)\r\nbody\r\n');
  });
});

describe('planning: the priority matrix writes the front matter', () => {
  it('writes only urgency and importance into a tracked file, keeping every other byte, and takes a card back to the tray', async () => {
    const original = '---\r\n# keep this comment\r\nstatus: blocked\r\npriority:  "high"\r\n---\r\n# A (Windows → VSCode)\r\nbody\r\n';
    const root = makeGitRepo({ 'lanes.yml': LANES_YML, [`${DIR}/20260413_a.md`]: original });
    const { call } = await openPlanning(root);
    const before: RequestSummary = await call('requests.read', { file: '20260413_a.md' }).then((detail) => detail.request);
    expect(before.quadrant).toBeNull();

    const placed: RequestSummary = await call('requests.prioritize', { file: '20260413_a.md', quadrant: 'delegate', version: before.version });
    expect(placed).toMatchObject({ urgency: 'high', importance: 'low', quadrant: 'delegate', status: 'blocked', priority: 'high' });
    expect(read(root, '20260413_a.md')).toBe(original.replace('---\r\n# A', 'urgency: high\r\nimportance: low\r\n---\r\n# A'));

    const moved: RequestSummary = await call('requests.prioritize', { file: '20260413_a.md', quadrant: 'do-first', version: placed.version });
    expect(moved.quadrant).toBe('do-first');
    expect(read(root, '20260413_a.md')).toBe(original.replace('---\r\n# A', 'urgency: high\r\nimportance: high\r\n---\r\n# A'));

    await call('requests.prioritize', { file: '20260413_a.md', quadrant: null, version: moved.version });
    expect(read(root, '20260413_a.md')).toBe(original);
    expect(git(root, 'status', '--porcelain')).toBe('');
  });

  it('refuses a file changed on disk since it was read, and one whose front matter it cannot read; neither is written', async () => {
    const root = makeGitRepo({
      'lanes.yml': LANES_YML,
      [`${DIR}/20260413_a.md`]: '# A (Windows → VSCode)\n',
      [`${DIR}/20260414_broken.md`]: '---\nurgency: [high\n---\n# Broken (Windows → VSCode)\n',
    });
    const { call, failure } = await openPlanning(root);
    const shown: RequestSummary = (await call('requests.read', { file: '20260413_a.md' })).request;
    writeFileSync(path.join(root, DIR, '20260413_a.md'), '# A (Windows → VSCode)\nedited meanwhile\n');
    expect(await failure('requests.prioritize', { file: '20260413_a.md', quadrant: 'later', version: shown.version })).toMatchObject({
      code: 'conflict',
      message: expect.stringMatching(/changed on disk since the board showed it\. Nothing was written/),
    });
    expect(read(root, '20260413_a.md')).toBe('# A (Windows → VSCode)\nedited meanwhile\n');

    expect(await failure('requests.prioritize', { file: '20260414_broken.md', quadrant: 'later' })).toMatchObject({ code: 'malformed-file' });
    expect(read(root, '20260414_broken.md')).toBe('---\nurgency: [high\n---\n# Broken (Windows → VSCode)\n');
    expect(await failure('requests.prioritize', { file: '../../lanes.yml', quadrant: 'later' })).toMatchObject({ code: 'outside-workspace' });
  });

  it('shows an urgency it does not know as unsorted, with a warning', async () => {
    const root = makeGitRepo({ 'lanes.yml': LANES_YML, [`${DIR}/20260413_a.md`]: '---\nurgency: soon\nimportance: high\n---\n# A (Windows → VSCode)\n' });
    const { call } = await openPlanning(root);
    const { request } = await call('requests.read', { file: '20260413_a.md' });
    expect(request).toMatchObject({ urgency: null, importance: 'high', quadrant: null });
    expect(request.warnings).toContain("The front matter's `urgency` should be `high` or `low`; the Plan screen shows this request as unsorted.");
  });
});

describe('planning: dependencies over a real folder', () => {
  it('plans from the files, and tells the receiver once the last blocker is moved to done', async () => {
    const root = makeGitRepo({
      'lanes.yml': LANES_YML,
      [`${DIR}/20260410_schema.md`]: '# Schema (VSCode → Windows)\n',
      [`${DIR}/20260411_api.md`]: '# API (VSCode → Windows)\n',
      [`${DIR}/20260412_ui.md`]: '---\nblocked_by: [schema, 20260411_api.md]\n---\n# UI (Windows → VSCode)\n',
      [`${DIR}/20260413_loop_a.md`]: '---\nblocked_by: loop_b\n---\n# Loop A (Windows → VSCode)\n',
      [`${DIR}/20260413_loop_b.md`]: '---\nblocked_by: loop_a\n---\n# Loop B (VSCode → Windows)\n',
      [`${DIR}/20260414_orphan.md`]: '---\nblocked_by: 20260101_gone.md\n---\n# Orphan (Windows → VSCode)\n',
    });
    const { call, plans, unblocked } = await openPlanning(root);
    const plan: RequestPlan = await call('requests.plan');
    expect(plan.cycles).toEqual([['20260413_loop_a.md', '20260413_loop_b.md']]);
    expect(plan.waves).toEqual([['20260410_schema.md', '20260414_orphan.md'], ['20260411_api.md'], ['20260412_ui.md']]);
    expect(plan.requests.find((entry) => entry.file === '20260414_orphan.md')!.blockers[0]!.problem).toBe('No request is named "20260101_gone.md".');

    await call('requests.move', { file: '20260410_schema.md', status: 'done' });
    await waitFor(() => plans.at(-1)?.requests.some((entry) => entry.file === 'done/20260410_schema.md'), 'the plan after the schema is done');
    expect(unblocked).toEqual([]);

    // The last blocker is finished by hand, outside Lanes: the watcher sees it.
    git(root, 'mv', `${DIR}/20260411_api.md`, `${DIR}/done/20260411_api.md`);
    await waitFor(() => unblocked.length > 0, 'the receiver to be told');
    expect(unblocked).toEqual([
      { file: '20260412_ui.md', title: 'UI', instance: 'VSCode', blockers: ['Schema', 'API'], handedOff: false, notHandedOffBecause: null },
    ]);
    // Both go to VSCode, one at a time.
    expect(plans.at(-1)!.waves).toEqual([['20260412_ui.md'], ['20260414_orphan.md']]);
  });

  it('hands an unblocked request to its running receiver when the request asks for it', async () => {
    const root = makeGitRepo({
      'lanes.yml': `instances:\n  - name: VSCode\n    agent: ${JSON.stringify(fakeAgent('--repl'))}\n    takesInstructions: true\n    zones: [lib/]\n  - name: Windows\n    zones: [docs/]\n`,
      [`${DIR}/20260410_schema.md`]: '# Schema (VSCode → Windows)\n',
      [`${DIR}/20260412_ui.md`]: '---\nblocked_by: schema\nwhen_unblocked: send\n---\n# UI (Windows → VSCode)\n',
    });
    const { call, unblocked, output } = await withVSCodeRunning(root);

    await call('requests.move', { file: '20260410_schema.md', status: 'done' });
    await waitFor(() => unblocked.length > 0, 'the receiver to be told');
    expect(unblocked[0]).toMatchObject({ file: '20260412_ui.md', instance: 'VSCode', handedOff: true, notHandedOffBecause: null });
    await waitFor(() => output.join('').includes(`echo: Please handle the cross-instance request in ${path.join(root, DIR, '20260412_ui.md')}`), 'the hand-off in the terminal', 10_000);
    await call('instances.stop', { name: 'VSCode' });
  });

  it('says why an asked-for hand-off did not happen when the receiver is not running', async () => {
    const root = makeGitRepo({
      'lanes.yml': LANES_YML,
      [`${DIR}/20260410_schema.md`]: '# Schema (VSCode → Windows)\n',
      [`${DIR}/20260412_ui.md`]: '---\nblocked_by: schema\nwhen_unblocked: send\n---\n# UI (Windows → VSCode)\n',
    });
    const { call, unblocked } = await openPlanning(root);
    await call('requests.move', { file: '20260410_schema.md', status: 'done' });
    await waitFor(() => unblocked.length > 0, 'the receiver to be told');
    expect(unblocked[0]).toMatchObject({ handedOff: false, notHandedOffBecause: expect.stringMatching(/"VSCode" is not running/) });
  });
});

describe('planning: decisions', () => {
  const STATE = '# State\r\n## Instance Scope Table\r\n| Instance | Owned Files |\r\n|---|---|\r\n| VSCode | lib/ |\r\n\r\n## Notes\r\n- short\r\n';

  it('appends a decision to the shared-state file, keeping the scope table, and types it into every running agent that takes prose', async () => {
    const root = makeGitRepo({
      'lanes.yml': `instances:\n  - name: VSCode\n    agent: ${JSON.stringify(fakeAgent('--repl'))}\n    takesInstructions: true\n    zones: [lib/]\n  - name: Shell\n    agent: bash\n    zones: [docs/]\n  - name: Idle\n    agent: claude\n    zones: [supabase/]\n`,
      'COMPRESSED_PROMPT_V3.md': STATE,
    });
    const { call, failure, output } = await withVSCodeRunning(root);

    const result = await call('requests.decide', { text: '  Every new table gets row-level security  ' });
    expect(result).toMatchObject({ sharedState: 'COMPRESSED_PROMPT_V3.md', typed: ['VSCode'] });
    expect(result.notTyped).toEqual([
      { instance: 'Shell', reason: expect.stringMatching(/runs `bash`, which would run this text as a command/) },
      { instance: 'Idle', reason: 'Idle is not running.' },
    ]);
    const written = readFileSync(path.join(root, 'COMPRESSED_PROMPT_V3.md'), 'utf8');
    expect(written).toMatch(new RegExp(`^${escape(STATE)}\\r\\n## Decisions\\r\\n\\r\\n- \\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2} — Every new table gets row-level security\\r\\n$`));
    await waitFor(() => output.join('').includes('echo: Decision for every instance (recorded in '), 'the decision in the terminal', 10_000);
    expect(output.join('')).toContain('): Every new table gets row-level security');

    expect(await failure('requests.decide', { text: 'one\nand a second line' })).toMatchObject({ code: 'invalid-argument' });
    expect(await failure('requests.decide', { text: 'bell \u0007 inside' })).toMatchObject({ code: 'invalid-argument' });
    expect(readFileSync(path.join(root, 'COMPRESSED_PROMPT_V3.md'), 'utf8')).toBe(written);
    await call('instances.stop', { name: 'VSCode' });
  });

  it('refuses a shared-state file that is not UTF-8 text and leaves it as it was', async () => {
    const root = makeGitRepo({ 'lanes.yml': LANES_YML });
    const latin1 = Buffer.from('# État\n', 'latin1');
    writeFileSync(path.join(root, 'COMPRESSED_PROMPT_V3.md'), latin1);
    const { failure } = await openPlanning(root);
    expect(await failure('requests.decide', { text: 'Keep it' })).toMatchObject({ code: 'malformed-file', message: expect.stringMatching(/is not UTF-8 text/) });
    expect(readFileSync(path.join(root, 'COMPRESSED_PROMPT_V3.md')).equals(latin1)).toBe(true);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
