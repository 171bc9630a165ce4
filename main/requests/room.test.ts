import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RequestSummary } from '../contract/requests';
import type { RoomContext } from '../core/room';
import { ConfigService } from '../workspace/config-service';
import { git, makeGitRepo, makeTempDir, writeFiles } from '../../test/support/repo';
import { fileDate } from './compose';
import { fakeAgent } from '../instances/test-support';
import { createRequestsRoom } from './room';
import { FIELD_REPORT_REQUEST, LANES_YML, openRequests, waitFor } from './test-support';

const DIR = 'docs/cross-instance-prs';
const open = openRequests;

const byFile = (requests: RequestSummary[], file: string) => requests.find((request) => request.file === file);

describe('requests: the board', () => {
  it('reads the folder and done/, ignores other files, and matches instances from lanes.yml', async () => {
    const root = makeGitRepo({
      'lanes.yml': LANES_YML,
      [`${DIR}/20260413_allenai_naver_provider_ui.md`]: FIELD_REPORT_REQUEST,
      [`${DIR}/20260414_ci.md`]: '---\nstatus: blocked\npriority: high\n---\n# Fix CI (VSCode → PowerShell)\n',
      [`${DIR}/notes.txt`]: 'not a request',
      [`${DIR}/image.png`]: '\x89PNG\x00',
      [`${DIR}/done/20260412_groq_provider_ui.md`]: '# Groq UI (Windows#66 → VSCode)\n',
      [`${DIR}/sub/20260101_deep.md`]: '# Deeper folders are not requests\n',
    });
    const { call } = await open(root);
    const board = await call('requests.list');
    expect(board.folder).toBe(DIR);
    expect(board.exists).toBe(true);
    expect(board.instances).toEqual(['VSCode', 'Windows']);
    expect(board.requests.map((request: RequestSummary) => request.file).sort()).toEqual([
      '20260413_allenai_naver_provider_ui.md',
      '20260414_ci.md',
      'done/20260412_groq_provider_ui.md',
    ]);
    expect(byFile(board.requests, '20260413_allenai_naver_provider_ui.md')).toMatchObject({
      title: 'AI University: Allen AI UI Addition',
      from: 'Windows#67',
      fromInstance: 'Windows',
      toInstance: 'VSCode',
      status: 'open',
      path: `${DIR}/20260413_allenai_naver_provider_ui.md`,
    });
    expect(byFile(board.requests, '20260414_ci.md')).toMatchObject({ status: 'blocked', priority: 'high', to: 'PowerShell', toInstance: null });
    expect(byFile(board.requests, 'done/20260412_groq_provider_ui.md')?.status).toBe('done');
  });

  it('shows an empty board when the folder does not exist, and a folder outside the repository as a problem', async () => {
    const root = makeGitRepo({ 'lanes.yml': 'paths:\n  requests: ../elsewhere\n' });
    const { call } = await open(root);
    const board = await call('requests.list');
    expect(board.requests).toEqual([]);
    expect(board.problem).toMatch(/`\.\.` is not allowed/);
    writeFileSync(path.join(root, 'lanes.yml'), 'paths:\n  requests: requests\n');
    expect(await call('requests.list')).toMatchObject({ folder: 'requests', exists: false, problem: null });
  });

  it('reads the full text of a request and searches bodies', async () => {
    const root = makeGitRepo({ [`${DIR}/20260413_a.md`]: FIELD_REPORT_REQUEST, [`${DIR}/20260413_b.md`]: '# Other (A → B)\nnothing\n' });
    const { call } = await open(root);
    const detail = await call('requests.read', { file: '20260413_a.md' });
    expect(detail.text).toBe(FIELD_REPORT_REQUEST);
    expect(detail.truncated).toBe(false);
    expect((await call('requests.search', { query: 'COLOR(0xff1565' })).files).toEqual(['20260413_a.md']);
    expect((await call('requests.search', { query: '' })).files).toHaveLength(2);
  });
});

