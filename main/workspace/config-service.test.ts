import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { isSeq, type YAMLMap } from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../test/support/repo';
import { waitFor } from '../../test/support/wait';
import { CONFIG_FILE } from './config';
import { ConfigService, configChange, type ConfigState } from './config-service';

const LANES_YML = `# the team
instances:
  - name: Front # the web app
    zones: [web/]
`;

const opened: ConfigService[] = [];
afterEach(() => {
  for (const service of opened.splice(0)) service.dispose();
});

async function open(text: string | Buffer | null = LANES_YML): Promise<{ root: string; service: ConfigService; changes: ConfigState[] }> {
  const root = makeTempDir();
  if (text !== null) writeFileSync(path.join(root, CONFIG_FILE), text);
  const service = await ConfigService.open(root);
  opened.push(service);
  const changes: ConfigState[] = [];
  service.onDidChange((state) => changes.push(state));
  return { root, service, changes };
}

function names(state: ConfigState | undefined): string[] | undefined {
  return state?.loaded?.config.instances.map((instance) => instance.name);
}

/** Writes lanes.yml as another program would: a new file renamed over the old one. */
function writeOutside(root: string, text: string): void {
  const temp = path.join(root, 'lanes.yml.editor-tmp');
  writeFileSync(temp, text);
  renameSync(temp, path.join(root, CONFIG_FILE));
}

describe('ConfigService', () => {
  it('parses each version of lanes.yml once, however many readers ask', async () => {
    const { root, service, changes } = await open();
    const reads = await Promise.all(Array.from({ length: 10 }, () => service.read()));
    expect(new Set(reads).size).toBe(1);
    expect(reads[0]!.config.instances[0]!.name).toBe('Front');
    expect(service.stats.parses).toBe(1);

    writeOutside(root, `${LANES_YML}  - name: Back\n`);
    await waitFor(() => changes.length === 1, 'the change made outside Lanes');
    expect(names(changes[0])).toEqual(['Front', 'Back']);
    await Promise.all(Array.from({ length: 10 }, () => service.read()));
    expect(service.stats.parses).toBe(2);
  });

  it('sees a change made outside Lanes at the next read, before the watcher reports it', async () => {
    const { root, service } = await open();
    writeFileSync(path.join(root, CONFIG_FILE), `${LANES_YML}  - name: Back\n`);
    expect((await service.read()).config.instances.map((instance) => instance.name)).toEqual(['Front', 'Back']);
  });

  it('announces its own write once; the watcher sees the write but neither parses nor announces it again', async () => {
    const { root, service, changes } = await open();
    await service.edit((document) => (document.getIn(['instances', 0]) as YAMLMap).set('role', 'frontend'));
    expect(changes).toHaveLength(1);
    expect(changes[0]!.loaded!.config.instances[0]!.role).toBe('frontend');
    await waitFor(() => service.stats.watchChecks >= 1, 'the watcher to look at the write');
    expect(changes).toHaveLength(1);
    expect(service.stats.parses).toBe(1);

    // The same watcher still reports a change made by someone else.
    writeOutside(root, LANES_YML.replace('Front', 'Web'));
    await waitFor(() => changes.length === 2, 'the change made outside Lanes');
    expect(names(changes[1])).toEqual(['Web']);
  });

  it('queues edits made at once, so none is lost', async () => {
    const { root, service } = await open();
    await Promise.all(
      Array.from({ length: 12 }, (_, index) =>
        service.edit((document) => {
          const instances = document.get('instances', true);
          if (isSeq(instances)) instances.add(document.createNode({ name: `Agent${index}`, zones: [`pkg${index}/`] }));
        }),
      ),
    );
    const text = readFileSync(path.join(root, CONFIG_FILE), 'utf8');
    for (let index = 0; index < 12; index += 1) expect(text).toContain(`name: Agent${index}`);
    expect(text).toContain('# the web app');
    expect((await service.read()).config.instances).toHaveLength(13);
  });

  it('refuses to write when lanes.yml changed on disk after the edit read it, keeping that change', async () => {
    const { root, service } = await open();
    const theirs = `${LANES_YML}# edited by hand meanwhile\n`;
    await expect(
      service.edit((document) => {
        writeFileSync(path.join(root, CONFIG_FILE), theirs);
        (document.getIn(['instances', 0]) as YAMLMap).set('role', 'frontend');
      }),
    ).rejects.toMatchObject({ code: 'conflict' });
    expect(readFileSync(path.join(root, CONFIG_FILE), 'utf8')).toBe(theirs);
  });

  it('refuses an edit made on a version the user no longer sees', async () => {
    const { root, service } = await open();
    const shown = (await service.read()).version.hash;
    writeOutside(root, `${LANES_YML}  - name: Back\n`);
    await expect(service.edit((document) => document.set('setup', 'npm ci'), { expected: shown })).rejects.toMatchObject({ code: 'conflict' });
    expect(readFileSync(path.join(root, CONFIG_FILE), 'utf8')).not.toContain('setup');
  });

  it('writes nothing for an edit that changes nothing, and nothing when the edit refuses', async () => {
    const { root, service, changes } = await open();
    const before = (await service.read()).version;
    await service.edit(() => undefined);
    await expect(
      service.edit(() => {
        throw new Error('not this one');
      }),
    ).rejects.toThrow('not this one');
    expect(readFileSync(path.join(root, CONFIG_FILE), 'utf8')).toBe(LANES_YML);
    expect((await service.read()).version).toEqual(before);
    expect(changes).toHaveLength(0);
  });

  it('never writes over a lanes.yml it cannot read, and says why', async () => {
    const bytes = Buffer.concat([Buffer.from(LANES_YML), Buffer.from('  - name: caf'), Buffer.from([0xe9]), Buffer.from('\n')]);
    const { root, service } = await open(bytes);
    const state = await service.state();
    expect(configChange(root, state)).toMatchObject({ status: 'invalid', config: null, problem: { code: 'malformed-file', line: 5, column: 14 } });
    await expect(service.edit((document) => document.set('setup', 'npm ci'))).rejects.toMatchObject({ code: 'malformed-file' });
    expect(readFileSync(path.join(root, CONFIG_FILE)).equals(bytes)).toBe(true);
  });

  it('creates lanes.yml with the first edit when there is none', async () => {
    const { root, service, changes } = await open(null);
    expect((await service.state()).status).toBe('missing');
    await service.edit((document) => document.set('instances', document.createNode([{ name: 'QA' }])));
    expect(readFileSync(path.join(root, CONFIG_FILE), 'utf8')).toContain('name: QA');
    expect(changes.map((state) => state.status)).toEqual(['ok']);
  });

  it('stops watching when disposed', async () => {
    const { root, service, changes } = await open();
    const control = await ConfigService.open(root);
    opened.push(control);
    const controlChanges: ConfigState[] = [];
    control.onDidChange((state) => controlChanges.push(state));

    service.dispose();
    writeOutside(root, `${LANES_YML}  - name: Back\n`);
    await waitFor(() => controlChanges.length === 1 && control.stats.watchChecks >= 1, 'the control service to see the change');
    expect(changes).toHaveLength(0);
    expect(service.stats.watchChecks).toBe(0);
  });
});
