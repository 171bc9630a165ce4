import { lstatSync, promises as fs, readFileSync, type Stats } from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import { newestFirst, type RequestBoard as BoardView, type Quadrant, type RequestChange, type RequestDetail, type RequestStatus, type RequestSummary, type newRequestSchema } from '../contract/requests';
import { ABSENT, hashContent, writeFileAtomic } from '../shared/atomic-file';
import { LanesError, errnoCode, isLanesError } from '../shared/errors';
import { git, gitOrNull } from '../shared/git';
import { resolveInside, toRepoPath } from '../shared/path-guard';
import { DEFAULT_PATHS, type LoadedConfig } from '../workspace/config';
import { composeRequest, fileDate, slugify } from './compose';
import { sameStamp } from '../shared/folder-engine';
import { FolderWatch, type FolderChange } from './folder-watch';
import { withFields, withStatus, type FieldValue } from './front-matter';
import { matchInstance, parseRequestFile, splitFrontMatter, type ParsedRequest } from './parse';
import { levelsOf, quadrantOf } from './plan';

const DONE = 'done';
/** The detail view shows at most this much of a file; bigger files are not edited in Lanes. */
const DETAIL_LIMIT = 1_000_000;
/** How much of each file the text search looks at. */
const SEARCH_LIMIT = 64_000;
const READ_BATCH = 64;

interface Entry {
  summary: RequestSummary;
  mtimeMs: number;
  size: number;
  searchText: string;
}

interface Location {
  readonly rel: string;
  readonly abs: string | null;
  readonly problem: string | null;
}

/**
 * What a closed board had read, handed to the next board of the same home: opening the
 * workspace again re-reads only the files whose size or time changed meanwhile, not thousands.
 */
export interface BoardCache {
  readonly root: string;
  /** The requests folder, absolute, the entries were read from. */
  readonly folder: string;
  /** The instance names the summaries were matched with. */
  readonly instances: readonly string[];
  readonly entries: ReadonlyMap<string, Entry>;
}

/**
 * The requests of one open workspace: what is in the requests folder and its `done/` folder,
 * kept current by watching both, and every change the board makes to those files. Files are
 * the truth: the cache only saves re-reading files that did not change.
 */
export class RequestBoard {
  private entries = new Map<string, Entry>();
  private location: Location = { rel: DEFAULT_PATHS.requests, abs: null, problem: null };
  private instances: string[] = [];
  private configProblem: string | null = null;
  /** Why `done/` is not listed (a symbolic link leading out of the requests folder); null when it is. */
  private doneProblem: string | null = null;
  private watches: FolderWatch[] = [];
  private closed = false;
  /**
   * False during the first scan: nobody holds a board yet (the room sends the whole board once
   * it is ready), so the cards read meanwhile are not sent one folder at a time as well.
   */
  private scanned = false;
  private queue: Promise<unknown> = Promise.resolve();
  readonly ready: Promise<void>;

  constructor(
    private readonly root: string,
    /** The workspace's lanes.yml, as the room context's config service reads it. */
    private readonly lanesYml: { read(): Promise<LoadedConfig> },
    private readonly emit: (change: RequestChange) => void,
    carried: BoardCache | null = null,
  ) {
    // Watch first, then read: a file written between the two is seen by one or the other.
    this.ready = this.serialize(async () => {
      await this.readConfig();
      if (carried) this.adopt(carried);
      this.watch();
      await this.rescanAll();
      this.scanned = true;
    });
  }

  /** What this board read, for the next board of the same home (see `BoardCache`); null when it read no folder. */
  cache(): BoardCache | null {
    if (this.location.abs === null) return null;
    return { root: this.root, folder: this.location.abs, instances: [...this.instances], entries: this.entries };
  }

