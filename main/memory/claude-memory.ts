import { promises as fs, realpathSync } from 'node:fs';
import path from 'node:path';
import type { ClaudeFolder } from '../contract/memory';
import type { InstanceConfig } from '../contract/workspace';
import { hashContent, writeFileAtomic } from '../shared/atomic-file';
import { LanesError, errnoCode } from '../shared/errors';
import { indexReferences } from './index-health';
import { INDEX_FILE, assertMemoryFileName, isMarkdownName, titleOf } from './kinds';
import type { MemoryFolder } from './memory-folder';
import { claudeMemoryFolder } from './sources';

/**
 * Claude Code's own memory folders for a workspace. Its docs say the folder is keyed by the git
 * repository, so every worktree shares the main checkout's; the reporter saw one folder
 * per worktree path. Lanes computes both for each instance and shows what exists.
 */

/** The checkout an instance runs in: its worktree (`worktree:` relative to the home), or the home. */
function checkoutOf(home: string, instance: InstanceConfig): string {
  const value = instance.worktree?.trim();
  if (!value) return home;
  const resolved = path.resolve(home, value);
  try {
    return realpathSync(resolved);
  } catch {
    return resolved;
  }
}

interface ClaudeEntry {
  readonly name: string;
  readonly bytes: Buffer;
  readonly title: string | null;
}

/** The markdown files directly in a folder, except MEMORY.md; links and sub-folders are left alone. */
async function entriesIn(folder: string): Promise<{ exists: boolean; hasIndex: boolean; entries: ClaudeEntry[] }> {
  let names: string[];
  try {
    names = await fs.readdir(folder);
  } catch (error) {
    if (['ENOENT', 'ENOTDIR'].includes(errnoCode(error) ?? '')) return { exists: false, hasIndex: false, entries: [] };
    throw error;
  }
  const entries: ClaudeEntry[] = [];
  let hasIndex = false;
  for (const name of names.sort()) {
    if (!isMarkdownName(name)) continue;
    const stat = await fs.lstat(path.join(folder, name)).catch(() => null);
    if (!stat?.isFile()) continue;
    if (name.toLowerCase() === INDEX_FILE.toLowerCase()) {
      hasIndex = true;
      continue;
    }
    const bytes = await fs.readFile(path.join(folder, name));
    entries.push({ name, bytes, title: titleOf(bytes.toString('utf8')) });
  }
  return { exists: true, hasIndex, entries };
}

async function describe(instance: string | null, folder: string, sharesRepositoryFolder: boolean): Promise<ClaudeFolder> {
  const { exists, hasIndex, entries } = await entriesIn(folder);
  return { instance, folder, exists, sharesRepositoryFolder, hasIndex, entries: entries.map(({ name, title, bytes }) => ({ name, title, size: bytes.byteLength })) };
}

/** The repository's folder, and each instance's (keyed by its checkout's path). */
export async function claudeFolders(home: string, instances: readonly InstanceConfig[], env: NodeJS.ProcessEnv = process.env): Promise<{ repository: ClaudeFolder; instances: ClaudeFolder[] }> {
  const repositoryFolder = claudeMemoryFolder(home, env);
  return {
    repository: await describe(null, repositoryFolder, true),
    instances: await Promise.all(
      instances.map((instance) => {
        const folder = claudeMemoryFolder(checkoutOf(home, instance), env);
        return describe(instance.name, folder, folder === repositoryFolder);
      }),
    ),
  };
}

/** The Claude Code memory folder of one instance, or the repository's for null. */
export function claudeFolderOf(home: string, instances: readonly InstanceConfig[], instance: string | null, env: NodeJS.ProcessEnv = process.env): string {
  if (instance === null) return claudeMemoryFolder(home, env);
  const found = instances.find((candidate) => candidate.name === instance);
  if (!found) throw new LanesError('not-found', `There is no instance named “${instance}” in lanes.yml.`);
  return claudeMemoryFolder(checkoutOf(home, found), env);
}

