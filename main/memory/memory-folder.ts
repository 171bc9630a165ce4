import fsSync, { promises as fs } from 'node:fs';
import path from 'node:path';
import type { IndexHealth, MemoryDocument, MemoryFile, MemoryKind, MemorySourceId, SearchResult } from '../contract/memory';
import { ABSENT, hashContent, writeFileAtomic, type FileVersion } from '../shared/atomic-file';
import { LanesError, errnoCode, isLanesError } from '../shared/errors';
import { readFileIfChanged } from '../shared/folder-engine';
import { isInside, resolveInside } from '../shared/path-guard';
import { appendIndexEntries, checkIndexHealth, indexReferences, renameInIndex, withoutLine } from './index-health';
import { INDEX_FILE, assertMemoryFileName, fileNameFor, isMarkdownName, kindOf, titleOf } from './kinds';
import { SearchIndex, type SearchableFile, type SearchOptions } from './search';
import { LF, countLines, decodeText, encodeText, lossyMessage, refuseLossy, type TextFormat } from './text-format';

interface CachedFile extends SearchableFile {
  readonly title: string | null;
  readonly hash: string;
  readonly size: number;
  readonly lines: number;
  readonly format: TextFormat;
  readonly lossy: boolean;
}

const ROOT_LABEL = 'the memory folder';
const INDEX_RETRIES = 3;
const READ_BATCH = 64;

/**
 * One memory folder on disk and what Lanes knows of it: every markdown file's text, kind and
 * version, kept in step by `refresh()` (called on file-system events) so listing and search
 * never wait for the disk. Only files directly in the folder count; sub-folders, hidden files and
 * symbolic links are left alone. A folder that leads out of its boundary through a symbolic link
 * (itself, or a folder above it replaced by one) is refused at every use, not only when opened.
 */
export class MemoryFolder {
  private files = new Map<string, CachedFile>();
  private existing = false;
  private refreshing: Promise<string[]> | null = null;
  private pending: Set<string> | 'all' | null = null;
  private scanned = false;
  /** Grows with every change to the cache, so the sorted list and the health are computed once per change. */
  private generation = 0;
  private memo: { generation: number; list: MemoryFile[]; byName: Map<string, MemoryFile>; health: IndexHealth } | null = null;
  private readonly index = new SearchIndex();
  /** The generation the search index was last brought up to. */
  private indexed = -1;

  constructor(
    readonly source: MemorySourceId,
    readonly folder: string,
    /** What the folder must stay inside: the repository for its memory folder; by default the folder's parent. */
    private readonly boundary = path.dirname(folder),
  ) {}

  get exists(): boolean {
    return this.existing;
  }