  /**
   * Starts from what a closed board of the same folder read; the first scan then re-reads only
   * what changed since. A file Lanes could not read is read again: its permissions may have changed.
   */
  private adopt(carried: BoardCache): void {
    if (carried.root !== this.root || carried.folder !== this.location.abs) return;
    const sameInstances = carried.instances.join('\n') === this.instances.join('\n');
    for (const [file, entry] of carried.entries) {
      if (entry.summary.version === '') continue;
      this.entries.set(file, sameInstances ? entry : { ...entry, summary: this.withInstances(entry.summary) });
    }
  }

  close(): void {
    this.closed = true;
    for (const watch of this.watches) watch.close();
    this.watches = [];
  }

  /**
   * The board; re-reads lanes.yml first, so a changed folder or instance list shows at once. With
   * `doneLimit`, only the newest that many done requests, the others named in `doneLeftOut`.
   */
  async list(doneLimit?: number): Promise<BoardView> {
    await this.ready;
    return this.serialize(async () => {
      const before = this.location.abs;
      const instancesBefore = this.instances.join('\n');
      await this.readConfig();
      if (this.location.abs !== before) {
        this.entries.clear();
        this.watch();
        await this.rescanAll();
      } else if (this.instances.join('\n') !== instancesBefore) {
        for (const entry of this.entries.values()) entry.summary = this.withInstances(entry.summary);
      }
      const board = this.view();
      return doneLimit === undefined ? board : newestDone(board, doneLimit);
    });
  }

  async read(file: string): Promise<RequestDetail> {
    await this.ready;
    const { abs, name, inDone } = this.locate(file);
    const bytes = await readRequestBytes(abs, file);
    const parsed = parseRequestFile(bytes, name, inDone);
    const stat = await fs.stat(abs);
    const truncated = parsed.text.length > DETAIL_LIMIT;
    return {
      request: this.summarize(this.folder(), file, bytes, stat, parsed),
      text: truncated ? parsed.text.slice(0, DETAIL_LIMIT) : parsed.text,
      body: truncated ? parsed.body.slice(0, DETAIL_LIMIT) : parsed.body,
      truncated,
    };
  }

  async search(query: string): Promise<string[]> {
    await this.ready;
    const needle = query.trim().toLowerCase();
    const files = [...this.entries.values()];
    if (needle === '') return files.map((entry) => entry.summary.file);
    return files.filter((entry) => entry.searchText.includes(needle)).map((entry) => entry.summary.file);
  }

  /** Moves a card: writes the front matter's status and/or moves the file into or out of `done/`. */
  move(file: string, status: RequestStatus, version: string | undefined): Promise<RequestSummary> {
    return this.mutate(async () => {
      const { abs, name, inDone } = this.locate(file);
      const bytes = await readRequestBytes(abs, file);
      if (version !== undefined && hashContent(bytes) !== version) throw changedSinceShown(file);
      const parsed = parseRequestFile(bytes, name, inDone);
      if (parsed.status === status) return this.refreshOne(file);

      // Everything that could refuse is checked before the file moves, so a refusal changes nothing.
      let next: string | null = null;
      if (status !== 'done') {
        const target = status === 'open' ? null : status;
        if (!parsed.editable && target !== null) {
          throw new LanesError('malformed-file', `Lanes does not rewrite \`${file}\`: ${parsed.warnings[0] ?? 'it cannot read it.'}`);
        }
        if (parsed.editable) next = withStatus(parsed.text, target, `\`${file}\``);
      }

      let current = file;
      let currentAbs = abs;
      if (status === 'done' || inDone) {
        current = status === 'done' ? `${DONE}/${name}` : name;
        currentAbs = this.locate(current).abs;
        await this.moveFile(abs, currentAbs, file, current);
      }
      if (next !== null && next !== parsed.text) {
        await writeFileAtomic(currentAbs, (parsed.bom ? '\uFEFF' : '') + next, { expected: { hash: hashContent(bytes) } });
      }
      if (current !== file) this.forget(file);
      return this.refreshOne(current);
    });
  }