export interface MovedEntry {
  readonly from: string;
  readonly to: string;
}

/**
 * Moves every entry of a Claude Code memory folder into the home's memory folder: each is written
 * there under its own name (or `<name>_<who>.md` when the home has a different file of that name;
 * an identical one counts as moved already), MEMORY.md there gets a line for each, and then the
 * entries leave the Claude folder with their lines in its MEMORY.md. An entry changed while Lanes
 * moved it stays where it was.
 */
export async function moveClaudeEntries(source: string, home: MemoryFolder, who: string): Promise<MovedEntry[]> {
  const realSource = realOrNull(source);
  const realHome = realOrNull(home.folder);
  if (realSource !== null && realSource === realHome) {
    throw new LanesError('invalid-argument', `\`${source}\` is the home's memory folder itself (\`${home.folder}\`), so its entries are home already.`);
  }
  const { exists, entries } = await entriesIn(source);
  if (!exists) throw new LanesError('not-found', `Claude Code has no memory folder at \`${source}\`, so there is nothing to move.`);
  if (entries.length === 0) throw new LanesError('not-found', `\`${source}\` holds no memory entries (only MEMORY.md, or nothing), so there is nothing to move.`);
  for (const entry of entries) assertMemoryFileName(entry.name);

  await home.refresh();
  const taken = new Map([...home.versions()].map(([name, hash]) => [name.toLowerCase(), hash]));
  const plan: { entry: ClaudeEntry; to: string; write: boolean }[] = [];
  const suffix = who.replace(/[^\p{L}\p{N}]+/gu, '_').replace(/^_+|_+$/g, '') || 'claude';
  for (const entry of entries) {
    const hash = hashContent(entry.bytes);
    let to = entry.name;
    if (taken.has(to.toLowerCase()) && taken.get(to.toLowerCase()) !== hash) to = entry.name.replace(/\.md$/i, `_${suffix}.md`);
    const there = taken.get(to.toLowerCase());
    if (there !== undefined && there !== hash) {
      throw new LanesError(
        'conflict',
        `The home's memory folder already has different files named \`${entry.name}\` and \`${to}\`, so Lanes moved nothing from \`${source}\`. Rename one of them, then try again.`,
      );
    }
    taken.set(to.toLowerCase(), hash);
    plan.push({ entry, to, write: there === undefined });
  }
  await home.takeIn(plan.filter((step) => step.write).map((step) => ({ name: step.to, content: step.entry.bytes })));
  await home.indexUnlisted(plan.map((step) => step.to));

  const moved: MovedEntry[] = [];
  for (const { entry, to } of plan) {
    const target = path.join(source, entry.name);
    const now = await fs.readFile(target).catch(() => null);
    if (now === null || !now.equals(entry.bytes)) continue;
    await fs.unlink(target);
    moved.push({ from: entry.name, to });
  }
  await dropIndexLines(source, new Set(moved.map((entry) => entry.from.toLowerCase())));
  return moved;
}

/** Removes the lines of the folder's MEMORY.md that point to the moved entries, every other byte kept. */
async function dropIndexLines(folder: string, moved: ReadonlySet<string>): Promise<void> {
  if (moved.size === 0) return;
  const indexPath = path.join(folder, INDEX_FILE);
  const bytes = await fs.readFile(indexPath).catch(() => null);
  if (bytes === null) return;
  const raw = bytes.toString('utf8');
  const drop = new Set(indexReferences(raw).filter((reference) => moved.has(reference.target.toLowerCase())).map((reference) => reference.line));
  if (drop.size === 0) return;
  const lines = raw.match(/[^\n]*\n|[^\n]+$/g) ?? [];
  const kept = lines.filter((_line, index) => !drop.has(index + 1)).join('');
  await writeFileAtomic(indexPath, kept, { expected: { hash: hashContent(bytes) } });
}

function realOrNull(folder: string): string | null {
  try {
    return realpathSync(folder);
  } catch {
    return null;
  }
}
