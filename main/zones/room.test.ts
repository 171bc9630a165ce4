import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Lanes } from '../app/lanes';
import type { Envelope } from '../contract';
import type { Enforcement, Lease, Ownership, PathOwner, ScopeImport, ZonesState } from '../contract/zones';
import { makeGitRepo, makeTempDir } from '../../test/support/repo';
import { waitFor } from '../../test/support/wait';
import { FIELD_REPORT_CONFIG } from './test-support';

const SHARED_STATE = readFileSync(path.join(__dirname, 'fixtures', 'field-report-shared-state.md'), 'utf8');

let core: Lanes | null = null;
afterEach(async () => {
  await core?.dispose();
  core = null;
});

async function openCore(root: string): Promise<Lanes> {
  core = new Lanes({ userDataDir: makeTempDir(), platform: { mode: 'web' }, version: 'test' });
  const opened = await core.call('workspace.open', { path: root });
  expect(opened.ok).toBe(true);
  return core;
}

async function value<T>(promise: Promise<Envelope<unknown>>): Promise<T> {
  const result = await promise;
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.value as T;
}

const COMMENTED_CONFIG = `# Lanes workspace — keep this comment
instances:
  - name: VSCode   # the Flutter app
    role: frontend
    zones: [lib/, supabase/functions/]
  - name: Windows
    role: backend
    zones:
      - docs/
      - supabase/migrations/
  - name: PowerShell
    role: devops
    zones: [.github/workflows/]
`;

function fieldRepo(): string {
  return makeGitRepo({
    'lanes.yml': COMMENTED_CONFIG,
    'COMPRESSED_PROMPT_V3.md': SHARED_STATE,
    'lib/main.dart': 'x',
    'lib/pages/a.dart': 'x',
    'supabase/functions/hello/index.ts': 'x',
    'supabase/migrations/001.sql': 'x',
    'docs/guide.md': 'x',
    'docs/cross-instance-prs/20260413_x.md': 'x',
    '.github/workflows/ci.yml': 'x',
    'README.md': 'x',
    'web/index.html': 'x',
  });
}