  /** Places a card on the priority matrix: writes only the front matter's `urgency:` and `importance:`. */
  prioritize(file: string, quadrant: Quadrant | null, version: string | undefined): Promise<RequestSummary> {
    return this.rewriteFrontMatter(file, version, () => levelsOf(quadrant));
  }

  /**
   * Takes one name off a request's `blocked_by:` (one that finds no request, or a blocker the user
   * lets go), the other names and the rest of the file as they were.
   */
  unblock(file: string, blocker: string, version: string | undefined): Promise<RequestSummary> {
    return this.rewriteFrontMatter(file, version, (parsed) => {
      if (!parsed.blockedBy.includes(blocker)) {
        throw new LanesError('not-found', `\`${file}\` is not blocked by "${blocker}" (any more); its \`blocked_by\` is: ${parsed.blockedBy.join(', ') || 'empty'}.`);
      }
      const frontMatter = splitFrontMatter(parsed.text);
      const key = frontMatter.kind === 'ok' && frontMatter.data.blocked_by === undefined && frontMatter.data.blockedBy !== undefined ? 'blockedBy' : 'blocked_by';
      const remaining = parsed.blockedBy.filter((ref) => ref !== blocker);
      return { [key]: remaining.length > 0 ? remaining : null };
    });
  }

  /**
   * Writes the fields `edit` gives into a request's front matter, the rest of the file as it was;
   * refused when the file changed since `version` or Lanes cannot read its front matter.
   */
  private rewriteFrontMatter(file: string, version: string | undefined, edit: (parsed: ParsedRequest) => Record<string, FieldValue>): Promise<RequestSummary> {
    return this.mutate(async () => {
      const { abs, name, inDone } = this.locate(file);
      const bytes = await readRequestBytes(abs, file);
      if (version !== undefined && hashContent(bytes) !== version) throw changedSinceShown(file);
      const parsed = parseRequestFile(bytes, name, inDone);
      if (!parsed.editable) throw new LanesError('malformed-file', `Lanes does not rewrite \`${file}\`: ${parsed.warnings[0] ?? 'it cannot read it.'}`);
      const next = withFields(parsed.text, edit(parsed), `\`${file}\``);
      if (next !== parsed.text) await writeFileAtomic(abs, (parsed.bom ? '\uFEFF' : '') + next, { expected: { hash: hashContent(bytes) } });
      return this.refreshOne(file);
    });
  }

  /** Every request as last read, for the plan. */
  current(): RequestSummary[] {
    return [...this.entries.values()].map((entry) => entry.summary);
  }

  /** Replaces the text of a request with what the user edited, refused if the file changed since `version`. */
  save(file: string, text: string, version: string): Promise<RequestSummary> {
    return this.mutate(async () => {
      const { abs, name, inDone } = this.locate(file);
      const bytes = await readRequestBytes(abs, file);
      if (hashContent(bytes) !== version) throw changedSinceShown(file);
      const parsed = parseRequestFile(bytes, name, inDone);
      if (!parsed.editable) {
        throw new LanesError('malformed-file', `Lanes does not rewrite \`${file}\`: ${parsed.warnings[0] ?? 'it cannot read it.'} Edit it in a text editor.`);
      }
      if (parsed.text.length > DETAIL_LIMIT) {
        throw new LanesError('invalid-argument', `\`${file}\` is too large to edit in Lanes; edit it in a text editor.`);
      }
      // A text box gives back "\n" line ends: keep the file's own, and its byte-order mark.
      let content = text.replace(/\r\n/g, '\n');
      if (/\r\n/.test(parsed.text)) content = content.replace(/\n/g, '\r\n');
      if (parsed.bom) content = `\uFEFF${content}`;
      await writeFileAtomic(abs, content, { expected: { hash: version } });
      return this.refreshOne(file);
    });
  }

