import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { CaseRule } from '../shared/path-guard';
import { CONFIG_FILE_NAME } from '../workspace/home';
import { normalizeRepoPath } from './matcher';
import { defaultCommonZones } from './zone-set';

/**
 * The part of lanes.yml that enforcement needs, read without zod or the rest of the core so
 * the command-line checks (`lanes guard` on every edit, the pre-commit hook) start fast.
 * Parsing YAML costs ~70 ms of module loading, so the parsed result is cached next to the
 * repository's git data, keyed by the file's hash: an unchanged lanes.yml is never parsed twice.
 */
export interface ZonesConfig {
  readonly instances: readonly ZonesInstance[];
  readonly common: readonly string[];
  readonly paths: { readonly sharedState: string; readonly requests: string; readonly memory: string };
  /** What the live watcher does with a write outside the writer's zone. */
  readonly onViolation: 'warn' | 'restore';
}

export interface ZonesInstance {
  readonly name: string;
  readonly zones: readonly string[];
  readonly worktree?: string;
  readonly branch?: string;
}

export class ZonesConfigError extends Error {}

const CACHE_FORMAT = 1;

/** Reads lanes.yml at the workspace root; throws a `ZonesConfigError` a person can act on. */
export async function readZonesConfig(root: string): Promise<ZonesConfig> {
  const file = path.join(root, CONFIG_FILE_NAME);
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch {
    throw new ZonesConfigError(`there is no lanes.yml in \`${root}\`, so Lanes cannot tell which files this instance owns`);
  }
  const hash = createHash('sha256').update(bytes).digest('hex');
  const cacheFile = cachePath(root);
  if (cacheFile) {
    try {
      const cached = JSON.parse(readFileSync(cacheFile, 'utf8')) as { format: number; hash: string; config: ZonesConfig };
      if (cached.format === CACHE_FORMAT && cached.hash === hash) return cached.config;
    } catch {
      // No cache yet, or a damaged one: parse the file below.
    }
  }
  // require() in the CommonJS bundle (Electron's Node mode reads it from the app archive);
  // import() where this runs as an ES module (tests).
  const { parse } = typeof require === 'function' ? (require('yaml') as typeof import('yaml')) : await import('yaml');
  let raw: unknown;
  try {
    raw = parse(bytes.toString('utf8'));
  } catch (error) {
    throw new ZonesConfigError(`lanes.yml is not valid YAML (${firstLine(error)})`);
  }
  const config = zonesConfigFrom(raw);
  if (cacheFile) {
    try {
      mkdirSync(path.dirname(cacheFile), { recursive: true });
      const temp = `${cacheFile}.${process.pid}.tmp`;
      writeFileSync(temp, JSON.stringify({ format: CACHE_FORMAT, hash, config }));
      renameSync(temp, cacheFile);
    } catch {
      // The cache only saves time; enforcement does not depend on it.
    }
  }
  return config;
}

/** Checks the shape enforcement relies on; anything else in lanes.yml is the core's business. */
export function zonesConfigFrom(raw: unknown): ZonesConfig {
  const document = raw ?? {};
  if (!isRecord(document)) throw new ZonesConfigError('lanes.yml must be a mapping with `instances:`');
  const paths = isRecord(document.paths) ? document.paths : {};
  const resolvedPaths = {
    sharedState: stringOr(paths.sharedState, 'COMPRESSED_PROMPT_V3.md'),
    requests: stringOr(paths.requests, 'docs/cross-instance-prs'),
    memory: stringOr(paths.memory, 'memory'),
  };
  const instancesRaw = document.instances ?? [];
  if (!Array.isArray(instancesRaw)) throw new ZonesConfigError('`instances` in lanes.yml must be a list');
  const instances = instancesRaw.map((entry, index): ZonesInstance => {
    if (!isRecord(entry) || typeof entry.name !== 'string' || entry.name === '') {
      throw new ZonesConfigError(`instance ${index + 1} in lanes.yml has no \`name\``);
    }
    const zones = entry.zones ?? [];
    if (!Array.isArray(zones) || !zones.every((zone) => typeof zone === 'string')) {
      throw new ZonesConfigError(`\`zones\` of instance "${entry.name}" in lanes.yml must be a list of paths`);
    }
    return {
      name: entry.name,
      zones,
      ...(typeof entry.worktree === 'string' ? { worktree: entry.worktree } : {}),
      ...(typeof entry.branch === 'string' ? { branch: entry.branch } : {}),
    };
  });
  const common = document.common;
  if (common !== undefined && (!Array.isArray(common) || !common.every((zone) => typeof zone === 'string'))) {
    throw new ZonesConfigError('`common` in lanes.yml must be a list of paths');
  }
  const enforcement = isRecord(document.enforcement) ? document.enforcement : {};
  return {
    instances,
    common: (common as string[] | undefined) ?? defaultCommonZones(resolvedPaths),
    paths: resolvedPaths,
    onViolation: enforcement.onViolation === 'restore' ? 'restore' : 'warn',
  };
}

/** The absolute folder an instance works in: its worktree, or the main checkout when it has none. */
export function instanceCheckout(root: string, instance: ZonesInstance): string {
  return instance.worktree ? path.resolve(root, instance.worktree) : root;
}

/** Where the parsed config is cached: inside the main checkout's `.git` folder, never tracked. */
function cachePath(root: string): string | null {
  try {
    return statSync(path.join(root, '.git')).isDirectory() ? path.join(root, '.git', 'lanes', 'zones-cache.json') : null;
  } catch {
    return null;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringOr(value: unknown, fallback: string): string {
  return typeof value === 'string' && value !== '' ? value : fallback;
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]!.replace(/\.$/, '');
}

/** What a path in a worktree is a copy of, when it is one of the coordination files that live in the home. */
export function ownCopyOfCoordinationFile(repoPath: string, config: ZonesConfig, rule: CaseRule): 'the requests folder' | 'the memory folder' | 'the shared-state file' | 'config' | null {
  const fold = (value: string) => (rule.ignoreCase ? value.toLowerCase() : value);
  const written = fold(repoPath);
  const under = (folder: string) => {
    const prefix = fold(normalizeRepoPath(folder).replace(/\/+$/, ''));
    return written === prefix || written.startsWith(`${prefix}/`);
  };
  if (under(config.paths.requests)) return 'the requests folder';
  if (under(config.paths.memory)) return 'the memory folder';
  if (written === fold(normalizeRepoPath(config.paths.sharedState))) return 'the shared-state file';
  if (written === fold(CONFIG_FILE_NAME)) return 'config';
  return null;
}
