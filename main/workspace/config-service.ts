import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Document } from 'yaml';
import type { ConfigChange } from '../contract/workspace';
import { hashContent } from '../shared/atomic-file';
import type { Disposable } from '../shared/disposable';
import { FolderWatch } from '../shared/folder-engine';
import { LanesError, errnoCode, isLanesError } from '../shared/errors';
import { CONFIG_FILE, readConfigBytes } from './config-file';
import { configFromBytes, missingConfig, saveConfig, type LoadedConfig } from './config';

/** lanes.yml now: its config (the defaults when there is no file), or why it cannot be used. */
export type ConfigState =
  | { readonly status: 'ok' | 'missing'; readonly loaded: LoadedConfig; readonly error: null }
  | { readonly status: 'invalid'; readonly loaded: null; readonly error: LanesError };

export interface ConfigEditOptions {
  /**
   * The version (content hash) a screen showed the user; the edit is refused when lanes.yml is
   * no longer that version, so a choice made on an old view is not applied to a new file.
   */
  readonly expected?: string | null;
}

export type ConfigSubscription = Disposable;

interface Held {
  readonly state: ConfigState;
  /** What the file looked like on disk (inode, size, times), to tell cheaply that it did not change. */
  readonly stamp: string;
  /** What the state was made from: the content hash, or what was known of a file Lanes would not read. */
  readonly source: string;
}

/**
 * The one owner of lanes.yml for an open workspace. It parses each version of the file once and
 * hands every room the same result; it watches the file once; it runs every edit through one
 * queue, each applied to the current document and written atomically, refused when the file
 * changed since it was read; and it tells its listeners once per change of the content, so its
 * own write is not announced a second time when the watcher sees it.
 */
export class ConfigService {
  private held: Held | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly listeners = new Set<(state: ConfigState) => void>();
  private watcher: Disposable | null = null;
  private disposed = false;
  private parseCount = 0;
  private watchCheckCount = 0;

  private constructor(readonly root: string) {}

  /** Starts watching lanes.yml at the workspace root and reads it. */
  static async open(root: string): Promise<ConfigService> {
    const service = new ConfigService(root);
    // Watching first: a change made while the first read runs is then looked at again.
    service.watch();
    try {
      await service.state();
    } catch (error) {
      service.dispose();
      throw error;
    }
    return service;
  }

  get file(): string {
    return path.join(this.root, CONFIG_FILE);
  }

  /** For diagnostics and tests: how many versions were parsed, and how many watcher bursts were looked at. */
  get stats(): { readonly parses: number; readonly watchChecks: number } {
    return { parses: this.parseCount, watchChecks: this.watchCheckCount };
  }

  /** The current state; the file is looked at (a stat) but parsed only when it changed. */
  async state(): Promise<ConfigState> {
    return (await this.enqueue(() => this.sync(false))).state;
  }

  /** The current config, or the error that says why lanes.yml cannot be used. */
  async read(): Promise<LoadedConfig> {
    const state = await this.state();
    if (state.status === 'invalid') throw state.error;
    return state.loaded;
  }

  /**
   * Changes lanes.yml through its YAML document (comments and layout kept). Edits run one at a
   * time; each gets the document as it is now, and the write is refused if someone changed the
   * file after it was read. `change` may throw to refuse the edit; nothing is written then. A
   * file Lanes cannot read is never written over.
   */
  edit(change: (document: Document, current: LoadedConfig) => void, options: ConfigEditOptions = {}): Promise<LoadedConfig> {
    return this.enqueue(async () => {
      const { state } = await this.sync(false);
      if (state.status === 'invalid') throw state.error;
      const current = state.loaded;
      if (options.expected !== undefined && options.expected !== current.version.hash) {
        throw new LanesError('conflict', 'lanes.yml changed on disk since Lanes showed it to you. Nothing was saved; look at the new version and make your change again.');
      }
      const saved = await saveConfig(this.root, current, (document) => change(document, current));
      if (saved !== current) this.hold({ status: 'ok', loaded: saved, error: null }, await this.stamp(), saved.version.hash!);
      return saved;
    });
  }