  create(input: z.output<typeof newRequestSchema>, now = new Date()): Promise<RequestSummary> {
    return this.mutate(async () => {
      const folder = this.folder();
      await fs.mkdir(folder, { recursive: true });
      const stem = `${fileDate(now)}_${slugify(input.title)}`;
      const content = composeRequest(input);
      for (let attempt = 1; attempt < 1000; attempt += 1) {
        const name = attempt === 1 ? `${stem}.md` : `${stem}_${attempt}.md`;
        const abs = this.locate(name).abs;
        if ((await exists(abs)) || (await exists(this.locate(`${DONE}/${name}`).abs))) continue;
        try {
          await writeFileAtomic(abs, content, { expected: ABSENT });
        } catch (error) {
          if (isLanesError(error) && error.code === 'conflict') continue;
          throw error;
        }
        return this.refreshOne(name);
      }
      throw new LanesError('already-exists', `Too many requests are named \`${stem}\`; choose another title.`);
    });
  }

  /** The summary Lanes holds for a file, for the hand-off. */
  async summary(file: string): Promise<RequestSummary> {
    await this.ready;
    this.locate(file);
    return this.entries.get(file)?.summary ?? (await this.serialize(() => this.refreshOne(file)));
  }

  absolutePath(file: string): string {
    return this.locate(file).abs;
  }

  doneFolder(): string {
    return path.join(this.folder(), DONE);
  }

  /** Called by the watchers: re-reads only the named files, or compares the whole folder. */
  private changed(scope: 'top' | 'done', change: FolderChange): void {
    void this.serialize(async () => {
      if (this.closed) return;
      const prefix = scope === 'done' ? `${DONE}/` : '';
      if (change === 'all') {
        await this.rescan(scope);
        return;
      }
      const files: string[] = [];
      for (const name of change) {
        if (scope === 'top' && name === DONE) {
          await this.rescan('done');
          continue;
        }
        if (isRequestName(name)) files.push(prefix + name);
      }
      await this.refreshMany(files);
    }).catch((error: unknown) => console.error('Lanes: reading the requests folder failed:', error));
  }

  private async readConfig(): Promise<void> {
    let folder: string = DEFAULT_PATHS.requests;
    this.configProblem = null;
    try {
      const loaded = await this.lanesYml.read();
      folder = loaded.config.paths.requests;
      this.instances = loaded.config.instances.map((instance) => instance.name);
    } catch (error) {
      if (!isLanesError(error)) throw error;
      this.configProblem = `${error.message} The board shows the default folder \`${DEFAULT_PATHS.requests}\` meanwhile.`;
      this.instances = [];
    }
    try {
      this.location = { rel: folder, abs: resolveInside(this.root, folder, { rootLabel: 'this repository' }), problem: null };
    } catch (error) {
      if (!isLanesError(error)) throw error;
      this.location = { rel: folder, abs: null, problem: `The requests folder ${error.message} Change \`paths.requests\` in lanes.yml.` };
    }
  }

  private watch(): void {
    for (const watch of this.watches) watch.close();
    this.watches = [];
    const folder = this.location.abs;
    if (folder === null || this.closed) return;
    this.watches = [
      new FolderWatch(folder, this.root, (change) => this.changed('top', change)),
      new FolderWatch(path.join(folder, DONE), this.root, (change) => this.changed('done', change)),
    ];
  }

  private view(): BoardView {
    const problem = [this.configProblem, this.location.problem, this.doneProblem].filter(Boolean).join(' ') || null;
    return {
      folder: this.location.rel,
      exists: this.location.abs !== null && this.watches.length > 0 && this.watches[0]!.exists,
      problem,
      instances: [...this.instances],
      requests: [...this.entries.values()].map((entry) => entry.summary),
    };
  }

  private async rescanAll(): Promise<void> {
    await this.rescan('top');
    await this.rescan('done');
  }

