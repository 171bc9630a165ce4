import { useEffect } from 'react';
import { create } from 'zustand';
import type { ClaudeFolder, ClaudeFolders as ClaudeFoldersState } from '../../../main/contract/memory';
import { errorMessage, lanes } from '../client';
import { Message } from '../shell/Message';

/** Claude Code's own memory folders (the repository's and each instance's), and the move into the home. */
interface ClaudeFoldersStore {
  folders: ClaudeFoldersState | null;
  /** The folder being moved now: an instance's name, or '' for the repository's. */
  moving: string | null;
  done: string | null;
  error: string | null;
  load(): Promise<void>;
  moveIntoHome(instance: string | null): Promise<void>;
}

export const useClaudeFolders = create<ClaudeFoldersStore>((set) => ({
  folders: null,
  moving: null,
  done: null,
  error: null,
  async load() {
    try {
      set({ folders: await lanes.call('memory.claudeFolders', {}) });
    } catch (error) {
      set({ error: errorMessage(error) });
    }
  },
  async moveIntoHome(instance) {
    set({ moving: instance ?? '', error: null, done: null });
    try {
      const result = await lanes.call('memory.moveClaudeMemory', { instance });
      const names = result.moved.map((entry) => (entry.from === entry.to ? entry.to : `${entry.from} → ${entry.to}`));
      set({ folders: result.folders, done: `Moved ${names.length === 1 ? '1 entry' : `${names.length} entries`} into the home’s memory folder and its index: ${names.join(', ')}.` });
    } catch (error) {
      set({ error: errorMessage(error) });
    } finally {
      set({ moving: null });
    }
  },
}));

// Lanes' own moves and Claude Code's writes into the home's folder both show here.
lanes.on('memory.changed', () => {
  if (useClaudeFolders.getState().folders !== null) void useClaudeFolders.getState().load();
});

/**
 * Claude Code keeps its own memory outside the repository, in a folder named after a checkout's
 * path. Shown per instance, with the one action that moves its entries into the home.
 */
export function ClaudeFolders({ root }: { root: string }) {
  const folders = useClaudeFolders((state) => state.folders);
  const done = useClaudeFolders((state) => state.done);
  const error = useClaudeFolders((state) => state.error);

  useEffect(() => {
    void useClaudeFolders.getState().load();
  }, [root]);

  if (!folders) return null;
  return (
    <div className="card claude-folders" data-testid="claude-folders">
      <h2>Claude Code’s own memory</h2>
      <p className="muted">
        Claude Code keeps its own memory in a folder named after a checkout: one per repository, shared by its worktrees, say its docs; one per worktree in some versions. Lanes
        points each Claude instance’s <span className="mono">autoMemoryDirectory</span> at the home’s memory folder <span className="mono">{folders.autoMemoryDirectory}</span>.
      </p>
      <FolderRow title="The repository’s folder" folder={folders.repository} />
      {folders.instances.map((folder) => (
        <FolderRow key={folder.instance} title={folder.instance ?? ''} folder={folder} />
      ))}
      {done && (
        <p className="banner" role="status" data-testid="claude-moved">
          {done}
        </p>
      )}
      {error && (
        <p className="form-error" role="alert">
          <Message text={error} />
        </p>
      )}
    </div>
  );
}

function FolderRow({ title, folder }: { title: string; folder: ClaudeFolder }) {
  const moving = useClaudeFolders((state) => state.moving);
  const shared = folder.instance !== null && folder.sharesRepositoryFolder;
  return (
    <section className="claude-folder" aria-label={folder.instance === null ? 'The repository’s Claude Code memory' : `${folder.instance}’s Claude Code memory`}>
      <div className="row">
        <h3 className="grow">{title}</h3>
        {!shared && folder.entries.length > 0 && (
          <button className="button small primary" type="button" disabled={moving !== null} onClick={() => void useClaudeFolders.getState().moveIntoHome(folder.instance)}>
            {moving === (folder.instance ?? '') ? 'Moving…' : 'Move into the home'}
          </button>
        )}
      </div>
      <p className="mono muted claude-folder-path">{folder.folder}</p>
      {shared ? (
        <p className="muted">Runs in the main checkout, so it shares the repository’s folder above.</p>
      ) : !folder.exists ? (
        <p className="muted">{folder.instance === null ? 'No folder yet.' : 'No folder for this worktree: Claude Code used the repository’s folder above, or has written nothing.'}</p>
      ) : folder.entries.length === 0 ? (
        <p className="muted">No entries{folder.hasIndex ? ' (only its MEMORY.md)' : ''}.</p>
      ) : (
        <ul className="claude-folder-entries">
          {folder.entries.map((entry) => (
            <li key={entry.name}>
              <span className="mono">{entry.name}</span>
              {entry.title && <span className="muted"> — {entry.title}</span>}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
