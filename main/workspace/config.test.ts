import { readFileSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { isMap, isSeq, type YAMLMap, type YAMLSeq } from 'yaml';
import { describe, expect, it } from 'vitest';
import { makeTempDir } from '../../test/support/repo';
import { CONFIG_FILE, DEFAULT_PATHS, loadConfig, saveConfig } from './config';
import { readConfigBytesSync } from './config-file';
import { configData } from './config-yaml';

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

describe('sync points and priorities', () => {
  it('reads scheduled instructions and an instance priority', async () => {
    const loaded = await loadConfig(
      write('instances:\n  - name: QA\n    priority: 19\nsync:\n  - at: "09:00"\n    text: Post your plan for today.\n  - every: 30\n    text: "  Write your progress into the shared state.  "\n'),
    );
    expect(loaded.config.instances[0]!.priority).toBe(19);
    expect(loaded.config.sync).toEqual([
      { at: '09:00', text: 'Post your plan for today.' },
      { every: 30, text: 'Write your progress into the shared state.' },
    ]);
    const plain = (await loadConfig(write('instances:\n  - name: QA\n'))).config;
    expect(plain).not.toHaveProperty('sync');
    expect(plain.instances[0]).not.toHaveProperty('priority');
  });

  it.each([
    ['a priority above 19', 'instances:\n  - name: QA\n    priority: 20\n', /\(line 3, column 15\): `instances.0.priority` must be from 0 \(as Lanes\) to 19 \(lowest\)/],
    ['a negative priority', 'instances:\n  - name: QA\n    priority: -5\n', /`instances.0.priority` must be from 0/],
    ['a fractional priority', 'instances:\n  - name: QA\n    priority: 2.5\n', /`instances.0.priority` must be a whole number from 0 to 19/],
    ['a time of day that is not one', 'sync:\n  - every: 5\n    text: ok\n  - at: "25:00"\n    text: Plan\n', /\(line 4, column 9\): `sync.1.at` must be a time of day as HH:MM/],
    ['both at and every', 'sync:\n  - at: "09:00"\n    every: 30\n    text: Plan\n', /\(line 2, column 5\): `sync.0` needs either `at: "HH:MM"` or `every: <minutes>`, not both/],
    ['neither at nor every', 'sync:\n  - text: Plan\n', /`sync.0` needs either/],
    ['no text', 'sync:\n  - every: 30\n', /\(line 2, column 5\): `sync.0.text`/],
    ['zero minutes', 'sync:\n  - every: 0\n    text: Plan\n', /`sync.0.every` must be at least 1 minute/],
    ['a text that is a command', 'sync:\n  - every: 10\n    text: "/clear"\n', /`sync.0.text` must not start with `!`, `\/` or `#`/],
    ['a text with a control character', 'sync:\n  - every: 10\n    text: "stop\\u0003"\n', /`sync.0.text` must be one line without control characters/],
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

describe('loadConfig with a hostile or damaged lanes.yml', () => {
  const billionLaughs = [
    'a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]',
    ...'bcdefghi'.split('').map((name, index) => {
      const previous = 'abcdefghi'[index]!;
      return `${name}: &${name} [${Array(9).fill(`*${previous}`).join(', ')}]`;
    }),
  ].join('\n');

  it('refuses a 20 MB file by its size, before reading it, as too-large', async () => {
    const root = makeTempDir();
    writeFileSync(path.join(root, CONFIG_FILE), 'instances: []\n');
    truncateSync(path.join(root, CONFIG_FILE), Math.round(20.3 * 1024 * 1024));
    await expect(loadConfig(root)).rejects.toMatchObject({
      code: 'too-large',
      message: expect.stringMatching(/^lanes\.yml is 20\.3 MB; Lanes reads at most 1 MB\b.*left the file untouched/),
    });
  });

  it.each([
    ['aliases that expand without end (billion laughs)', billionLaughs, /aliases/],
    ['more aliases than a config needs', `a: &a x\nb: [${Array(150).fill('*a').join(', ')}]\n`, /more than 100 aliases/],
    ['hundreds of thousands of values', `zones: [${Array(300_000).fill('1').join(',')}]\n`, /more than 20,000 values/],
    ['brackets nested thousands deep', `zones: ${'['.repeat(5000)}${']'.repeat(5000)}\n`, /nests more than 64 levels deep \(line 1, column 72\)/],
  ])('refuses %s as too-large, with a message that says why', async (_what, text, message) => {
    const root = write(text);
    await expect(loadConfig(root)).rejects.toMatchObject({ code: 'too-large', message: expect.stringMatching(message) });
    expect(readFileSync(path.join(root, CONFIG_FILE), 'utf8')).toBe(text);
  });

  it('refuses a file valid apart from one non-UTF-8 byte, naming where the byte is', async () => {
    const root = makeTempDir();
    const bytes = Buffer.concat([Buffer.from('instances:\n  - name: Windows版\n    role: caf'), Buffer.from([0xe9]), Buffer.from('\n')]);
    writeFileSync(path.join(root, CONFIG_FILE), bytes);
    await expect(loadConfig(root)).rejects.toMatchObject({
      code: 'malformed-file',
      message: expect.stringMatching(/^lanes\.yml is not valid UTF-8 text \(line 3, column 14\).*left the file untouched/),
      details: { line: 3, column: 14 },
    });
    expect(readFileSync(path.join(root, CONFIG_FILE)).equals(bytes)).toBe(true);
  });

  it('gives the guard the same data and the same refusals, read without zod', async () => {
    const good = write(COMMENTED);
    expect(configData(readConfigBytesSync(good)!)).toMatchObject({ instances: [{ name: 'VSCode' }, { name: 'Windows版', color: 'teal' }] });
    expect(readConfigBytesSync(makeTempDir())).toBeNull();
    expect(() => configData(readConfigBytesSync(write(billionLaughs))!)).toThrow(expect.objectContaining({ code: 'too-large' }));
    expect(() => configData(Buffer.from([0x61, 0x3a, 0x20, 0xff]))).toThrow(expect.objectContaining({ code: 'malformed-file', message: expect.stringContaining('(line 1, column 4)') }));
    const huge = makeTempDir();
    writeFileSync(path.join(huge, CONFIG_FILE), 'x');
    truncateSync(path.join(huge, CONFIG_FILE), 2 * 1024 * 1024);
    expect(() => readConfigBytesSync(huge)).toThrow(expect.objectContaining({ code: 'too-large', message: expect.stringContaining('lanes.yml is 2 MB') }));
  });

  it('still reads a file that holds U+FFFD written as proper UTF-8', async () => {
    const loaded = await loadConfig(write('instances:\n  - name: "A\uFFFD"\n'));
    expect(loaded.config.instances[0]!.name).toBe('A\uFFFD');
  });
});
