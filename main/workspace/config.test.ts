import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { isMap, isSeq, type YAMLMap, type YAMLSeq } from 'yaml';
import { describe, expect, it } from 'vitest';
import { makeTempDir } from '../../test/support/repo';
import { CONFIG_FILE, DEFAULT_PATHS, loadConfig, saveConfig } from './config';

const COMMENTED = `# Lanes workspace for the web app
version: 1

# Paths follow the field report
paths:
  sharedState: COMPRESSED_PROMPT_V3.md # snapshot every instance reads
  requests: docs/cross-instance-prs
  memory: memory

instances:
  # Frontend owns the Flutter app
  - name: VSCode
    role: frontend
    agent: claude
    zones:
      - lib/
      - supabase/functions/
  - name: Windows版
    role: backend
    agent: codex --full-auto
    zones: [docs/, supabase/migrations/]
    color: teal # a key Lanes does not know is kept
`;

function write(text: string): string {
  const root = makeTempDir();
  writeFileSync(path.join(root, CONFIG_FILE), text);
  return root;
}

describe('loadConfig', () => {
  it('gives the conventions of the field report when lanes.yml is missing', async () => {
    const loaded = await loadConfig(makeTempDir());
    expect(loaded.exists).toBe(false);
    expect(loaded.config.paths).toMatchObject(DEFAULT_PATHS);
    expect(loaded.config.instances).toEqual([]);
  });

  it('reads instances, paths and non-ASCII names, filling defaults', async () => {
    const loaded = await loadConfig(write(COMMENTED));
    expect(loaded.config.instances.map((instance) => instance.name)).toEqual(['VSCode', 'Windows版']);
    expect(loaded.config.instances[1]).toMatchObject({ agent: 'codex --full-auto', zones: ['docs/', 'supabase/migrations/'], color: 'teal' });
    const minimal = await loadConfig(write('instances:\n  - name: QA\n'));
    expect(minimal.config.instances[0]).toMatchObject({ role: 'custom', agent: 'claude', zones: [] });
    expect(minimal.config.paths.memory).toBe('memory');
  });

  it('accepts CRLF line ends and a byte-order mark', async () => {
    const loaded = await loadConfig(write(`\uFEFF${COMMENTED.replace(/\n/g, '\r\n')}`));
    expect(loaded.config.instances).toHaveLength(2);
  });

  it.each([
    ['a YAML syntax error', 'instances:\n  - name: A\n    zones: [lib/\n', /line [34]/],
    ['a wrong type', 'instances:\n  - name: A\n    zones: lib/\n', /\(line 3, column 12\): `instances.0.zones`/],
    ['a missing name', 'paths:\n  memory: mem\ninstances:\n  - role: qa\n', /\(line 4, column 5\): `instances.0.name`/],
    ['a repeated name', 'instances:\n  - name: A\n  - name: a\n', /\(line 3, column 11\): `instances.1.name` repeats the instance name "a"/],
    ['a name with a slash', 'instances:\n  - name: ../x\n', /`instances.0.name` must not contain slashes/],
    ['a duplicate key', 'paths:\n  memory: a\n  memory: b\n', /line 3/],
    ['a list at the top', '- a\n- b\n', /must be a mapping/],
  ])('names the line of %s', async (_what, text, message) => {
    const root = write(text);
    await expect(loadConfig(root)).rejects.toMatchObject({ code: 'malformed-file', message: expect.stringMatching(message) });
    expect(readFileSync(path.join(root, CONFIG_FILE), 'utf8')).toBe(text);
  });
});

describe('saveConfig', () => {
  it('keeps comments, key order and unknown keys when it changes one value', async () => {
    const root = write(COMMENTED);
    const loaded = await loadConfig(root);
    const saved = await saveConfig(root, loaded, (document) => {
      const zones = document.getIn(['instances', 0, 'zones']) as YAMLSeq;
      zones.add('lib/pages/');
    });
    const text = readFileSync(path.join(root, CONFIG_FILE), 'utf8');
    expect(text).toBe(COMMENTED.replace('      - supabase/functions/\n', '      - supabase/functions/\n      - lib/pages/\n'));
    expect(saved.config.instances[0]!.zones).toEqual(['lib/', 'supabase/functions/', 'lib/pages/']);
  });

  it('creates the file when it did not exist', async () => {
    const root = makeTempDir();
    const loaded = await loadConfig(root);
    await saveConfig(root, loaded, (document) => {
      document.set('instances', document.createNode([{ name: 'QA', role: 'qa', zones: ['tests/'] }]));
    });
    expect((await loadConfig(root)).config.instances[0]).toMatchObject({ name: 'QA', zones: ['tests/'] });
  });

  it('refuses when lanes.yml changed on disk since it was read, keeping the other change', async () => {
    const root = write(COMMENTED);
    const loaded = await loadConfig(root);
    const theirs = `${COMMENTED}# edited by hand\n`;
    writeFileSync(path.join(root, CONFIG_FILE), theirs);
    await expect(
      saveConfig(root, loaded, (document) => {
        (document.getIn(['instances', 0]) as YAMLMap).set('role', 'qa');
      }),
    ).rejects.toMatchObject({ code: 'conflict' });
    expect(readFileSync(path.join(root, CONFIG_FILE), 'utf8')).toBe(theirs);
  });

  it('refuses an edit that would make the file invalid, writing nothing', async () => {
    const root = write(COMMENTED);
    const loaded = await loadConfig(root);
    await expect(
      saveConfig(root, loaded, (document) => {
        const instances = document.get('instances');
        if (isSeq(instances) && isMap(instances.items[1])) instances.items[1].set('name', 'VSCode');
      }),
    ).rejects.toMatchObject({ code: 'malformed-file' });
    expect(readFileSync(path.join(root, CONFIG_FILE), 'utf8')).toBe(COMMENTED);
  });
});