describe('requests: large files', () => {
  it('shows the start of a huge file, refuses to edit it, but still moves it', async () => {
    const huge = `# Huge (Windows → VSCode)\n${'| key | value |\n'.repeat(150_000)}`;
    const root = makeGitRepo({ [`${DIR}/20260413_huge.md`]: huge });
    const { call, failure } = await open(root);
    const detail = await call('requests.read', { file: '20260413_huge.md' });
    expect(detail.truncated).toBe(true);
    expect(detail.request.title).toBe('Huge');
    expect((await failure('requests.save', { file: '20260413_huge.md', text: 'x', version: detail.request.version })).message).toMatch(/too large/);
    await call('requests.move', { file: '20260413_huge.md', status: 'in-progress' });
    expect(readFileSync(path.join(root, DIR, '20260413_huge.md'), 'utf8')).toBe(`---\nstatus: in-progress\n---\n${huge}`);
  });
});

describe('requests: state changes on real files', () => {
  it('moves a tracked file with git mv and writes only the status line', async () => {
    const file = `${DIR}/20260413_allenai.md`;
    const root = makeGitRepo({ 'lanes.yml': LANES_YML, [file]: FIELD_REPORT_REQUEST });
    const { call } = await open(root);

    const started = await call('requests.move', { file: '20260413_allenai.md', status: 'in-progress' });
    expect(started.status).toBe('in-progress');
    expect(readFileSync(path.join(root, file), 'utf8')).toBe(`---\nstatus: in-progress\n---\n${FIELD_REPORT_REQUEST}`);

    const blocked = await call('requests.move', { file: '20260413_allenai.md', status: 'blocked', version: started.version });
    expect(readFileSync(path.join(root, file), 'utf8')).toBe(`---\nstatus: blocked\n---\n${FIELD_REPORT_REQUEST}`);

    const done = await call('requests.move', { file: '20260413_allenai.md', status: 'done', version: blocked.version });
    expect(done.file).toBe('done/20260413_allenai.md');
    expect(existsSync(path.join(root, file))).toBe(false);
    expect(git(root, 'status', '--porcelain')).toContain(`RM ${file} -> ${DIR}/done/20260413_allenai.md`);

    const reopened = await call('requests.move', { file: 'done/20260413_allenai.md', status: 'open', version: done.version });
    expect(reopened).toMatchObject({ file: '20260413_allenai.md', status: 'open' });
    expect(readFileSync(path.join(root, file), 'utf8')).toBe(FIELD_REPORT_REQUEST);
    expect(git(root, 'status', '--porcelain')).toBe('');
    const board = await call('requests.list');
    expect(board.requests.map((request: RequestSummary) => request.file)).toEqual(['20260413_allenai.md']);
  });

  it('moves an untracked file without git and keeps CRLF, the byte-order mark and other front matter', async () => {
    const root = makeGitRepo();
    const original = '\uFEFF---\r\nfrom: Windows\r\npriority: low # keep me\r\n---\r\n# 日本語のリクエスト (Windows版#67 → VSCode)\r\n本文\r\n';
    writeFiles(root, { [`${DIR}/20260413_jp.md`]: original });
    const { call } = await open(root);

    await call('requests.move', { file: '20260413_jp.md', status: 'in-progress' });
    const expected = '\uFEFF---\r\nfrom: Windows\r\npriority: low # keep me\r\nstatus: in-progress\r\n---\r\n# 日本語のリクエスト (Windows版#67 → VSCode)\r\n本文\r\n';
    expect(readFileSync(path.join(root, DIR, '20260413_jp.md'), 'utf8')).toBe(expected);

    const done = await call('requests.move', { file: '20260413_jp.md', status: 'done' });
    expect(done.file).toBe('done/20260413_jp.md');
    expect(readFileSync(path.join(root, DIR, 'done/20260413_jp.md'), 'utf8')).toBe(expected);
    expect(git(root, 'status', '--porcelain')).toBe(`?? docs/\n`);

    await call('requests.move', { file: 'done/20260413_jp.md', status: 'open' });
    expect(readFileSync(path.join(root, DIR, '20260413_jp.md'), 'utf8')).toBe(original);
  });

  it('never rewrites a file it cannot read, but may move it whole', async () => {
    const broken = '---\nstatus: [in-progress\n---\n# Broken (A → B)\n';
    const root = makeGitRepo({ [`${DIR}/20260413_broken.md`]: broken });
    const { call, failure } = await open(root);
    const card = byFile((await call('requests.list')).requests, '20260413_broken.md')!;
    expect(card.editable).toBe(false);
    expect(card.warnings[0]).toMatch(/not valid YAML/);

    expect((await failure('requests.move', { file: '20260413_broken.md', status: 'in-progress' })).code).toBe('malformed-file');
    expect((await failure('requests.save', { file: '20260413_broken.md', text: 'x', version: card.version })).code).toBe('malformed-file');
    expect(readFileSync(path.join(root, DIR, '20260413_broken.md'), 'utf8')).toBe(broken);

    await call('requests.move', { file: '20260413_broken.md', status: 'done' });
    await call('requests.move', { file: 'done/20260413_broken.md', status: 'open' });
    expect(readFileSync(path.join(root, DIR, '20260413_broken.md'), 'utf8')).toBe(broken);
  });

  it('refuses to move onto an existing file in done/', async () => {
    const root = makeGitRepo({ [`${DIR}/20260413_x.md`]: '# New (A → B)\n', [`${DIR}/done/20260413_x.md`]: '# Old (A → B)\n' });
    const { failure } = await open(root);
    const error = await failure('requests.move', { file: '20260413_x.md', status: 'done' });
    expect(error.code).toBe('already-exists');
    expect(readFileSync(path.join(root, DIR, 'done/20260413_x.md'), 'utf8')).toBe('# Old (A → B)\n');
    expect(readFileSync(path.join(root, DIR, '20260413_x.md'), 'utf8')).toBe('# New (A → B)\n');
  });
});