  /**
   * Re-reads the folder and returns the names that changed. With `names` (from a file-system
   * event) only those files are looked at; without, every file's size and time are compared and
   * only changed files are read again. Calls made while one runs are folded into it.
   */
  refresh(names?: Iterable<string>): Promise<string[]> {
    if (names === undefined || this.pending === 'all') this.pending = 'all';
    else {
      this.pending ??= new Set();
      for (const name of names) this.pending.add(name);
    }
    this.refreshing ??= this.drain().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  private async drain(): Promise<string[]> {
    const changed = new Set<string>();
    while (this.pending !== null) {
      const pending = this.pending;
      this.pending = null;
      const found = pending === 'all' || !this.scanned ? await this.scan() : await this.scanNames(pending);
      for (const name of found) changed.add(name);
    }
    this.generation += 1;
    return [...changed];
  }

  /** Newest first. */
  list(): MemoryFile[] {
    return this.summary().list;
  }

  health(): IndexHealth {
    return this.summary().health;
  }

  /** Of `names`, the files listed now (as `list()` gives them) and the names that are not. */
  listed(names: Iterable<string>): { present: MemoryFile[]; absent: string[] } {
    const { byName } = this.summary();
    const present: MemoryFile[] = [];
    const absent: string[] = [];
    for (const name of new Set(names)) {
      const file = byName.get(name);
      if (file) present.push(file);
      else absent.push(name);
    }
    return { present, absent };
  }

  private summary(): { list: MemoryFile[]; byName: Map<string, MemoryFile>; health: IndexHealth } {
    this.assertInsideBoundary();
    if (this.memo?.generation === this.generation) return this.memo;
    const files = [...this.files.values()].sort((a, b) => b.modifiedMs - a.modifiedMs || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const list = files.map((file) => ({ name: file.name, kind: file.kind, title: file.title, modifiedAt: new Date(file.modifiedMs).toISOString(), size: file.size, lines: file.lines }));
    const index = this.indexEntry();
    const health = checkIndexHealth(index ? index.text : null, files.map((file) => file.name));
    this.memo = { generation: this.generation, list, byName: new Map(list.map((file) => [file.name, file])), health };
    return this.memo;
  }

  search(query: string, options: SearchOptions): SearchResult {
    this.prepareSearch();
    return this.index.search(query, options);
  }

  /** Brings the search index up to the files known now. */
  prepareSearch(): void {
    this.assertInsideBoundary();
    if (this.indexed === this.generation) return;
    this.index.sync(this.files.values());
    this.indexed = this.generation;
  }

  /**
   * Brings the search index up to date a few files at a time, letting other work run between
   * steps (indexing 2,000 files at once would hold everything else up for a few hundred ms).
   * A search made meanwhile finishes the index itself.
   */
  async prepareSearchInSteps(stillWanted: () => boolean, filesPerStep = 100): Promise<void> {
    while (this.indexed !== this.generation && stillWanted()) {
      this.assertInsideBoundary();
      const generation = this.generation;
      if (this.index.syncSome(this.files.values(), filesPerStep)) this.indexed = generation;
      else await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /** Every file's version, to tell later what changed. */
  versions(): Map<string, string> {
    this.assertInsideBoundary();
    return new Map([...this.files.values()].map((file) => [file.name, file.hash]));
  }

  async read(name: string): Promise<MemoryDocument> {
    const target = this.resolve(name);
    const file = await this.load(target, name);
    if (!file) throw new LanesError('not-found', `\`${name}\` is not in ${ROOT_LABEL} (any more). It may have been renamed or deleted.`);
    return this.document(file);
  }

  /** Writes `text` over the file, refusing when it is no longer `expected` on disk. */
  async save(name: string, text: string, expected: string | null): Promise<MemoryDocument> {
    const target = this.resolve(name);
    const current = await this.load(target, name);
    if ((current?.hash ?? null) !== expected) throw this.conflict(name, current, expected === null ? 'was created by someone else' : current ? 'was changed by someone else' : 'was deleted by someone else');
    if (current?.lossy) refuseLossy(name);
    if (expected === null) assertMemoryFileName(name);
    await this.ensureFolder();
    await this.write(target, name, encodeText(text, current?.format ?? LF), { hash: expected });
    return this.read(name);
  }

  async create(kind: Exclude<MemoryKind, 'index'>, slug: string, text: string | undefined, addToIndex: boolean): Promise<MemoryDocument> {
    const name = fileNameFor(kind, slug);
    const target = this.resolve(name);
    if (this.files.has(name) || (await exists(target))) {
      throw new LanesError('already-exists', `\`${name}\` already exists in ${ROOT_LABEL}. Open it, or choose another name.`, { name });
    }
    await this.ensureFolder();
    const body = text ?? `# ${slug.trim()}\n\n`;
    try {
      await writeFileAtomic(target, body, { expected: ABSENT });
    } catch (error) {
      if (isLanesError(error) && error.code === 'conflict') {
        throw new LanesError('already-exists', `\`${name}\` was just created by someone else. Open it, or choose another name.`, { name });
      }
      throw error;
    }
    if (addToIndex) await this.updateIndex((index) => appendIndexEntries(index, [{ name, title: titleOf(body) }]));
    await this.refresh([name, this.indexName()]);
    return this.read(name);
  }

  /** Renames a file (never over another one) and points MEMORY.md's entries to the new name. */
  async rename(from: string, to: string, expected: string | null): Promise<MemoryDocument> {
    const source = this.resolve(from);
    assertMemoryFileName(to);
    const target = this.resolve(to);
    const current = await this.load(source, from);
    if (!current || current.hash !== expected) throw this.conflict(from, current, current ? 'was changed by someone else' : 'was deleted by someone else');
    if (from === to) return this.document(current);
    if (from.toLowerCase() !== to.toLowerCase() && (await exists(target))) {
      throw new LanesError('already-exists', `\`${to}\` already exists in ${ROOT_LABEL}; choose another name.`, { name: to });
    }
    if (from.toLowerCase() === to.toLowerCase()) {
      await fs.rename(source, target);
    } else {
      try {
        // link() refuses to replace a file that appeared meanwhile, which rename() would not.
        await fs.link(source, target);
        await fs.unlink(source);
      } catch (error) {
        if (errnoCode(error) === 'EEXIST') throw new LanesError('already-exists', `\`${to}\` already exists in ${ROOT_LABEL}; choose another name.`, { name: to });
        if (!['EPERM', 'ENOTSUP', 'EXDEV', 'EOPNOTSUPP'].includes(errnoCode(error) ?? '')) throw error;
        await fs.rename(source, target);
      }
    }
    if (kindOf(from) !== 'index') await this.updateIndex((index) => (index === null ? null : renameInIndex(index, from, to)));
    await this.refresh([from, to, this.indexName()]);
    return this.read(to);
  }

  /** Deletes a file, unless it changed on disk since `expected` was read. */
  async delete(name: string, expected: string | null): Promise<void> {
    const target = this.resolve(name);
    const current = await this.load(target, name);
    if (!current || current.hash !== expected) throw this.conflict(name, current, current ? 'was changed by someone else' : 'was deleted by someone else');
    // Move it aside first, so a write that lands between the check and the removal is not lost.
    const aside = path.join(this.folder, `.${name}.lanes-deleting`);
    await fs.rename(target, aside);
    const moved = hashContent(await fs.readFile(aside));
    if (moved !== expected) {
      try {
        await fs.link(aside, target);
        await fs.unlink(aside);
      } catch {
        throw new LanesError(
          'conflict',
          `\`${name}\` changed while Lanes was deleting it, and a new \`${name}\` appeared meanwhile. Nothing was deleted: the changed file is kept as \`${path.basename(aside)}\`.`,
          { name, source: this.source },
        );
      }
      throw this.conflict(name, await this.load(target, name), 'was changed by someone else');
    }
    await fs.unlink(aside);
    await this.refresh([name]);
  }

  /**
   * Writes new entries brought from elsewhere (a worktree's copy, Claude Code's own folder), each
   * only where no file of that name exists; one that appeared meanwhile is refused, not replaced.
   */
  async takeIn(files: readonly { name: string; content: Uint8Array }[]): Promise<void> {
    if (files.length === 0) return;
    for (const file of files) assertMemoryFileName(file.name);
    await this.ensureFolder();
    for (const file of files) {
      const target = this.resolve(file.name);
      try {
        await writeFileAtomic(target, file.content, { expected: ABSENT });
      } catch (error) {
        if (isLanesError(error) && error.code === 'conflict') {
          throw new LanesError('already-exists', `\`${file.name}\` was just created in ${ROOT_LABEL} by someone else, so Lanes did not write over it. Look at it, then try again.`, { name: file.name });
        }
        throw error;
      }
    }
    await this.refresh(files.map((file) => file.name));
  }

  /** Adds every file MEMORY.md does not mention to it (of `only`, when given). */
  async indexUnlisted(only?: readonly string[]): Promise<void> {
    await this.refresh();
    const wanted = only === undefined ? null : new Set(only.map((name) => name.toLowerCase()));
    const unlisted = this.health().unlisted.filter((name) => wanted === null || wanted.has(name.toLowerCase()));
    if (unlisted.length === 0) return;
    await this.ensureFolder();
    await this.updateIndex((index) => {
      const mentioned = new Set(checkIndexHealth(index, unlisted).unlisted);
      const entries = unlisted.filter((name) => mentioned.has(name)).map((name) => ({ name, title: this.files.get(name)?.title ?? null }));
      return entries.length === 0 ? null : appendIndexEntries(index, entries);
    });
    await this.refresh([this.indexName()]);
  }

  /**
   * Removes one broken entry from MEMORY.md: line `line`, which must still point to `target`,
   * a file that does not exist. Only that line's bytes go; the write is refused if MEMORY.md
   * changed after it was read here.
   */
  async removeIndexLine(line: number, target: string): Promise<void> {
    await this.refresh();
    const name = this.indexName();
    const absolute = this.resolve(name);
    let bytes: Buffer;
    try {
      bytes = await fs.readFile(absolute);
    } catch (error) {
      if (errnoCode(error) === 'ENOENT') throw new LanesError('not-found', `There is no ${name} in ${ROOT_LABEL} any more, so there is no entry to remove.`);
      throw error;
    }
    if (decodeText(bytes).lossy) refuseLossy(name);
    const raw = bytes.toString('utf8');
    const wanted = target.toLowerCase();
    if (!indexReferences(raw).some((reference) => reference.line === line && reference.target.toLowerCase() === wanted)) {
      throw new LanesError('conflict', `${name} changed since Lanes showed it: line ${line} no longer points to \`${target}\`. Nothing was removed; look at the index again.`);
    }
    if ([...this.files.keys()].some((file) => file.toLowerCase() === wanted)) {
      throw new LanesError('conflict', `\`${target}\` exists now, so line ${line} of ${name} is not broken. Nothing was removed.`);
    }
    await this.write(absolute, name, withoutLine(raw, line), { hash: hashContent(bytes) });
    await this.refresh([name]);
  }

  resolve(name: string): string {
    this.assertInsideBoundary();
    if (/[\\/]/.test(name) || name === '..' || name === '.') {
      throw new LanesError('outside-workspace', `\`${name.replace(/\0/g, '\\0')}\` is not inside ${ROOT_LABEL}: give a plain file name without folders.`);
    }
    try {
      return resolveInside(this.folder, name, { rootLabel: ROOT_LABEL });
    } catch (error) {
      // The folder is made with the first entry; a plain name inside a missing folder is fine.
      if (isLanesError(error) && error.code === 'not-found') return path.join(this.folder, name);
      throw error;
    }
  }

  private indexEntry(): CachedFile | undefined {
    return this.files.get(INDEX_FILE) ?? [...this.files.values()].find((file) => file.kind === 'index');
  }

  private indexName(): string {
    return this.indexEntry()?.name ?? INDEX_FILE;
  }

  /** Read-modify-write of MEMORY.md; `edit` returns null to leave it alone. Retries if someone writes it meanwhile. */
  private async updateIndex(edit: (indexText: string | null) => string | null): Promise<void> {
    const name = this.indexName();
    const target = this.resolve(name);
    for (let attempt = 1; ; attempt += 1) {
      const current = await this.load(target, name);
      if (current?.lossy) throw new LanesError('malformed-file', lossyMessage(name));
      const next = edit(current ? current.text : null);
      if (next === null) return;
      try {
        await this.write(target, name, encodeText(next, current?.format ?? LF), { hash: current?.hash ?? null });
        return;
      } catch (error) {
        if (!(isLanesError(error) && error.code === 'conflict') || attempt >= INDEX_RETRIES) throw error;
      }
    }
  }

  private async write(target: string, name: string, content: string, expected: FileVersion): Promise<void> {
    try {
      await writeFileAtomic(target, content, { expected });
    } catch (error) {
      if (isLanesError(error) && error.code === 'conflict') {
        throw this.conflict(name, await this.load(target, name), String(error.message).includes('deleted') ? 'was deleted by someone else' : 'was changed by someone else');
      }
      throw error;
    }
  }

  private conflict(name: string, current: CachedFile | null, what: string): LanesError {
    return new LanesError('conflict', `\`${name}\` ${what} since you opened it. Nothing was written; compare both versions and choose.`, {
      name,
      source: this.source,
      theirs: current ? current.text : null,
      theirsVersion: current ? current.hash : null,
    });
  }

  /** Reads one file from disk into the cache; null when it does not exist. */
  private async load(target: string, name: string): Promise<CachedFile | null> {
    let stat;
    try {
      stat = await fs.lstat(target);
    } catch (error) {
      if (['ENOENT', 'ENOTDIR'].includes(errnoCode(error) ?? '')) {
        if (this.files.delete(name)) this.generation += 1;
        return null;
      }
      throw error;
    }
    if (!stat.isFile()) throw new LanesError('invalid-argument', `\`${name}\` is not a regular file; Lanes only opens plain markdown files in ${ROOT_LABEL}.`);
    const bytes = await fs.readFile(target);
    const file = toCached(name, bytes, stat.mtimeMs);
    if (isMarkdownName(name)) {
      this.files.set(name, file);
      this.generation += 1;
    }
    return file;
  }

  /**
   * Compares every file with the cache. Files are read synchronously in small batches, yielding
   * to the event loop between batches: with thousands of small files this is several times faster
   * than thousands of concurrent async reads (which queue on libuv's four threads), while no batch
   * holds the main process for more than a few milliseconds.
   */
  private async scan(): Promise<string[]> {
    this.assertInsideBoundary();
    let entries: fsSync.Dirent[];
    try {
      entries = fsSync.readdirSync(this.folder, { withFileTypes: true });
      this.existing = true;
    } catch (error) {
      if (!['ENOENT', 'ENOTDIR'].includes(errnoCode(error) ?? '')) throw error;
      this.existing = false;
      this.scanned = true;
      const gone = [...this.files.keys()];
      this.files.clear();
      return gone;
    }
    const names = entries.filter((entry) => entry.isFile() && isMarkdownName(entry.name)).map((entry) => entry.name);
    const changed = await this.readChanged(names);
    const seen = new Set(names);
    for (const name of [...this.files.keys()]) {
      if (!seen.has(name)) {
        this.files.delete(name);
        changed.push(name);
      }
    }
    this.scanned = true;
    return changed;
  }

  /** Looks only at the named files (a file-system event said they changed). */
  private async scanNames(names: ReadonlySet<string>): Promise<string[]> {
    this.assertInsideBoundary();
    const candidates = [...names].filter((name) => isMarkdownName(name) && !/[\\/]/.test(name));
    const changed: string[] = [];
    const present: string[] = [];
    for (const name of candidates) {
      let stat: fsSync.Stats;
      try {
        stat = fsSync.lstatSync(path.join(this.folder, name));
      } catch (error) {
        if (!['ENOENT', 'ENOTDIR'].includes(errnoCode(error) ?? '')) throw error;
        if (this.files.delete(name)) changed.push(name);
        continue;
      }
      if (stat.isFile()) present.push(name);
      else if (this.files.delete(name)) changed.push(name);
    }
    changed.push(...(await this.readChanged(present)));
    return changed;
  }

  private async readChanged(names: readonly string[]): Promise<string[]> {
    const changed: string[] = [];
    for (let start = 0; start < names.length; start += READ_BATCH) {
      if (start > 0) await new Promise((resolve) => setImmediate(resolve));
      for (const name of names.slice(start, start + READ_BATCH)) {
        const cached = this.files.get(name);
        const file = readIfChanged(path.join(this.folder, name), name, cached);
        if (file === undefined) continue;
        if (file === null) {
          if (this.files.delete(name)) changed.push(name);
          continue;
        }
        if (cached?.hash !== file.hash) changed.push(name);
        this.files.set(name, file);
      }
    }
    return changed;
  }

  /**
   * Refuses the folder when its real path lies outside the boundary's: a memory folder that is
   * (or sits below) a symbolic link leading out of the repository is not Lanes' to list, search
   * or write. What was read from it is forgotten. Three system calls, so it runs at every use.
   */
  private assertInsideBoundary(): void {
    let real: string | null;
    try {
      real = fsSync.realpathSync(this.folder);
    } catch (error) {
      if (!['ENOENT', 'ENOTDIR'].includes(errnoCode(error) ?? '')) throw error;
      // Not there yet (the first entry makes it), unless a link that points nowhere stands there.
      if (!fsSync.lstatSync(this.folder, { throwIfNoEntry: false })?.isSymbolicLink()) return;
      real = null;
    }
    if (real !== null && isInside(fsSync.realpathSync(this.boundary), real)) return;
    if (this.files.size > 0) {
      this.files.clear();
      this.generation += 1;
    }
    this.existing = false;
    throw new LanesError(
      'outside-workspace',
      `\`${this.folder}\` is, or lies below, a symbolic link leading out of \`${this.boundary}\`${real === null ? ' to something that does not exist' : ` (to \`${real}\`)`}; Lanes does not list or search the memory there. Replace the link with a real folder.`,
      { source: this.source },
    );
  }

  private async ensureFolder(): Promise<void> {
    await fs.mkdir(this.folder, { recursive: true });
    this.existing = true;
  }

  private document(file: CachedFile): MemoryDocument {
    return {
      source: this.source,
      name: file.name,
      kind: file.kind,
      text: file.text,
      version: file.hash,
      modifiedAt: new Date(file.modifiedMs).toISOString(),
      lineEnding: file.format.lineEnding,
      bom: file.format.bom,
      readOnly: file.lossy ? lossyMessage(file.name) : null,
    };
  }
}

/** The file read again when its size or time differs from the cache; undefined when unchanged, null when gone. */
function readIfChanged(target: string, name: string, cached: CachedFile | undefined): CachedFile | null | undefined {
  const read = readFileIfChanged(target, cached && { mtimeMs: cached.modifiedMs, size: cached.size });
  return read && toCached(name, read.bytes, read.stamp.mtimeMs);
}

function toCached(name: string, bytes: Buffer, modifiedMs: number): CachedFile {
  const decoded = decodeText(bytes);
  return {
    name,
    kind: kindOf(name),
    text: decoded.text,
    title: titleOf(decoded.text),
    hash: hashContent(bytes),
    modifiedMs,
    size: bytes.byteLength,
    lines: countLines(decoded.text),
    format: decoded.format,
    lossy: decoded.lossy,
  };
}

async function exists(target: string): Promise<boolean> {
  try {
    await fs.lstat(target);
    return true;
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return false;
    throw error;
  }
}
