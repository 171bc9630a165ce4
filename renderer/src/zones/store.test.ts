import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIELD_REPORT_CONFIG } from '../../../test/support/field-report';
import { bridgedCore, stateWhere } from '../test-support';

const SHARED_STATE = `## Instance Scope Table
| Instance | Owned Files |
|----------|-------------|
| VSCode | lib/, supabase/functions/ |
| Windows | docs/, supabase/migrations/ |
| PowerShell | .github/workflows/ |
`;

const FILES = {
  'lanes.yml': FIELD_REPORT_CONFIG,
  'COMPRESSED_PROMPT_V3.md': SHARED_STATE,
  'lib/main.dart': 'x',
  'docs/guide.md': 'x',
  'web/index.html': 'x',
  'README.md': 'x',
};

/** The zones store of a fresh page, loaded from a workspace holding the field report's split (and `files`). */
async function loadedZones(files: Record<string, string> = {}) {
  const { core, root } = await bridgedCore({ ...FILES, ...files });
  const { useZones } = await import('./store');
  await useZones.getState().load(root!);
  expect(useZones.getState().error).toBeNull();
  return { core, root: root!, useZones, zonesOf: (name: string) => useZones.getState().draft.find((instance) => instance.name === name)?.zones };
}

describe('the zones store: draft and saved', () => {
  it('an edit makes the draft dirty and leaves what was saved; Discard brings the saved zones back', async () => {
    const { useZones, zonesOf } = await loadedZones();
    expect(useZones.getState().dirty).toBe(false);

    useZones.getState().addZone('Windows', ' web/ ');
    expect(useZones.getState().dirty).toBe(true);
    expect(zonesOf('Windows')).toEqual(['docs/', 'supabase/migrations/', 'web/']);
    expect(useZones.getState().saved?.instances.find((instance) => instance.name === 'Windows')?.zones).toEqual(['docs/', 'supabase/migrations/']);

    useZones.getState().discard();
    expect(useZones.getState().dirty).toBe(false);
    expect(zonesOf('Windows')).toEqual(['docs/', 'supabase/migrations/']);
  });

  it('the draft is analyzed before saving: an overlap shows while the files still hold none', async () => {
    const { useZones } = await loadedZones();
    await stateWhere(useZones, (state) => state.analysis !== null, 'the first analysis');
    expect(useZones.getState().analysis?.overlapping).toBe(0);

    useZones.getState().addZone('Windows', 'lib/');
    const analyzed = await stateWhere(useZones, (state) => (state.analysis?.overlapping ?? 0) > 0, 'the overlap of lib/');
    expect(analyzed.analysis?.overlaps.map((group) => group.owners)).toEqual([['VSCode', 'Windows']]);
  });

  it('a save is in flight until main answers, then the draft is what was saved, in both files', async () => {
    const { useZones, zonesOf, root } = await loadedZones();
    useZones.getState().addZone('Windows', 'web/');

    const saving = useZones.getState().save();
    expect(useZones.getState().saving).toBe(true);
    await saving;

    const state = useZones.getState();
    expect(state.saving).toBe(false);
    expect(state.dirty).toBe(false);
    expect(state.error).toBeNull();
    expect(state.notice).toBe('Saved to lanes.yml and COMPRESSED_PROMPT_V3.md.');
    expect(state.saved?.instances.find((instance) => instance.name === 'Windows')?.zones).toEqual(['docs/', 'supabase/migrations/', 'web/']);
    expect(zonesOf('Windows')).toEqual(['docs/', 'supabase/migrations/', 'web/']);
    expect(readFileSync(path.join(root, 'lanes.yml'), 'utf8')).toContain('zones: [docs/, supabase/migrations/, web/]');
    expect(readFileSync(path.join(root, 'COMPRESSED_PROMPT_V3.md'), 'utf8')).toContain('| Windows | docs/, supabase/migrations/, web/ |');
  });

  it('an edit made while a save is in flight is kept, and the draft stays dirty', async () => {
    const { useZones, zonesOf, root } = await loadedZones();
    useZones.getState().addZone('Windows', 'web/');

    const saving = useZones.getState().save();
    useZones.getState().addZone('PowerShell', 'README.md');
    await saving;

    const state = useZones.getState();
    expect(state.saved?.instances.find((instance) => instance.name === 'Windows')?.zones).toEqual(['docs/', 'supabase/migrations/', 'web/']);
    expect(zonesOf('PowerShell')).toEqual(['.github/workflows/', 'README.md']);
    expect(zonesOf('Windows')).toEqual(['docs/', 'supabase/migrations/', 'web/']);
    expect(state.dirty).toBe(true);
    expect(readFileSync(path.join(root, 'lanes.yml'), 'utf8')).not.toContain('README.md');

    // The kept edit saves on the version the first save wrote.
    await useZones.getState().save();
    expect(useZones.getState().error).toBeNull();
    expect(readFileSync(path.join(root, 'lanes.yml'), 'utf8')).toContain('zones: [.github/workflows/, README.md]');
  });

  it('a refused save keeps the draft and says why', async () => {
    const { useZones, zonesOf, root } = await loadedZones();
    useZones.getState().addZone('Windows', 'web/');
    const byHand = `${FIELD_REPORT_CONFIG}# edited by hand\n`;
    writeFileSync(path.join(root, 'lanes.yml'), byHand);

    await useZones.getState().save();

    const state = useZones.getState();
    expect(state.saving).toBe(false);
    expect(state.error).toBe('lanes.yml changed on disk since the editor read it. Nothing was saved; reload to see the new version, then make your change again.');
    expect(state.dirty).toBe(true);
    expect(zonesOf('Windows')).toEqual(['docs/', 'supabase/migrations/', 'web/']);
    expect(readFileSync(path.join(root, 'lanes.yml'), 'utf8')).toBe(byHand);
  });
});