describe('requests: concurrent changes', () => {
  it('never overwrites a file edited on disk while the board holds it', async () => {
    const root = makeGitRepo({ [`${DIR}/20260413_a.md`]: '# Task (A → B)\nfirst\n' });
    const { call, failure } = await open(root);
    const detail = await call('requests.read', { file: '20260413_a.md' });
    const theirs = '# Task (A → B)\nedited by an agent\n';
    writeFileSync(path.join(root, DIR, '20260413_a.md'), theirs);

    const saved = await failure('requests.save', { file: '20260413_a.md', text: '# Task (A → B)\nmine\n', version: detail.request.version });
    expect(saved.code).toBe('conflict');
    expect(saved.message).toMatch(/changed on disk/);
    const moved = await failure('requests.move', { file: '20260413_a.md', status: 'in-progress', version: detail.request.version });
    expect(moved.code).toBe('conflict');
    const done = await failure('requests.move', { file: '20260413_a.md', status: 'done', version: detail.request.version });
    expect(done.code).toBe('conflict');
    expect(readFileSync(path.join(root, DIR, '20260413_a.md'), 'utf8')).toBe(theirs);

    const fresh = await call('requests.read', { file: '20260413_a.md' });
    await call('requests.save', { file: '20260413_a.md', text: '# Task (A → B)\r\nmine\r\n', version: fresh.request.version });
    expect(readFileSync(path.join(root, DIR, '20260413_a.md'), 'utf8')).toBe('# Task (A → B)\nmine\n');
  });

  it('keeps CRLF line ends and the byte-order mark when saving an edit', async () => {
    const root = makeGitRepo({ [`${DIR}/20260413_a.md`]: '\uFEFF# Task (A → B)\r\nfirst\r\n' });
    const { call } = await open(root);
    const detail = await call('requests.read', { file: '20260413_a.md' });
    expect(detail.text).toBe('# Task (A → B)\r\nfirst\r\n');
    await call('requests.save', { file: '20260413_a.md', text: '# Task (A → B)\nsecond\n', version: detail.request.version });
    expect(readFileSync(path.join(root, DIR, '20260413_a.md'), 'utf8')).toBe('\uFEFF# Task (A → B)\r\nsecond\r\n');
  });
});

describe('requests: names from the UI', () => {
  it('refuses paths that leave the requests folder or are not request files', async () => {
    const outside = makeTempDir();
    writeFileSync(path.join(outside, 'secret.md'), '# secret\n');
    const root = makeGitRepo({ [`${DIR}/20260413_a.md`]: '# A (A → B)\n', 'README.md': '# readme\n' });
    symlinkSync(path.join(outside, 'secret.md'), path.join(root, DIR, 'link.md'));
    const { failure } = await open(root);
    for (const file of ['../../README.md', '/etc/passwd', 'done/../../../README.md', 'link.md']) {
      expect((await failure('requests.read', { file })).code).toBe('outside-workspace');
    }
    for (const file of ['sub/x.md', 'notes.txt', 'done/done/x.md']) {
      expect((await failure('requests.read', { file })).code).toBe('invalid-argument');
    }
    expect((await failure('requests.read', { file: 'missing.md' })).code).toBe('not-found');
    expect((await failure('requests.move', { file: '../../README.md', status: 'done' })).code).toBe('outside-workspace');
    expect(readFileSync(path.join(root, 'README.md'), 'utf8')).toBe('# readme\n');
  });
});

