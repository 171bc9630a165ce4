import { memo, useEffect, useId, useMemo, useState } from 'react';
import type { MemoryFile, MemoryKind, MemoryListing, MemorySourceId } from '../../../main/contract/memory';
import { useCommands, type PaletteCommand } from '../shell/commands';
import { relativeTime } from '../shell/format';
import { CoordinationChanges } from '../workspace/CoordinationChanges';
import { useWorkspace } from '../workspace/store';
import { ClaudeFolders } from './ClaudeFolders';
import { FileView } from './FileView';
import { useWrapUpCommands } from './wrap-up';
import { HealthCard, KIND_LABELS, KIND_ORDER, NewEntryForm, SearchResults, WrapUpPanel } from './parts';
import { SHARED_STATE_HREF, fileHref, sourceHref, useMemoryView, type MemoryView } from './routes';
import { SharedStateView } from './SharedStateView';
import { hasUnsavedChanges, useMemory } from './store';
import './memory.css';
import { ErrorBanner, NoWorkspace } from '../shell/Banners';

export function MemoryScreen() {
  const root = useWorkspace((state) => state.snapshot?.root ?? null);
  if (!root) {
    return <NoWorkspace title="Memory" what="Open a repository to browse its memory folder and shared state." />;
  }
  return <MemoryBrowser root={root} />;
}

function MemoryBrowser({ root }: { root: string }) {
  const view = useMemoryView();
  const listing = useMemory((state) => state.listing);
  const sources = useMemory((state) => state.sources);
  const source = useMemory((state) => state.source);
  const error = useMemory((state) => state.error);
  const loading = useMemory((state) => state.loading);
  const document = useMemory((state) => state.document);
  const shared = useMemory((state) => state.shared);
  const unsaved = useMemory(hasUnsavedChanges);
  const wantedSource: MemorySourceId = view.view === 'shared' ? source : view.source;

  useEffect(() => {
    void useMemory.getState().load(wantedSource);
  }, [root, wantedSource]);

  useEffect(() => {
    void useMemory.getState().loadWrapUp();
  }, [root]);

  const file = view.view === 'file' ? view.file : null;
  useEffect(() => {
    const state = useMemory.getState();
    if (view.view === 'shared') void state.loadShared();
    else if (file !== null) void state.open(wantedSource, file);
    else state.close();
  }, [view.view, file, wantedSource, root]);

  useMemoryCommands(listing?.source.id ?? wantedSource);

  const claude = sources.find((item) => item.id === 'claude');
  return (
    <section className="screen memory-screen" aria-labelledby="screen-title">
      <header className="screen-header">
        <div>
          <h1 id="screen-title">Memory</h1>
          {listing && (
            <p className="mono muted memory-folder-path" data-testid="memory-folder">
              {listing.source.path}
              {listing.source.id === 'repo' ? '/' : ''}
            </p>
          )}
        </div>
        {claude?.exists && (
          <nav className="memory-sources" aria-label="Memory folders">
            <a href={sourceHref('repo')} aria-current={wantedSource === 'repo' && view.view !== 'shared' ? 'page' : undefined}>
              Repository memory
            </a>
            <a href={sourceHref('claude')} aria-current={wantedSource === 'claude' && view.view !== 'shared' ? 'page' : undefined} title={claude.path}>
              Claude Code memory
            </a>
          </nav>
        )}
      </header>

      {error && (
        <ErrorBanner message={error} onDismiss={() => useMemory.getState().dismissError()} />
      )}

      <div className="memory-layout">
        <aside className="memory-sidebar" aria-label="Memory files">
          <div className="row memory-sidebar-actions">
            <SearchBox />
            <NewEntryButton source={listing?.source.id ?? wantedSource} />
          </div>
          <a className="memory-shared-link" href={SHARED_STATE_HREF} aria-current={view.view === 'shared' ? 'page' : undefined}>
            Shared state
            <span className="muted mono">{useWorkspace.getState().snapshot?.config.paths.sharedState}</span>
          </a>
          {listing && <FileList listing={listing} view={view} />}
          {!listing && loading && <p className="muted memory-empty">Reading the memory folder…</p>}
        </aside>

        <div className="memory-main">
          {view.view === 'shared' ? (
            shared ? (
              <SharedStateView shared={shared} />
            ) : null
          ) : document && view.view === 'file' && document.name === view.file && document.source === view.source ? (
            <FileView document={document} />
          ) : unsaved && document ? (
            <UnsavedChanges name={document.name} source={document.source} wanted={view.view === 'file' ? view : null} />
          ) : view.view === 'file' ? (
            error && (
              <div className="card">
                <p>
                  <span className="mono">{view.file}</span> cannot be shown. <a href={sourceHref(view.source)}>Back to the memory overview</a>
                </p>
              </div>
            )
          ) : (
            <Overview listing={listing} />
          )}
        </div>
      </div>
    </section>
  );
}

/** New entry stays one click away with a file open: it goes back to the overview and puts the cursor in the form. */
/** Shows the overview of `source`, where the new-entry form is, and puts the cursor in its name. */
function openNewEntry(source: MemorySourceId): void {
  window.location.hash = sourceHref(source);
  const focusName = () => {
    const name = document.getElementById('memory-new-name');
    if (name) name.focus();
    else requestAnimationFrame(focusName);
  };
  requestAnimationFrame(focusName);
}

function NewEntryButton({ source }: { source: MemorySourceId }) {
  return (
    <button type="button" className="button small" onClick={() => openNewEntry(source)} title="Write a new memory entry">
      New entry
    </button>
  );
}