describe('the zones store: lanes.yml changed on disk', () => {
  const movedByHand = FIELD_REPORT_CONFIG.replace('zones: [docs/, supabase/migrations/]', 'zones: [docs/]');

  it('with no edits, the editor shows the new version', async () => {
    const { useZones, zonesOf, root } = await loadedZones();
    writeFileSync(path.join(root, 'lanes.yml'), movedByHand);

    await stateWhere(useZones, (state) => state.saved?.instances.find((instance) => instance.name === 'Windows')?.zones.length === 1, 'the new version of lanes.yml');
    expect(zonesOf('Windows')).toEqual(['docs/']);
    expect(useZones.getState().dirty).toBe(false);
  });

  it('with edits, the draft stays and a notice says so; Discard then shows the new version', async () => {
    const { useZones, zonesOf, root } = await loadedZones();
    useZones.getState().addZone('PowerShell', 'web/');
    writeFileSync(path.join(root, 'lanes.yml'), movedByHand);

    const noticed = await stateWhere(useZones, (state) => state.notice !== null, 'the notice of the change on disk');
    expect(noticed.notice).toContain('lanes.yml or the shared-state file changed on disk');
    expect(noticed.dirty).toBe(true);
    expect(zonesOf('PowerShell')).toEqual(['.github/workflows/', 'web/']);
    expect(zonesOf('Windows')).toEqual(['docs/', 'supabase/migrations/']);

    useZones.getState().discard();
    await stateWhere(useZones, (state) => !state.loading && state.saved?.instances.find((instance) => instance.name === 'Windows')?.zones.length === 1, 'the new version after Discard');
    expect(zonesOf('Windows')).toEqual(['docs/']);
    expect(zonesOf('PowerShell')).toEqual(['.github/workflows/']);
    expect(useZones.getState().dirty).toBe(false);

    // The version the editor now holds is the one on disk: a save goes through.
    useZones.getState().addZone('Windows', 'web/');
    await useZones.getState().save();
    expect(useZones.getState().error).toBeNull();
    expect(readFileSync(path.join(root, 'lanes.yml'), 'utf8')).toContain('zones: [docs/, web/]');
  });

  it('changing the enforcement mode while the draft is dirty is not taken for a change on disk, and the draft still saves', async () => {
    const { useZones, zonesOf, root } = await loadedZones();
    useZones.getState().addZone('Windows', 'web/');

    // Main announces the write while it answers, so the page has the announcement by the time it has the answer.
    await useZones.getState().setOnViolation('restore');

    const state = useZones.getState();
    expect(state.error).toBeNull();
    expect(state.notice).toBeNull();
    expect(state.saved?.onViolation).toBe('restore');
    expect(state.dirty).toBe(true);
    expect(zonesOf('Windows')).toEqual(['docs/', 'supabase/migrations/', 'web/']);

    await useZones.getState().save();
    expect(useZones.getState().error).toBeNull();
    const written = readFileSync(path.join(root, 'lanes.yml'), 'utf8');
    expect(written).toContain('zones: [docs/, supabase/migrations/, web/]');
    expect(written).toContain('restore');
  });
});