describe('requests: new requests', () => {
  it('writes a well-formed file with today\'s date and a slug, never replacing one', async () => {
    const root = makeGitRepo({ 'lanes.yml': LANES_YML });
    const { call, failure } = await open(root);
    const input = { from: 'Windows#67', to: 'VSCode', title: 'Allen AI: UI addition', body: 'Add the provider.', table: [{ key: 'provider', value: '`allen_ai`' }] };
    const first = await call('requests.create', input);
    const stem = `${fileDate(new Date())}_allen_ai_ui_addition`;
    expect(first).toMatchObject({ file: `${stem}.md`, title: 'Allen AI: UI addition', toInstance: 'VSCode', status: 'open', warnings: [] });
    expect(readFileSync(path.join(root, DIR, `${stem}.md`), 'utf8')).toBe(
      '# Allen AI: UI addition (Windows#67 → VSCode)\n\n## What to do\n\nAdd the provider.\n\n| Key | Value |\n|-----|-------|\n| provider | `allen_ai` |\n',
    );
    const second = await call('requests.create', input);
    expect(second.file).toBe(`${stem}_2.md`);
    expect((await failure('requests.create', { ...input, to: 'A → B' })).code).toBe('invalid-argument');
    expect((await failure('requests.create', { ...input, title: ' ' })).code).toBe('invalid-argument');
  });
});

describe('requests: live watching', () => {
  it('shows files written, changed and deleted on disk, and a folder created later', async () => {
    const root = makeGitRepo({ 'lanes.yml': LANES_YML });
    const { call, changes } = await open(root);
    expect((await call('requests.list')).exists).toBe(false);
    const upserted = (file: string) => changes.flatMap((change) => (change.kind === 'delta' ? change.upserted : [])).filter((item) => item.file === file);

    writeFiles(root, { [`${DIR}/20260413_live.md`]: '# Live (Windows → VSCode)\n' });
    await waitFor(() => upserted('20260413_live.md').length > 0, 'the new card');
    expect((await call('requests.list')).exists).toBe(true);

    writeFileSync(path.join(root, DIR, '20260413_live.md'), '---\nstatus: blocked\n---\n# Live, edited (Windows → VSCode)\n');
    await waitFor(() => upserted('20260413_live.md').some((item) => item.status === 'blocked' && item.title === 'Live, edited'), 'the edited card');

    mkdirSync(path.join(root, DIR, 'done'));
    writeFileSync(path.join(root, DIR, 'done', '20260401_old.md'), '# Old (A → B)\n');
    await waitFor(() => upserted('done/20260401_old.md').length > 0, 'the done card');

    rmSync(path.join(root, DIR, '20260413_live.md'));
    await waitFor(() => changes.some((change) => change.kind === 'delta' && change.removed.includes('20260413_live.md')), 'the removal');
    expect((await call('requests.list')).requests.map((request: RequestSummary) => request.file)).toEqual(['done/20260401_old.md']);
  });

  it('re-reads and reports only the file that changed', async () => {
    const files: Record<string, string> = {};
    for (let index = 0; index < 50; index += 1) files[`${DIR}/202604${String(10 + (index % 18))}_r${index}.md`] = `# R${index} (A → B)\n`;
    const root = makeGitRepo(files);
    const { call, changes } = await open(root);
    expect((await call('requests.list')).requests).toHaveLength(50);
    const before = changes.length;
    writeFileSync(path.join(root, DIR, '20260410_r0.md'), '# R0, changed (A → B)\n');
    await waitFor(() => changes.length > before, 'the change');
    // A second change is the positive control: once it is reported, anything else the first
    // change set off has been reported before it.
    writeFileSync(path.join(root, DIR, '20260411_r1.md'), '# R1, changed (A → B)\n');
    const reported = () => changes.slice(before).flatMap((change) => (change.kind === 'delta' ? change.upserted.map((item) => item.file) : ['board']));
    await waitFor(() => reported().includes('20260411_r1.md'), 'the second change');
    expect(reported()).toEqual(['20260410_r0.md', '20260411_r1.md']);
  });

  it('stops watching when the workspace closes', async () => {
    const root = makeGitRepo();
    const { call, changes } = await open(root);
    writeFiles(root, { [`${DIR}/20260413_a.md`]: '# A (A → B)\n' });
    await waitFor(() => changes.some((change) => change.kind === 'delta'), 'the card');
    // The positive control: a second core on the same folder sees both files written below. By
    // the time it reports the second, a watch still alive would have reported the first.
    const control = await open(root);
    await call('workspace.close');
    expect(changes.at(-1)).toEqual({ kind: 'board', board: null });
    const count = changes.length;
    const seenByControl = (file: string) => control.changes.some((change) => change.kind === 'delta' && change.upserted.some((item) => item.file === file));
    writeFiles(root, { [`${DIR}/20260413_b.md`]: '# B (A → B)\n' });
    await waitFor(() => seenByControl('20260413_b.md'), 'the control to see b');
    writeFiles(root, { [`${DIR}/20260413_c.md`]: '# C (A → B)\n' });
    await waitFor(() => seenByControl('20260413_c.md'), 'the control to see c');
    expect(changes.length).toBe(count);
  });
});