/** Another file was asked for while this one has unsaved edits: nothing is dropped without asking. */
function UnsavedChanges({ name, source, wanted }: { name: string; source: MemorySourceId; wanted: { source: MemorySourceId; file: string } | null }) {
  const discard = () => {
    const state = useMemory.getState();
    state.discardEdit();
    if (wanted) void state.open(wanted.source, wanted.file);
    else state.close();
  };
  return (
    <div className="card memory-unsaved" role="alert">
      <p>
        <span className="mono">{name}</span> has changes that are not saved.
      </p>
      <div className="row">
        <a className="button primary" href={fileHref(source, name)}>
          Back to {name}
        </a>
        <button className="button danger" type="button" onClick={discard}>
          Discard the changes
        </button>
      </div>
    </div>
  );
}

function SearchBox() {
  const query = useMemory((state) => state.query);
  const id = useId();
  return (
    <div className="memory-search">
      <label htmlFor={id} className="visually-hidden">
        Search memory
      </label>
      <input
        id={id}
        type="search"
        className="input"
        placeholder="Search memory"
        value={query}
        onChange={(event) => useMemory.getState().setQuery(event.target.value)}
        autoComplete="off"
        spellCheck={false}
      />
    </div>
  );
}

function FileList({ listing, view }: { listing: MemoryListing; view: MemoryView }) {
  // Only the results are watched, not the query: a keystroke re-renders the list once, when its
  // results arrive (the store drops the results as soon as the query is emptied).
  const search = useMemory((state) => state.search);
  const searching = search !== null;
  // The list stays mounted while results show, so typing never pays for tearing down and
  // rebuilding thousands of entries.
  return (
    <>
      {searching && <SearchResults query={search.query} hits={search.hits} truncated={search.truncated} source={listing.source.id} />}
      <div hidden={searching}>
        <Groups listing={listing} selected={view.view === 'file' ? view.file : null} />
      </div>
    </>
  );
}

const Groups = memo(function Groups({ listing, selected }: { listing: MemoryListing; selected: string | null }) {
  if (!listing.source.exists) {
    return (
      <p className="muted memory-empty">
        The folder <span className="mono">{listing.source.path}</span> does not exist yet. Create the first entry to start it.
      </p>
    );
  }
  if (listing.files.length === 0) return <p className="muted memory-empty">The memory folder is empty.</p>;
  const groups = KIND_ORDER.map((kind) => ({ kind, files: listing.files.filter((file) => file.kind === kind) })).filter((group) => group.files.length > 0);
  return (
    <div className="memory-groups" data-files={listing.files.length}>
      {groups.map((group) => (
        <Group key={group.kind} kind={group.kind} files={group.files} source={listing.source.id} selected={selected} />
      ))}
    </div>
  );
});

/** Files shown per kind before "Show all": the newest matter most, and search reaches the rest. */
const GROUP_PAGE = 40;

function Group({ kind, files, source, selected }: { kind: MemoryKind; files: MemoryFile[]; source: MemorySourceId; selected: string | null }) {
  const [expanded, setExpanded] = useState(false);
  const selectedIndex = selected === null ? -1 : files.findIndex((file) => file.name === selected);
  const shown = expanded || selectedIndex >= GROUP_PAGE ? files : files.slice(0, GROUP_PAGE);
  return (
    <section aria-labelledby={`memory-group-${kind}`}>
      <h2 id={`memory-group-${kind}`} className="memory-group-title">
        {KIND_LABELS[kind]} <span className="count">{files.length}</span>
      </h2>
      <ul className="memory-file-list">
        {shown.map((file) => (
          <FileItem key={file.name} file={file} source={source} selected={file.name === selected} />
        ))}
      </ul>
      {shown.length < files.length && (
        <button className="button ghost small memory-show-all" type="button" onClick={() => setExpanded(true)}>
          Show all {files.length}
        </button>
      )}
    </section>
  );
}

const FileItem = memo(function FileItem({ file, source, selected }: { file: MemoryFile; source: MemorySourceId; selected: boolean }) {
  return (
    <li>
      <a href={fileHref(source, file.name)} aria-current={selected ? 'page' : undefined} className="memory-file-link">
        <span className="memory-file-title">{file.title ?? file.name}</span>
        <span className="memory-file-sub">
          <span className="mono">{file.name}</span> · {relativeTime(file.modifiedAt)}
        </span>
      </a>
    </li>
  );
});

function Overview({ listing }: { listing: MemoryListing | null }) {
  const root = useWorkspace((state) => state.snapshot?.root ?? null);
  return (
    <div className="memory-overview">
      {listing && <HealthCard health={listing.health} source={listing.source.id} />}
      <NewEntryForm />
      <WrapUpPanel />
      {root && <CoordinationChanges root={root} />}
      {root && <ClaudeFolders root={root} />}
    </div>
  );
}

/** The Memory screen's actions in the command palette: a new entry and the shared state (and each wrap-up, from useWrapUpCommands). */
function useMemoryCommands(source: MemorySourceId): void {
  useWrapUpCommands();
  const commands = useMemo<PaletteCommand[]>(() => {
    return [
      { id: 'memory.newEntry', title: 'New memory entry…', group: 'Memory', keywords: ['write', 'create', 'note'], run: () => openNewEntry(source) },
      {
        id: 'memory.sharedState',
        title: 'Show the shared state',
        group: 'Memory',
        keywords: ['decisions', 'scope'],
        run: () => {
          window.location.hash = SHARED_STATE_HREF;
        },
      },
    ];
  }, [source]);
  useCommands('memory', commands);
}
