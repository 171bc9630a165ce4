import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeTempDir } from '../../test/support/repo';
import { RECENT_LIMIT, RecentWorkspaces } from './recent';

describe('RecentWorkspaces', () => {
  it('keeps the newest first, without duplicates, up to the limit, in a private file', async () => {
    const dir = makeTempDir();
    const recent = new RecentWorkspaces(path.join(dir, 'nested', 'user-data'));
    for (let index = 0; index < RECENT_LIMIT + 3; index += 1) await recent.remember(`/repos/r${index}`);
    await recent.remember('/repos/r5');
    const list = await recent.list();
    expect(list).toHaveLength(RECENT_LIMIT);
    expect(list[0]!.path).toBe('/repos/r5');
    expect(list.filter((item) => item.path === '/repos/r5')).toHaveLength(1);
    expect(list.map((item) => item.path)).not.toContain('/repos/r0');
    const file = path.join(dir, 'nested', 'user-data', 'recent-workspaces.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(await recent.forget('/repos/r5')).toHaveLength(RECENT_LIMIT - 1);
  });

  it('sets a damaged list aside instead of failing or deleting it', async () => {
    const dir = makeTempDir();
    writeFileSync(path.join(dir, 'recent-workspaces.json'), '{ broken');
    const recent = new RecentWorkspaces(dir);
    expect(await recent.list()).toEqual([]);
    const aside = readdirSync(dir).find((name) => name.startsWith('recent-workspaces.json.damaged-'));
    expect(aside).toBeDefined();
    expect(readFileSync(path.join(dir, aside!), 'utf8')).toBe('{ broken');
  });
});