describe('requests: one home', () => {
  it('reads the board from the main checkout when Lanes is opened in a linked worktree, and says where requests go', async () => {
    const root = makeGitRepo({ 'lanes.yml': LANES_YML, [`${DIR}/20260413_a.md`]: '# A (Windows → VSCode)\n' });
    const worktree = `${root}-linked`;
    git(root, 'worktree', 'add', '-q', '-b', 'linked', worktree);
    try {
      writeFiles(root, { [`${DIR}/20260414_new.md`]: '# New (VSCode → Windows)\n' });
      const { call } = await open(worktree);
      const board = await call('requests.list');
      expect(board.requests.map((request: RequestSummary) => request.file).sort()).toEqual(['20260413_a.md', '20260414_new.md']);
      expect(await call('requests.paths')).toEqual({ requests: path.join(root, DIR), done: path.join(root, DIR, 'done') });
    } finally {
      rmSync(worktree, { recursive: true, force: true });
    }
  });
});

describe('requests: hand-off to an agent', () => {
  it('explains what is missing before typing anything', async () => {
    const root = makeGitRepo({
      'lanes.yml': LANES_YML,
      [`${DIR}/20260413_a.md`]: '# A (Windows → VSCode)\n',
      [`${DIR}/20260413_stranger.md`]: '# B (Windows → Someone)\n',
      [`${DIR}/done/20260412_done.md`]: '# C (Windows → VSCode)\n',
    });
    const { failure } = await open(root);
    expect(await failure('requests.send', { file: '20260413_a.md' })).toMatchObject({ code: 'unavailable', message: expect.stringMatching(/"VSCode" is not running/) });
    expect(await failure('requests.send', { file: '20260413_stranger.md' })).toMatchObject({ code: 'invalid-argument', message: expect.stringMatching(/"Someone" is not an instance/) });
    expect((await failure('requests.send', { file: 'done/20260412_done.md' })).message).toMatch(/already done/);
  });

  it('does not type into a shell: it answers the instruction to paste, and why', async () => {
    const root = makeGitRepo({
      'lanes.yml': 'instances:\n  - name: Ops\n    agent: bash -l\n  - name: Bot\n    agent: node bot.js\n    takesInstructions: false\n',
      [`${DIR}/20260413_a.md`]: '# A (Bot → Ops)\n',
      [`${DIR}/20260413_b.md`]: '# B (Ops → Bot)\n',
    });
    const { call } = await open(root);
    const toShell = await call('requests.send', { file: '20260413_a.md' });
    expect(toShell).toEqual({
      instance: 'Ops',
      text: expect.stringContaining(path.join(root, DIR, '20260413_a.md')),
      typed: false,
      notTypedBecause: 'Ops runs `bash`, which would run this text as a command; paste it where it belongs.',
    });
    const toBot = await call('requests.send', { file: '20260413_b.md' });
    expect(toBot).toMatchObject({ typed: false, notTypedBecause: expect.stringContaining('marked `takesInstructions: false`') });
  });

  it('says the hand-off is unavailable when no instances service is registered', async () => {
    const root = makeGitRepo({ 'lanes.yml': LANES_YML, [`${DIR}/20260413_a.md`]: '# A (Windows → VSCode)\n' });
    const service = await ConfigService.open(root);
    const context = {
      services: {},
      userDataDir: makeTempDir('lanes-user-'),
      emit: () => undefined,
      requireWorkspace: () => ({ root, name: 'repo' }),
      currentWorkspace: () => ({ root, name: 'repo' }),
      workspaceConfig: () => service,
    } as unknown as RoomContext;
    const room = createRequestsRoom(context);
    await room.workspaceOpened!({ root, name: 'repo' });
    try {
      await expect(room.handlers['requests.send']!({ file: '20260413_a.md' })).rejects.toMatchObject({ code: 'unavailable' });
    } finally {
      await room.workspaceClosed!({ root, name: 'repo' });
      service.dispose();
    }
  });
});

