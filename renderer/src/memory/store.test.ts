import { rmSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { MemoryChanged, MemoryFile, MemoryListing } from '../../../main/contract/memory';
import { bridgedCore, stateWhere } from '../test-support';

const HEALTH = { exists: true, lines: 1, limit: 200, overLimit: false, dangling: [], unlisted: [] };
const SOURCE = { id: 'repo' as const, label: 'Repository memory', path: 'memory', exists: true };
const entry = (name: string, modifiedAt: string, size = 10): MemoryFile => ({ name, kind: 'user', title: null, modifiedAt, size, lines: 1 });

describe('applying memory.changed to the listing', () => {
  const listing: MemoryListing = {
    source: SOURCE,
    files: [entry('user_c.md', '2026-01-03T00:00:00.000Z'), entry('user_b.md', '2026-01-02T00:00:00.000Z'), entry('user_a.md', '2026-01-01T00:00:00.000Z')],
    health: HEALTH,
  };

  it('replaces, adds and removes files by name, newest first, then by name', async () => {
    await bridgedCore();
    const { applyMemoryChange } = await import('./store');
    const unlisted = { ...HEALTH, unlisted: ['user_new.md'] };
    const change: MemoryChanged = {
      kind: 'delta',
      source: SOURCE,
      upserted: [entry('user_a.md', '2026-01-04T00:00:00.000Z', 99), entry('user_new.md', '2026-01-02T00:00:00.000Z')],
      removed: ['user_c.md', 'user_never_listed.md'],
      health: unlisted,
      changed: ['user_a.md', 'user_new.md', 'user_c.md', 'user_never_listed.md'],
    };
    const applied = applyMemoryChange(listing, change)!;
    expect(applied.files.map((file) => [file.name, file.size])).toEqual([
      ['user_a.md', 99],
      ['user_b.md', 10],
      ['user_new.md', 10],
    ]);
    expect(applied.health).toBe(unlisted);
    expect(listing.files.map((file) => file.name)).toEqual(['user_c.md', 'user_b.md', 'user_a.md']);
  });

  it('asks for the whole listing when it holds none, or the folder moved, appeared or went away', async () => {
    await bridgedCore();
    const { applyMemoryChange } = await import('./store');
    const delta = (source: MemoryListing['source']): MemoryChanged => ({ kind: 'delta', source, upserted: [], removed: [], health: HEALTH, changed: [] });
    expect(applyMemoryChange(null, delta(SOURCE))).toBeNull();
    expect(applyMemoryChange(listing, delta({ ...SOURCE, path: 'docs/memory' }))).toBeNull();
    expect(applyMemoryChange(listing, delta({ ...SOURCE, exists: false }))).toBeNull();
    expect(applyMemoryChange(listing, delta({ ...SOURCE, id: 'claude' }))).toBeNull();
    const whole = { ...listing, files: [] };
    expect(applyMemoryChange(listing, { kind: 'listing', listing: whole, changed: [] })).toBe(whole);
  });
});

describe('the memory store over a real folder', () => {
  it('keeps the listing as the core lists it while files are written and deleted on disk', async () => {
    const { core, root } = await bridgedCore({
      'memory/MEMORY.md': '# Memory\n- [a](user_a.md)\n',
      'memory/user_a.md': '# A\n',
      'memory/user_b.md': '# B\n',
    });
    const folder = path.join(root!, 'memory');
    const { useMemory } = await import('./store');
    await useMemory.getState().load('repo');
    const coreListing = async () => {
      const listed = await core.call('memory.list', { source: 'repo' });
      if (!listed.ok) throw new Error(listed.error.message);
      return listed.value as MemoryListing;
    };
    const names = (listing: MemoryListing | null) => listing?.files.map((file) => file.name).join(',');

    writeFileSync(path.join(folder, 'user_new.md'), '# New\n');
    utimesSync(path.join(folder, 'user_new.md'), new Date('2030-01-01T00:00:00Z'), new Date('2030-01-01T00:00:00Z'));
    utimesSync(path.join(folder, 'user_a.md'), new Date('2029-01-01T00:00:00Z'), new Date('2029-01-01T00:00:00Z'));
    const added = await stateWhere(
      useMemory,
      (state) => names(state.listing)?.startsWith('user_new.md,user_a.md') === true && state.listing!.files[1]!.modifiedAt.startsWith('2029'),
      'the new file listed first, then user_a.md with its new time',
    );
    const expected = await coreListing();
    expect(added.listing).toEqual(expected);
    expect(added.listing!.health.unlisted).toEqual(['user_b.md', 'user_new.md']);

    await useMemory.getState().open('repo', 'user_b.md');
    expect(useMemory.getState().document?.name).toBe('user_b.md');
    rmSync(path.join(folder, 'user_b.md'));
    const removed = await stateWhere(useMemory, (state) => !names(state.listing)?.includes('user_b.md'), 'user_b.md gone');
    expect(removed.listing).toEqual(await coreListing());
    await stateWhere(useMemory, (state) => state.document === null && state.error !== null, 'the open file reported deleted');
    expect(useMemory.getState().error).toContain('user_b.md');
  });
});