  /** Lists a folder and re-reads the files that are new or whose size or time changed. */
  private async rescan(scope: 'top' | 'done'): Promise<void> {
    const prefix = scope === 'done' ? `${DONE}/` : '';
    const folder = this.listedFolder(scope);
    const names = folder === null ? [] : await listRequestNames(folder);
    const present = new Set(names.map((name) => prefix + name));
    const removed = [...this.entries.keys()].filter((file) => (scope === 'done') === file.startsWith(`${DONE}/`) && !present.has(file));
    for (const file of removed) this.entries.delete(file);
    const upserted = await this.readFiles([...present], true);
    this.publish(upserted, removed);
    // The whole requests folder was refused: what was listed from its done/ goes too.
    if (scope === 'top' && folder === null) await this.rescan('done');
  }

  /**
   * The folder a scope lists, checked with the path guard each time it is read: the requests
   * folder or its `done/` replaced by a symbolic link leading out is not listed, searched or
   * written, whenever that happens. A refused requests folder stays refused until lanes.yml is
   * read again (the next time the board is listed).
   */
  private listedFolder(scope: 'top' | 'done'): string | null {
    if (scope === 'done') this.doneProblem = null;
    if (this.location.abs === null) return null;
    let top: string;
    try {
      top = resolveInside(this.root, this.location.rel, { rootLabel: 'this repository' });
    } catch (error) {
      if (!isLanesError(error)) throw error;
      this.location = { rel: this.location.rel, abs: null, problem: `The requests folder ${error.message} Change \`paths.requests\` in lanes.yml.` };
      return null;
    }
    if (scope === 'top') return top;
    try {
      return resolveInside(top, DONE, { rootLabel: 'the requests folder' });
    } catch (error) {
      if (!isLanesError(error)) throw error;
      // No requests folder yet, so no done/ in it either: nothing to refuse.
      if (error.code === 'not-found') return path.join(top, DONE);
      this.doneProblem = `${error.message} Lanes does not list or search the finished requests there; make \`${this.location.rel}/${DONE}\` a real folder.`;
      return null;
    }
  }

  private async refreshMany(files: readonly string[]): Promise<void> {
    const removed: string[] = [];
    const upserted: RequestSummary[] = [];
    const results = await this.readFiles(files, false, removed);
    upserted.push(...results);
    this.publish(upserted, removed);
  }

  private async refreshOne(file: string): Promise<RequestSummary> {
    const removed: string[] = [];
    const upserted = await this.readFiles([file], false, removed);
    this.publish(upserted, removed);
    const entry = this.entries.get(file);
    if (!entry) throw new LanesError('not-found', `\`${file}\` is no longer in the requests folder.`);
    return entry.summary;
  }

  /**
   * Reads files into the cache and returns the summaries that changed. With `skipUnchanged`,
   * files whose size and modification time match the cache are not read again. Files that are
   * gone are removed from the cache and added to `removed`.
   */
  private async readFiles(files: readonly string[], skipUnchanged: boolean, removed: string[] = []): Promise<RequestSummary[]> {
    const changed: RequestSummary[] = [];
    const folder = this.listedFolder('top');
    // A file of a folder the path guard refuses reads as gone.
    const doneListed = files.some((file) => file.startsWith(`${DONE}/`)) && this.listedFolder('done') !== null;
    for (let index = 0; index < files.length; index += 1) {
      // Small files read synchronously are many times faster than through the thread pool;
      // yielding every few dozen keeps the process responsive during a big scan.
      if (index > 0 && index % READ_BATCH === 0) await new Promise((resolve) => setImmediate(resolve));
      const file = files[index]!;
      const listed = folder !== null && (doneListed || !file.startsWith(`${DONE}/`));
      const abs = listed ? path.join(folder, ...file.split('/')) : null;
      const cached = this.entries.get(file);
      const stat = abs === null ? null : lstatOrNull(abs);
      if (abs === null || folder === null || !stat || !stat.isFile()) {
        if (cached) {
          this.entries.delete(file);
          removed.push(file);
        }
        continue;
      }
      if (skipUnchanged && sameStamp(cached, stat)) continue;
      const bytes = readOrNull(abs);
      if (bytes === null) continue;
      const entry = bytes === 'denied' ? this.unreadableEntry(folder, file, stat) : this.entryFor(folder, file, bytes, stat);
      this.entries.set(file, entry);
      if (!cached || JSON.stringify(cached.summary) !== JSON.stringify(entry.summary)) changed.push(entry.summary);
    }
    return changed;
  }