describe('the zones room', () => {
  it('loads the zones, the scope table status and the file count', async () => {
    const lanes = await openCore(fieldRepo());
    const state = await value<ZonesState>(lanes.call('zones.load', {}));
    expect(state.instances.map((instance) => [instance.name, instance.zones])).toEqual([
      ['VSCode', ['lib/', 'supabase/functions/']],
      ['Windows', ['docs/', 'supabase/migrations/']],
      ['PowerShell', ['.github/workflows/']],
    ]);
    expect(state.sharedState).toEqual({ path: 'COMPRESSED_PROMPT_V3.md', exists: true, tableFound: true, problems: [] });
    expect(state.fileCount).toBe(11);
    expect(state.versions.config).toMatch(/^[0-9a-f]{64}$/);
    expect(state.common).toEqual(['docs/cross-instance-prs/', 'memory/', 'COMPRESSED_PROMPT_V3.md']);
  });

  it('answers who owns any path: relative or absolute, owned, overlapping, common, coordination, leased, and refuses one outside', async () => {
    const root = fieldRepo();
    const lanes = await openCore(root);
    const owner = (asked: string) => value<PathOwner>(lanes.call('zones.owner', { path: asked }));
    expect(await owner('lib/pages/a.dart')).toEqual({ path: 'lib/pages/a.dart', owners: ['VSCode'], common: false, coordination: null, lease: null });
    // Not tracked yet, and given absolute with a trailing slash: a folder to be.
    expect(await owner(path.join(root, 'supabase', 'migrations', 'new') + '/')).toMatchObject({ path: 'supabase/migrations/new', owners: ['Windows'] });
    expect(await owner('docs/cross-instance-prs/20260413_x.md')).toMatchObject({ owners: ['Windows'], common: true, coordination: 'the requests folder' });
    expect(await owner('./README.md')).toMatchObject({ path: 'README.md', owners: [], common: false, coordination: null });

    const lease = await value<Lease>(lanes.call('zones.grantLease', { instance: 'PowerShell', path: 'lib/pages', minutes: 30 }));
    expect(await owner('lib/pages/a.dart')).toMatchObject({ owners: ['VSCode'], lease: { id: lease.id, instance: 'PowerShell', path: 'lib/pages' } });

    for (const outside of ['../elsewhere/a.ts', '/etc/passwd']) {
      const refused = await lanes.call('zones.owner', { path: outside });
      expect(refused.ok ? null : refused.error).toMatchObject({ code: 'outside-workspace', message: expect.stringContaining('is not inside this repository') });
    }
  });

  it('analyzes draft zones: owners, overlaps, unowned, percentages and folder children', async () => {
    const lanes = await openCore(fieldRepo());
    const analysis = await value<Ownership>(
      lanes.call('zones.analyze', {
        instances: [
          { name: 'VSCode', zones: ['lib/', 'supabase/functions/', 'docs/'] },
          { name: 'Windows', zones: ['docs/', 'supabase/migrations/'] },
          { name: 'PowerShell', zones: ['.github/workflows/', '../bad'] },
        ],
        folders: ['', 'docs'],
      }),
    );
    expect(analysis.total).toBe(11);
    // docs/cross-instance-prs/ is common, but docs/ owners still own it: counted as an overlap.
    expect(analysis.overlapping).toBe(2);
    expect(analysis.overlaps).toEqual([{ path: 'docs/', files: 2, owners: ['VSCode', 'Windows'] }]);
    expect(analysis.unowned).toBe(3);
    expect(analysis.unownedPaths.map((group) => group.path)).toEqual(['web/', 'README.md', 'lanes.yml']);
    expect(analysis.common).toBe(1);
    expect(analysis.perInstance).toEqual([
      { name: 'VSCode', files: 5, percent: 45.5 },
      { name: 'Windows', files: 3, percent: 27.3 },
      { name: 'PowerShell', files: 1, percent: 9.1 },
    ]);
    expect(analysis.unownedPercent).toBe(27.3);
    expect(analysis.patternProblems).toEqual([{ instance: 'PowerShell', pattern: '../bad', problem: 'uses `..`; zones must stay inside the repository' }]);
    const root = analysis.folders['']!.children;
    expect(root.map((entry) => `${entry.kind}:${entry.name}`)).toEqual([
      'folder:.github',
      'folder:docs',
      'folder:lib',
      'folder:supabase',
      'folder:web',
      'file:COMPRESSED_PROMPT_V3.md',
      'file:README.md',
      'file:lanes.yml',
    ]);
    const supabase = root.find((entry) => entry.name === 'supabase')!;
    expect(supabase.owners).toEqual([
      { name: 'VSCode', files: 1 },
      { name: 'Windows', files: 1 },
    ]);
    expect(analysis.folders.docs!.children.map((entry) => entry.path)).toEqual(['docs/cross-instance-prs', 'docs/guide.md']);
  });

  it('imports the field report scope table as zones, saying which instances are new', async () => {
    const root = makeGitRepo({
      'lanes.yml': 'instances:\n  - name: VSCode\n    zones: []\n',
      'COMPRESSED_PROMPT_V3.md': SHARED_STATE,
    });
    const lanes = await openCore(root);
    const imported = await value<ScopeImport>(lanes.call('zones.importTable', {}));
    expect(imported).toEqual({
      path: 'COMPRESSED_PROMPT_V3.md',
      found: true,
      rows: [
        { instance: 'VSCode', zones: ['lib/', 'supabase/functions/'], known: true },
        { instance: 'Windows', zones: ['docs/', 'supabase/migrations/'], known: false },
        { instance: 'PowerShell', zones: ['.github/workflows/'], known: false },
      ],
      problems: [],
    });
    // Importing then saving what was understood leaves the shared state byte for byte.
    const state = await value<ZonesState>(lanes.call('zones.load', {}));
    await value(lanes.call('zones.save', { instances: imported.rows.map((row) => ({ name: row.instance, zones: row.zones })), versions: state.versions }));
    expect(readFileSync(path.join(root, 'COMPRESSED_PROMPT_V3.md'), 'utf8')).toBe(SHARED_STATE);
    expect(readFileSync(path.join(root, 'lanes.yml'), 'utf8')).toBe(`instances:
  - name: VSCode
    zones: [lib/, supabase/functions/]
  - name: Windows
    role: custom
    zones:
      - docs/
      - supabase/migrations/
  - name: PowerShell
    role: custom
    zones:
      - .github/workflows/
`);
  });

  it('keeps the scope table in step when lanes.yml loses an instance outside the zones screen', async () => {
    const root = fieldRepo();
    const lanes = await openCore(root);
    await value<ZonesState>(lanes.call('zones.load', {}));
    const before = readFileSync(path.join(root, 'COMPRESSED_PROMPT_V3.md'), 'utf8');
    expect(before).toMatch(/^\| PowerShell \|/m);
    writeFileSync(path.join(root, 'lanes.yml'), COMMENTED_CONFIG.replace(/  - name: PowerShell\n    role: devops\n    zones: \[\.github\/workflows\/\]\n/, ''));
    await waitFor(() => !/^\| PowerShell \|/m.test(readFileSync(path.join(root, 'COMPRESSED_PROMPT_V3.md'), 'utf8')), 'the PowerShell row to go');
    const after = readFileSync(path.join(root, 'COMPRESSED_PROMPT_V3.md'), 'utf8');
    expect(after.split('\n').filter((line) => !line.startsWith('| PowerShell |'))).toEqual(before.split('\n').filter((line) => !line.startsWith('| PowerShell |')));
  });

  it('saves lanes.yml (keeping comments and style) and the scope table in one step', async () => {
    const root = fieldRepo();
    const lanes = await openCore(root);
    const events: string[] = [];
    lanes.onEvent((name) => events.push(name));
    const state = await value<ZonesState>(lanes.call('zones.load', {}));
    const saved = await value<ZonesState>(
      lanes.call('zones.save', {
        instances: [
          { name: 'VSCode', zones: ['lib/', 'supabase/functions/', 'web/'] },
          { name: 'Windows', zones: ['docs/', 'supabase/migrations/'] },
          { name: 'PowerShell', zones: ['.github/workflows/'] },
        ],
        versions: state.versions,
      }),
    );
    // The comments stay; the yaml library normalizes the space before an inline comment.
    expect(readFileSync(path.join(root, 'lanes.yml'), 'utf8')).toBe(
      COMMENTED_CONFIG.replace('zones: [lib/, supabase/functions/]', 'zones: [lib/, supabase/functions/, web/]').replace('VSCode   #', 'VSCode #'),
    );
    expect(readFileSync(path.join(root, 'COMPRESSED_PROMPT_V3.md'), 'utf8')).toBe(
      SHARED_STATE.replace('| VSCode | lib/, supabase/functions/ |', '| VSCode | lib/, supabase/functions/, web/ |'),
    );
    expect(saved.instances[0]!.zones).toEqual(['lib/', 'supabase/functions/', 'web/']);
    expect(saved.versions.config).not.toBe(state.versions.config);
    expect(events).toContain('zones.changed');
  });

  it('refuses to save when either file changed on disk, and writes neither', async () => {
    const root = fieldRepo();
    const lanes = await openCore(root);
    const state = await value<ZonesState>(lanes.call('zones.load', {}));
    const edited = `${SHARED_STATE}\nA note written by an agent meanwhile.\n`;
    writeFileSync(path.join(root, 'COMPRESSED_PROMPT_V3.md'), edited);
    const result = await lanes.call('zones.save', { instances: [{ name: 'VSCode', zones: ['web/'] }], versions: state.versions });
    expect(result).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(!result.ok && result.error.message).toContain('`COMPRESSED_PROMPT_V3.md` changed on disk since the editor read it. Nothing was saved');
    expect(readFileSync(path.join(root, 'lanes.yml'), 'utf8')).toBe(COMMENTED_CONFIG);
    expect(readFileSync(path.join(root, 'COMPRESSED_PROMPT_V3.md'), 'utf8')).toBe(edited);

    const fresh = await value<ZonesState>(lanes.call('zones.load', {}));
    writeFileSync(path.join(root, 'lanes.yml'), `${COMMENTED_CONFIG}# edited by hand\n`);
    const again = await lanes.call('zones.save', { instances: [{ name: 'VSCode', zones: ['web/'] }], versions: fresh.versions });
    expect(!again.ok && again.error.message).toContain('lanes.yml changed on disk');
  });

  it('refuses bad patterns with a clear message and writes nothing', async () => {
    const root = fieldRepo();
    const lanes = await openCore(root);
    const state = await value<ZonesState>(lanes.call('zones.load', {}));
    const result = await lanes.call('zones.save', { instances: [{ name: 'VSCode', zones: ['../web/'] }], versions: state.versions });
    expect(!result.ok && result.error.message).toBe('Nothing was saved: `../web/` (VSCode) uses `..`; zones must stay inside the repository.');
    expect(readFileSync(path.join(root, 'lanes.yml'), 'utf8')).toBe(COMMENTED_CONFIG);
  });

  it('creates the scope table in a shared-state file that has none, and the file when missing', async () => {
    const root = makeGitRepo({ 'lanes.yml': FIELD_REPORT_CONFIG, 'lib/a': 'x' });
    const lanes = await openCore(root);
    const state = await value<ZonesState>(lanes.call('zones.load', {}));
    expect(state.sharedState).toMatchObject({ exists: false, tableFound: false });
    const imported = await value<ScopeImport>(lanes.call('zones.importTable', {}));
    expect(imported.problems).toEqual(['`COMPRESSED_PROMPT_V3.md` does not exist yet, so there is no table to import.']);
    await value(lanes.call('zones.save', { instances: state.instances.map(({ name, zones }) => ({ name, zones })), versions: state.versions }));
    expect(readFileSync(path.join(root, 'COMPRESSED_PROMPT_V3.md'), 'utf8')).toBe(
      '## Instance Scope Table\n| Instance | Owned Files |\n|----------|-------------|\n| VSCode | lib/, supabase/functions/ |\n| Windows | docs/, supabase/migrations/ |\n| PowerShell | .github/workflows/ |\n',
    );
  });

  it('keeps the last good zones in force while lanes.yml is broken on disk, says so, and takes the fixed file in', async () => {
    const root = fieldRepo();
    const lanes = await openCore(root);
    const notes: string[][] = [];
    lanes.onEvent((name, payload) => {
      if (name === 'zones.enforcementChanged') notes.push((payload as Enforcement).notes);
    });
    await value(lanes.call('zones.enforcement', {}));

    writeFileSync(path.join(root, 'lanes.yml'), `${COMMENTED_CONFIG}  - name: QA\n    zones: [test/\n`);
    await waitFor(() => notes.at(-1)?.some((note) => note.startsWith('lanes.yml could not be read, so the last saved zones stay in force')), 'the note about the broken file');
    expect((await value<Enforcement>(lanes.call('zones.enforcement', {}))).notes.join()).toMatch(/line 16/);

    writeFileSync(path.join(root, 'lanes.yml'), `${COMMENTED_CONFIG}  - name: QA\n    zones: [test/]\n`);
    await waitFor(() => notes.length > 1 && notes.at(-1)!.every((note) => !note.startsWith('lanes.yml could not be read')), 'the note to go');
    expect((await value<ZonesState>(lanes.call('zones.load', {}))).instances.map((instance) => instance.name)).toContain('QA');
  });

  it('reports a malformed lanes.yml instead of guessing', async () => {
    const root = makeGitRepo({ 'lanes.yml': 'instances: [\n' });
    const lanes = await openCore(root);
    const result = await lanes.call('zones.load', {});
    expect(result).toMatchObject({ ok: false, error: { code: 'malformed-file' } });
  });
});
