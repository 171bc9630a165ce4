import { promises as fs } from 'node:fs';
import type { SharedState } from '../contract/memory';
import { hashContent, writeFileAtomic } from '../shared/atomic-file';
import { LanesError, errnoCode, isLanesError } from '../shared/errors';
import { hasUncommittedChanges, lastCommitOf } from './git-history';
import { SCOPE_TABLE_PLACEHOLDER, editableText, joinScopeTable, splitScopeTable } from './shared-state';
import { decodeText, encodeText, lossyMessage } from './text-format';

interface ReadState {
  readonly exists: boolean;
  readonly hash: string | null;
  readonly editable: string;
  readonly table: string | null;
  readonly raw: string;
  readonly lossy: boolean;
  readonly modifiedMs: number | null;
}

const REMEMBERED_VERSIONS = 16;

/**
 * The shared-state file (COMPRESSED_PROMPT_V3.md by default). Lanes edits everything but its
 * Instance Scope Table, which belongs to the zones: a save puts the table back byte for byte as
 * it is on disk at that moment. So a table rewritten by the zones while the user edited the rest
 * does not block the save; a change to the rest does, and is shown to the user.
 */
export class SharedStateFile {
  /** What the editable part was at each version handed out, to tell a table-only change from a real one. */
  private readonly editableAt = new Map<string, string>();

  constructor(
    private readonly root: string,
    private readonly repoPath: string,
    private readonly absolute: string,
  ) {}

  get path(): string {
    return this.absolute;
  }

  async view(): Promise<SharedState> {
    const state = await this.readState();
    this.remember(state);
    const [lastCommit, uncommitted] = await Promise.all([lastCommitOf(this.root, this.repoPath), hasUncommittedChanges(this.root, this.repoPath)]);
    return {
      path: this.repoPath,
      exists: state.exists,
      editable: state.editable,
      scopeTable: state.table,
      placeholder: SCOPE_TABLE_PLACEHOLDER,
      version: state.hash,
      modifiedAt: state.modifiedMs === null ? null : new Date(state.modifiedMs).toISOString(),
      lastCommit,
      uncommitted,
      readOnly: state.lossy ? lossyMessage(this.repoPath) : null,
    };
  }

  async save(editable: string, expected: string | null): Promise<SharedState> {
    const current = await this.readState();
    if (current.lossy) throw new LanesError('malformed-file', lossyMessage(this.repoPath));
    if (current.hash !== expected) {
      const base = expected === null ? null : this.editableAt.get(expected);
      const onlyTableChanged = base !== undefined && base !== null && current.exists && base === current.editable;
      if (!onlyTableChanged) {
        throw new LanesError(
          'conflict',
          `\`${this.repoPath}\` ${current.exists ? 'was changed by someone else' : 'was deleted by someone else'} since you opened it. Nothing was written; compare both versions and choose.`,
          { name: this.repoPath, theirs: current.exists ? current.editable : null, theirsVersion: current.hash },
        );
      }
    }
    const format = current.exists ? decodeText(Buffer.from(current.raw, 'utf8')).format : { bom: false, lineEnding: 'lf' as const };
    const content = joinScopeTable(encodeText(editable, format), current.table);
    try {
      await writeFileAtomic(this.absolute, content, { expected: { hash: current.hash } });
    } catch (error) {
      if (isLanesError(error) && error.code === 'conflict') {
        const now = await this.readState();
        throw new LanesError('conflict', `\`${this.repoPath}\` changed while Lanes was saving it. Nothing was written; compare both versions and choose.`, {
          name: this.repoPath,
          theirs: now.exists ? now.editable : null,
          theirsVersion: now.hash,
        });
      }
      throw error;
    }
    return this.view();
  }

  private async readState(): Promise<ReadState> {
    let bytes: Buffer;
    let modifiedMs: number;
    try {
      bytes = await fs.readFile(this.absolute);
      modifiedMs = (await fs.stat(this.absolute)).mtimeMs;
    } catch (error) {
      if (['ENOENT', 'ENOTDIR'].includes(errnoCode(error) ?? '')) {
        return { exists: false, hash: null, editable: '', table: null, raw: '', lossy: false, modifiedMs: null };
      }
      if (errnoCode(error) === 'EISDIR') throw new LanesError('malformed-file', `\`${this.repoPath}\` is a folder, not a file. Change \`paths.sharedState\` in lanes.yml.`);
      throw error;
    }
    const decoded = decodeText(bytes);
    const raw = bytes.toString('utf8');
    const split = splitScopeTable(raw);
    const newline = decoded.format.lineEnding === 'crlf' ? '\r\n' : '\n';
    const editable = editableText(split, newline).replace(/^\uFEFF/, '').replace(/\r\n/g, '\n');
    return { exists: true, hash: hashContent(bytes), editable, table: split.table, raw, lossy: decoded.lossy, modifiedMs };
  }

  private remember(state: ReadState): void {
    if (state.hash === null) return;
    this.editableAt.delete(state.hash);
    this.editableAt.set(state.hash, state.editable);
    while (this.editableAt.size > REMEMBERED_VERSIONS) this.editableAt.delete(this.editableAt.keys().next().value as string);
  }
}