  /** Called once per change of lanes.yml's content, after it was parsed (or found unusable). */
  onDidChange(listener: (state: ConfigState) => void): ConfigSubscription {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** Stops watching and forgets the listeners. Reads and edits still work, without the watch. */
  dispose(): void {
    this.disposed = true;
    this.watcher?.dispose();
    this.watcher = null;
    this.listeners.clear();
  }

  /**
   * Watches the folder, not the file: an atomic save replaces the file, and a watch on it would
   * end there. The folder engine lets a save's burst of events settle before lanes.yml is read.
   */
  private watch(): void {
    this.watcher = new FolderWatch(this.root, this.root, () => this.checkNow(), { accept: (name) => name === CONFIG_FILE });
  }

  private checkNow(): void {
    if (this.disposed) return;
    void this.enqueue(() => this.sync(true))
      .catch((error: unknown) => console.error(`Lanes could not read ${this.file} after it changed:`, error))
      .finally(() => {
        this.watchCheckCount += 1;
      });
  }

  /**
   * Brings the held state up to the file on disk. Unless `thorough`, a file whose stat did not
   * change is taken as unchanged; the watcher asks for a thorough look, which compares content.
   */
  private async sync(thorough: boolean): Promise<Held> {
    const stamp = await this.stamp();
    const held = this.held;
    if (held && !thorough && stamp === held.stamp) return held;
    if (stamp === 'missing') return this.hold({ status: 'missing', loaded: missingConfig(), error: null }, stamp, 'missing');
    let bytes: Buffer | null;
    try {
      bytes = await readConfigBytes(this.root);
    } catch (error) {
      if (!isLanesError(error)) throw error;
      return this.hold({ status: 'invalid', loaded: null, error }, stamp, `unread ${stamp}`);
    }
    if (bytes === null) return this.hold({ status: 'missing', loaded: missingConfig(), error: null }, stamp, 'missing');
    const hash = hashContent(bytes);
    if (held && held.source === hash) return this.hold(held.state, stamp, hash);
    this.parseCount += 1;
    try {
      return this.hold({ status: 'ok', loaded: configFromBytes(bytes), error: null }, stamp, hash);
    } catch (error) {
      if (!isLanesError(error)) throw error;
      return this.hold({ status: 'invalid', loaded: null, error }, stamp, hash);
    }
  }

  /** Keeps a state; tells the listeners when its source differs from the one held before. */
  private hold(state: ConfigState, stamp: string, source: string): Held {
    const previous = this.held;
    const held = { state, stamp, source };
    this.held = held;
    if (previous && previous.source !== source) {
      for (const listener of [...this.listeners]) {
        try {
          listener(state);
        } catch (error) {
          console.error('Lanes: a listener for lanes.yml changes failed:', error);
        }
      }
    }
    return held;
  }

  private async stamp(): Promise<string> {
    try {
      const stat = await fs.stat(this.file, { bigint: true });
      return `${stat.ino}:${stat.size}:${stat.mtimeNs}:${stat.ctimeNs}`;
    } catch (error) {
      if (['ENOENT', 'ENOTDIR'].includes(errnoCode(error) ?? '')) return 'missing';
      throw error;
    }
  }

  private enqueue<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }
}

/** The `config.changed` payload for a state of lanes.yml. */
export function configChange(root: string, state: ConfigState): ConfigChange {
  if (state.status === 'invalid') {
    const details = state.error.details ?? {};
    return {
      root,
      status: 'invalid',
      version: null,
      config: null,
      problem: {
        code: state.error.code === 'too-large' ? 'too-large' : 'malformed-file',
        message: state.error.message,
        line: typeof details.line === 'number' ? details.line : null,
        column: typeof details.column === 'number' ? details.column : null,
      },
    };
  }
  return { root, status: state.status, version: state.loaded.version.hash, config: state.loaded.config, problem: null };
}
