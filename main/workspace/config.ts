import path from 'node:path';
import { Document, isMap, isSeq, type Node as YamlNode } from 'yaml';
import { workspaceConfigSchema, type WorkspaceConfig } from '../contract/workspace';
import { ABSENT, hashContent, writeFileAtomic, type FileVersion } from '../shared/atomic-file';
import { CONFIG_FILE, decodeConfigText, readConfigBytes } from './config-file';
import { configValue, lowerFirst, malformedYaml, parseConfigYaml } from './config-yaml';

export { DEFAULT_PATHS, instanceConfigSchema, workspaceConfigSchema, type InstanceConfig, type WorkspaceConfig } from '../contract/workspace';
export { CONFIG_FILE, type ConfigProblem } from './config-file';

/** lanes.yml as read from disk: the parsed config, the YAML document that keeps comments, and the version read. */
export interface LoadedConfig {
  readonly exists: boolean;
  readonly config: WorkspaceConfig;
  readonly document: Document;
  readonly version: FileVersion;
}

/** How lanes.yml is written back: one line per value, as people write it. */
const TO_STRING = { lineWidth: 0, flowCollectionPadding: false } as const;

export function defaultConfig(): WorkspaceConfig {
  return workspaceConfigSchema.parse({});
}

/** What a workspace without lanes.yml uses: the defaults, and an empty document to add to. */
export function missingConfig(): LoadedConfig {
  return { exists: false, config: defaultConfig(), document: new Document({ version: 1 }), version: ABSENT };
}

/**
 * Reads and validates lanes.yml at the repository root once. A missing file gives the defaults.
 * A file Lanes will not read raises a `too-large` or `malformed-file` error whose message names
 * the line. An open workspace reads it through its ConfigService instead, which parses each
 * version once.
 */
export async function loadConfig(root: string): Promise<LoadedConfig> {
  const bytes = await readConfigBytes(root);
  if (bytes === null) return missingConfig();
  return configFromBytes(bytes);
}

/** lanes.yml's bytes, decoded strictly and parsed within the limits, as a loaded config. */
export function configFromBytes(bytes: Uint8Array): LoadedConfig {
  const { config, document } = parseConfig(decodeConfigText(bytes));
  return { exists: true, config, document, version: { hash: hashContent(bytes) } };
}

export function parseConfig(text: string): { config: WorkspaceConfig; document: Document } {
  const { document, lineCounter } = parseConfigYaml(text);
  const raw: unknown = configValue(document) ?? {};
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw malformedYaml({ message: 'the file must be a mapping of keys such as `instances:` and `paths:`', line: 1, column: 1 });
  }
  const result = workspaceConfigSchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const node = nodeAt(document, issue.path) ?? nodeAt(document, issue.path.slice(0, -1));
    const position = node?.range ? lineCounter.linePos(node.range[0]) : null;
    throw malformedYaml({
      message: `\`${issue.path.join('.') || 'file'}\` ${lowerFirst(issue.message)}`,
      line: position?.line ?? null,
      column: position?.col ?? null,
    });
  }
  return { config: result.data, document };
}

/**
 * Changes lanes.yml through its YAML document, so the user's comments, key order and
 * formatting survive, and writes it atomically, refusing when the file changed on disk since
 * `loaded` was read. The edited document is validated before anything is written, and an edit
 * that changes nothing writes nothing.
 */
export async function saveConfig(
  root: string,
  loaded: LoadedConfig,
  edit: (document: Document) => void,
): Promise<LoadedConfig> {
  const document = loaded.document.clone();
  edit(document);
  const text = document.toString(TO_STRING);
  if (loaded.exists && text === loaded.document.toString(TO_STRING)) return loaded;
  const saved = parseConfig(text);
  const version = await writeFileAtomic(path.join(root, CONFIG_FILE), text, { expected: loaded.version });
  return { exists: true, config: saved.config, document: saved.document, version };
}

function nodeAt(document: Document, issuePath: readonly PropertyKey[]): YamlNode | null {
  let node: unknown = document.contents;
  for (const key of issuePath) {
    if (isMap(node)) node = node.get(key as string, true);
    else if (isSeq(node)) node = node.get(Number(key), true);
    else return null;
  }
  return node && typeof node === 'object' && 'range' in node ? (node as YamlNode) : null;
}