describe('the zones store: violations', () => {
  it('a write outside every zone arrives in the log and the counts; clearing one instance leaves the others', async () => {
    const { useZones, root } = await loadedZones();
    await stateWhere(useZones, (state) => state.enforcement?.watchers.every((watcher) => watcher.state === 'watching') ?? false, 'the watcher of the checkout');
    // The log loads on its own call, which may answer after the watcher says it is watching.
    await stateWhere(useZones, (state) => state.violationsLoaded, 'the violation log loaded');
    expect(useZones.getState()).toMatchObject({ violations: [], total: 0, violationsLoaded: true });

    writeFileSync(path.join(root, 'web', 'stray.html'), 'x');
    const logged = await stateWhere(useZones, (state) => state.total > 0, 'the write in the log');
    expect(logged.violations.map((violation) => violation.path)).toEqual(['web/stray.html']);
    expect(logged.counts).toEqual({ VSCode: 1, Windows: 1, PowerShell: 1 });

    await useZones.getState().clearViolations('Windows');
    expect(useZones.getState().counts).toEqual({ VSCode: 1, PowerShell: 1 });

    await useZones.getState().clearViolations();
    expect(useZones.getState()).toMatchObject({ violations: [], counts: {}, total: 0 });
  });
});

describe('the zones store: importing the scope table', () => {
  const HAND_WRITTEN = SHARED_STATE.replace('| Windows | docs/, supabase/migrations/ |', '| Windows | docs/, web/ |').replace(
    '| PowerShell | .github/workflows/ |',
    '| PowerShell | .github/workflows/ |\n| Linux | scripts/ |',
  );

  it('shows what it read first; applying it changes only the draft, adding the instances lanes.yml lacks as new', async () => {
    const { useZones, zonesOf } = await loadedZones({ 'COMPRESSED_PROMPT_V3.md': HAND_WRITTEN });

    await useZones.getState().previewImport();
    const preview = useZones.getState().importPreview!;
    expect(preview.found).toBe(true);
    expect(preview.rows.find((row) => row.instance === 'Linux')).toEqual({ instance: 'Linux', zones: ['scripts/'], known: false });
    expect(useZones.getState().dirty).toBe(false);

    useZones.getState().applyImport();
    const state = useZones.getState();
    expect(state.importPreview).toBeNull();
    expect(state.dirty).toBe(true);
    expect(state.notice).toBe('Imported the scope table from COMPRESSED_PROMPT_V3.md. Review it, then save.');
    expect(zonesOf('Windows')).toEqual(['docs/', 'web/']);
    expect(state.draft.find((instance) => instance.name === 'Linux')).toEqual({ name: 'Linux', role: 'custom', zones: ['scripts/'], isNew: true });
    expect(state.saved?.instances.map((instance) => instance.name)).toEqual(['VSCode', 'Windows', 'PowerShell']);
  });

  it('cancelling the preview changes nothing', async () => {
    const { useZones, zonesOf } = await loadedZones({ 'COMPRESSED_PROMPT_V3.md': HAND_WRITTEN });
    await useZones.getState().previewImport();
    useZones.getState().cancelImport();
    expect(useZones.getState().importPreview).toBeNull();
    expect(useZones.getState().dirty).toBe(false);
    expect(zonesOf('Windows')).toEqual(['docs/', 'supabase/migrations/']);
  });
});
