import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeGitRepo } from '../../test/support/repo';
import { ConfigService } from '../workspace/config-service';
import { readZonesFiles, saveZones } from './zones-store';
import { FIELD_REPORT_CONFIG } from './test-support';

const SHARED = '# State\n\n## Instance Scope Table\n| Instance | Owned Files |\n|---|---|\n| VSCode | lib/ |\n';

describe('saveZones', () => {
  const open: ConfigService[] = [];
  afterEach(() => {
    for (const service of open.splice(0)) service.dispose();
  });

  async function workspace() {
    const root = makeGitRepo({ 'lanes.yml': FIELD_REPORT_CONFIG, 'COMPRESSED_PROMPT_V3.md': SHARED });
    const lanesYml = await ConfigService.open(root);
    open.push(lanesYml);
    const files = await readZonesFiles(root, lanesYml);
    const versions = { config: files.loaded.version.hash, sharedState: files.sharedStateHash };
    return { root, lanesYml, versions };
  }

  it.each([
    ['docs/', 'requests folder `docs/cross-instance-prs`'],
    ['memory/', 'memory folder `memory`'],
  ])('refuses a zone %s that takes a folder every instance writes, naming the folder and the instance, and writes nothing', async (zone, folder) => {
    const { root, lanesYml, versions } = await workspace();
    const before = ['lanes.yml', 'COMPRESSED_PROMPT_V3.md'].map((file) => readFileSync(path.join(root, file), 'utf8'));
    const saving = saveZones(root, lanesYml, { instances: [{ name: 'VSCode', zones: ['lib/', zone] }], versions });
    await expect(saving).rejects.toMatchObject({ code: 'invalid-argument', message: expect.stringContaining(`Nothing was saved. The ${folder}`) });
    await expect(saving).rejects.toThrow(`is inside the zone \`${zone}\` of "VSCode"`);
    expect(['lanes.yml', 'COMPRESSED_PROMPT_V3.md'].map((file) => readFileSync(path.join(root, file), 'utf8'))).toEqual(before);
  });

  it('saves a layout that already gives one of those folders to an instance, and refuses only a zone the save adds', async () => {
    const { root, lanesYml, versions } = await workspace();
    // The field report's own split: Windows' `docs/` holds the requests folder.
    await saveZones(root, lanesYml, { instances: [{ name: 'Windows', zones: ['docs/', 'supabase/migrations/', 'web/'] }], versions });
    expect(readFileSync(path.join(root, 'lanes.yml'), 'utf8')).toContain('zones: [docs/, supabase/migrations/, web/]');
    const files = await readZonesFiles(root, lanesYml);
    const next = { config: files.loaded.version.hash, sharedState: files.sharedStateHash };
    await expect(saveZones(root, lanesYml, { instances: [{ name: 'PowerShell', zones: ['.github/workflows/', 'memory'] }], versions: next })).rejects.toThrow(
      'The memory folder `memory` (`paths.memory` in lanes.yml) is inside the zone `memory` of "PowerShell"',
    );
  });

  it('saves a zone beside those folders', async () => {
    const { root, lanesYml, versions } = await workspace();
    await saveZones(root, lanesYml, { instances: [{ name: 'VSCode', zones: ['lib/', 'docs/guide/'] }], versions });
    expect(readFileSync(path.join(root, 'COMPRESSED_PROMPT_V3.md'), 'utf8')).toContain('| VSCode | lib/, docs/guide/ |');
  });
});