  private entryFor(folder: string, file: string, bytes: Buffer, stat: { mtimeMs: number; size: number; mtime: Date }): Entry {
    const name = file.slice(file.lastIndexOf('/') + 1);
    const parsed = parseRequestFile(bytes, name, file.startsWith(`${DONE}/`));
    const summary = this.summarize(folder, file, bytes, stat, parsed);
    const searchText = [summary.title, summary.from, summary.to, summary.name, parsed.body.slice(0, SEARCH_LIMIT)].join('\n').toLowerCase();
    return { summary, mtimeMs: stat.mtimeMs, size: stat.size, searchText };
  }

  /** A file Lanes may not read still shows, with the reason, and is never written. */
  private unreadableEntry(folder: string, file: string, stat: Stats): Entry {
    const entry = this.entryFor(folder, file, Buffer.alloc(0), stat);
    entry.summary = { ...entry.summary, editable: false, version: '', warnings: ['Lanes may not read this file (permission denied); check its permissions.'] };
    return entry;
  }

  private summarize(folder: string, file: string, bytes: Buffer, stat: { size: number; mtime: Date }, parsed: ParsedRequest): RequestSummary {
    const name = file.slice(file.lastIndexOf('/') + 1);
    return this.withInstances({
      file,
      path: toRepoPath(this.root, path.join(folder, ...file.split('/'))),
      name,
      status: parsed.status,
      title: parsed.title,
      from: parsed.from,
      to: parsed.to,
      fromInstance: null,
      toInstance: null,
      date: parsed.date,
      slug: parsed.slug,
      priority: parsed.priority,
      urgency: parsed.urgency,
      importance: parsed.importance,
      quadrant: quadrantOf(parsed.urgency, parsed.importance),
      blockedBy: parsed.blockedBy,
      whenUnblocked: parsed.whenUnblocked,
      hasFrontMatter: parsed.hasFrontMatter,
      warnings: parsed.warnings,
      editable: parsed.editable,
      modifiedAt: stat.mtime.toISOString(),
      size: stat.size,
      version: hashContent(bytes),
    });
  }

  private withInstances(summary: RequestSummary): RequestSummary {
    return { ...summary, fromInstance: matchInstance(summary.from, this.instances), toInstance: matchInstance(summary.to, this.instances) };
  }

  private publish(upserted: RequestSummary[], removed: string[]): void {
    if (this.closed || !this.scanned || (upserted.length === 0 && removed.length === 0)) return;
    this.emit({ kind: 'delta', upserted, removed });
  }

  private forget(file: string): void {
    if (this.entries.delete(file)) this.publish([], [file]);
  }

  private folder(): string {
    const folder = this.listedFolder('top');
    if (folder === null) throw new LanesError('invalid-argument', this.location.problem ?? 'The requests folder is not usable.');
    return folder;
  }

  /**
   * Checks a request name from the UI: `name.md` or `done/name.md`, inside the requests folder
   * (the workspace path guard refuses `..`, absolute paths and symbolic links leading out).
   */
  private locate(file: string): { abs: string; name: string; inDone: boolean } {
    const folder = this.folder();
    const abs = resolveInside(folder, file, { rootLabel: 'the requests folder' });
    const parts = file.split(/[\\/]+/).filter((part) => part !== '' && part !== '.');
    const inDone = parts.length === 2 && parts[0] === DONE;
    if (!(parts.length === 1 || inDone) || !isRequestName(parts[parts.length - 1]!)) {
      throw new LanesError('invalid-argument', `\`${file}\` is not a request file: requests are \`.md\` files in the requests folder or its \`done/\` folder.`);
    }
    return { abs, name: parts[parts.length - 1]!, inDone };
  }