describe('requests: hand-off to a running agent', () => {
  it('types one instruction line into the receiver\'s terminal', async () => {
    const root = makeGitRepo({
      'lanes.yml': `instances:\n  - name: VSCode\n    agent: ${JSON.stringify(fakeAgent('--repl'))}\n    takesInstructions: true\n    zones: [lib/]\n`,
      [`${DIR}/20260413_a.md`]: '# A (Windows → VSCode)\n',
    });
    // The instances room adds these itself; written beforehand so its two concurrent additions
    // to info/exclude cannot race (reported to the lead).
    writeFileSync(path.join(root, '.git/info/exclude'), '/.claude/settings.local.json\n/.lanes/context/\n');
    const { core, call } = await open(root);
    const output: string[] = [];
    core.onEvent((name, payload) => {
      if (name === 'instances.output') output.push((payload as { data: string }).data);
    });
    await call('instances.start', { name: 'VSCode' });
    await waitFor(() => output.join('').includes('> '), 'the agent prompt');
    const sent = await call('requests.send', { file: '20260413_a.md' });
    expect(sent).toMatchObject({ instance: 'VSCode', typed: true, notTypedBecause: null });
    expect(sent.text).toContain(path.join(root, DIR, '20260413_a.md'));
    expect(sent.text).toContain(path.join(root, DIR, 'done'));
    await waitFor(() => output.join('').includes(`echo: ${sent.text}`), 'the agent to receive the instruction', 10_000);
    await call('instances.stop', { name: 'VSCode' });
  });

  it('refuses a file name that would type a second message, and types a hostile but printable one as one message', async () => {
    const root = makeGitRepo({
      'lanes.yml': `instances:\n  - name: VSCode\n    agent: ${JSON.stringify(fakeAgent('--repl'))}\n    takesInstructions: true\n    zones: [lib/]\n`,
      [`${DIR}/.keep`]: '',
    });
    const smuggler = '20260103_a\x1b[201~\rINJECTED\rx.md';
    const printable = '20260103_!rm -rf ~ $(touch pwned); `id` ^C ^U.md';
    writeFiles(root, { [`${DIR}/${smuggler}`]: '# A (Windows → VSCode)\n', [`${DIR}/${printable}`]: '# B (Windows → VSCode)\n' });
    writeFileSync(path.join(root, '.git/info/exclude'), '/.claude/settings.local.json\n/.lanes/context/\n');
    const { core, call, failure } = await open(root);
    const output: string[] = [];
    core.onEvent((name, payload) => {
      if (name === 'instances.output') output.push((payload as { data: string }).data);
    });
    const echoed = () => output.join('').split(/\r?\n/).map((line) => line.replace(/^(> )+/, '')).filter((line) => line.startsWith('echo: '));
    await call('instances.start', { name: 'VSCode' });
    await waitFor(() => output.join('').includes('> '), 'the agent prompt');
    await waitFor(async () => (await call('requests.list')).requests.length === 2, 'both requests on the board');

    const refused = await failure('requests.send', { file: smuggler });
    expect(refused.code).toBe('invalid-argument');
    expect(refused.message).toContain('control character');
    const sent = await call('requests.send', { file: printable });
    expect(sent.text).toContain(path.join(root, DIR, printable));
    await call('instances.write', { name: 'VSCode', data: 'marker\r' });
    await waitFor(() => echoed().includes('echo: marker'), 'the marker typed after the hand-off', 10_000);
    expect(echoed()).toEqual([`echo: ${sent.text}`, 'echo: marker']);
    await call('instances.stop', { name: 'VSCode' });
  });
});
