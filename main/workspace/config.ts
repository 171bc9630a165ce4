import path from 'node:path';
import { Document, isMap, isSeq, LineCounter, parseDocument, type Node as YamlNode } from 'yaml';
import { z } from 'zod';
import { readVersionedIfExists, writeFileAtomic, type FileVersion } from '../shared/atomic-file';
import { LanesError } from '../shared/errors';

export const CONFIG_FILE = 'lanes.yml';

/** The conventions from the field report; every one can be changed per workspace in lanes.yml. */
export const DEFAULT_PATHS = {
  sharedState: 'COMPRESSED_PROMPT_V3.md',
  requests: 'docs/cross-instance-prs',
  memory: 'memory',
} as const;

const repoPath = z
  .string()
  .min(1, 'must not be empty')
  .refine((value) => !value.includes('\0'), 'must not contain a NUL byte');

export const instanceConfigSchema = z.looseObject({
  name: z
    .string()
    .min(1, 'must not be empty')
    .max(64, 'must be at most 64 characters')
    .refine((value) => !/[\\/\0]/.test(value), 'must not contain slashes'),
  role: z.string().default('custom'),
  prompt: z.string().optional(),
  agent: z.string().min(1).default('claude'),
  /**
   * Whether the agent command reads typed instructions (hand-off, wrap-up) as prose. Known agent
   * CLIs (claude, codex, gemini, aider) do; a shell does not, and would run the text as a command.
   * Set it for any other agent program.
   */
  takesInstructions: z.boolean().optional(),
  branch: z.string().optional(),
  base: z.string().optional(),
  worktree: z.string().optional(),
  zones: z.array(z.string()).default([]),
});

export const workspaceConfigSchema = z
  .looseObject({
    version: z.literal(1).default(1),
    paths: z
      .looseObject({
        sharedState: repoPath.default(DEFAULT_PATHS.sharedState),
        requests: repoPath.default(DEFAULT_PATHS.requests),
        memory: repoPath.default(DEFAULT_PATHS.memory),
        worktrees: z.string().optional(),
      })
      .default({ ...DEFAULT_PATHS }),
    common: z.array(z.string()).optional(),
    /** A command run in every new worktree after it is made (`npm ci`). */
    setup: z.string().optional(),
    /** What the live watcher does with a write outside the writer's zone. */
    enforcement: z.looseObject({ onViolation: z.enum(['warn', 'restore']).optional() }).optional(),
    instances: z.array(instanceConfigSchema).default([]),
  })
  .superRefine((config, context) => {
    const seen = new Map<string, number>();
    config.instances.forEach((instance, index) => {
      const key = instance.name.toLowerCase();
      if (seen.has(key)) {
        context.addIssue({
          code: 'custom',
          path: ['instances', index, 'name'],
          message: `repeats the instance name "${instance.name}"; each instance needs its own name`,
        });
      }
      seen.set(key, index);
    });
  });

export type InstanceConfig = z.infer<typeof instanceConfigSchema>;
export type WorkspaceConfig = z.infer<typeof workspaceConfigSchema>;

export interface ConfigProblem {
  readonly message: string;
  readonly line: number | null;
  readonly column: number | null;
}

/** lanes.yml as read from disk: the parsed config, the YAML document that keeps comments, and the version read. */
export interface LoadedConfig {
  readonly exists: boolean;
  readonly config: WorkspaceConfig;
  readonly document: Document;
  readonly version: FileVersion;
}

export function defaultConfig(): WorkspaceConfig {
  return workspaceConfigSchema.parse({});
}

/**
 * Reads and validates lanes.yml at the repository root. A missing file gives the defaults.
 * A malformed file raises a `malformed-file` error whose message names the line.
 */
export async function loadConfig(root: string): Promise<LoadedConfig> {
  const filePath = path.join(root, CONFIG_FILE);
  const read = await readVersionedIfExists(filePath);
  if (read.text === null) {
    return { exists: false, config: defaultConfig(), document: new Document({ version: 1 }), version: read.version };
  }
  const { config, document } = parseConfig(read.text);
  return { exists: true, config, document, version: read.version };
}

export function parseConfig(text: string): { config: WorkspaceConfig; document: Document } {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const firstError = document.errors[0];
  if (firstError) {
    const position = lineCounter.linePos(firstError.pos[0]);
    throw malformed({ message: yamlMessage(firstError.message), line: position.line, column: position.col });
  }
  const raw: unknown = document.toJS() ?? {};
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw malformed({ message: 'the file must be a mapping of keys such as `instances:` and `paths:`', line: 1, column: 1 });
  }
  const result = workspaceConfigSchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const node = nodeAt(document, issue.path) ?? nodeAt(document, issue.path.slice(0, -1));
    const position = node?.range ? lineCounter.linePos(node.range[0]) : null;
    throw malformed({
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
 * `loaded` was read. The edited document is validated before anything is written.
 */
export async function saveConfig(
  root: string,
  loaded: LoadedConfig,
  edit: (document: Document) => void,
): Promise<LoadedConfig> {
  const document = loaded.document.clone();
  edit(document);
  const text = document.toString({ lineWidth: 0, flowCollectionPadding: false });
  const { config } = parseConfig(text);
  const version = await writeFileAtomic(path.join(root, CONFIG_FILE), text, { expected: loaded.version });
  return { exists: true, config, document: parseDocument(text), version };
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

function malformed(problem: ConfigProblem): LanesError {
  const where = problem.line === null ? '' : ` (line ${problem.line}${problem.column === null ? '' : `, column ${problem.column}`})`;
  return new LanesError('malformed-file', `lanes.yml is not valid${where}: ${problem.message}. Lanes left the file untouched; fix it and reload.`, {
    file: CONFIG_FILE,
    line: problem.line,
    column: problem.column,
  });
}

function yamlMessage(message: string): string {
  return lowerFirst(message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '').replace(/\.$/, ''));
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