  private async moveFile(fromAbs: string, toAbs: string, from: string, to: string): Promise<void> {
    if (await exists(toAbs)) {
      throw new LanesError('already-exists', `\`${to}\` already exists, so \`${from}\` was not moved. Rename one of them first.`);
    }
    await fs.mkdir(path.dirname(toAbs), { recursive: true });
    const tracked = (await gitOrNull(this.root, ['ls-files', '--error-unmatch', '--', toRepoPath(this.root, fromAbs)])) !== null;
    if (tracked) await git(this.root, ['mv', '--', toRepoPath(this.root, fromAbs), toRepoPath(this.root, toAbs)]);
    else await fs.rename(fromAbs, toAbs);
  }

  private async mutate<T>(task: () => Promise<T>): Promise<T> {
    await this.ready;
    return this.serialize(task);
  }

  /** Scans, watcher updates and changes run one at a time, so the cache never goes backwards. */
  private serialize<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }
}

function isRequestName(name: string): boolean {
  return /\.md$/i.test(name) && !name.startsWith('.');
}

async function listRequestNames(folder: string): Promise<string[]> {
  try {
    const entries = await fs.readdir(folder, { withFileTypes: true });
    return entries.filter((entry) => entry.isFile() && isRequestName(entry.name)).map((entry) => entry.name);
  } catch (error) {
    if (['ENOENT', 'ENOTDIR'].includes(errnoCode(error) ?? '')) return [];
    throw error;
  }
}

async function readRequestBytes(abs: string, file: string): Promise<Buffer> {
  try {
    const stat = await fs.lstat(abs);
    if (!stat.isFile()) throw new LanesError('invalid-argument', `\`${file}\` is not a regular file.`);
    return await fs.readFile(abs);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') throw new LanesError('not-found', `\`${file}\` is no longer in the requests folder; it was moved or deleted.`);
    if (['EACCES', 'EPERM'].includes(errnoCode(error) ?? '')) throw new LanesError('not-found', `Lanes may not read \`${file}\` (permission denied); check its permissions.`);
    throw error;
  }
}

function lstatOrNull(abs: string): Stats | null {
  try {
    return lstatSync(abs);
  } catch (error) {
    if (['ENOENT', 'ENOTDIR'].includes(errnoCode(error) ?? '')) return null;
    throw error;
  }
}

function readOrNull(abs: string): Buffer | 'denied' | null {
  try {
    return readFileSync(abs);
  } catch (error) {
    if (['ENOENT', 'EISDIR'].includes(errnoCode(error) ?? '')) return null;
    if (['EACCES', 'EPERM'].includes(errnoCode(error) ?? '')) return 'denied';
    throw error;
  }
}

async function exists(abs: string): Promise<boolean> {
  try {
    await fs.lstat(abs);
    return true;
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return false;
    throw error;
  }
}

function changedSinceShown(file: string): LanesError {
  return new LanesError('conflict', `\`${file}\` was changed on disk since the board showed it. Nothing was written; look at the new version and try again.`, { file });
}

/** The board with only the newest `limit` done requests; the others are named in `doneLeftOut`. */
function newestDone(board: BoardView, limit: number): BoardView {
  const done = board.requests.filter((request) => request.status === 'done').sort(newestFirst);
  if (done.length <= limit) return { ...board, doneLeftOut: [] };
  const leftOut = new Set(done.slice(limit).map((request) => request.file));
  return { ...board, requests: board.requests.filter((request) => !leftOut.has(request.file)), doneLeftOut: [...leftOut] };
}
