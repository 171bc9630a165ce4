import {
  DndContext,
  DragOverlay,
  KeyboardSensor,
  PointerSensor,
  useDraggable,
  useDroppable,
  useSensor,
  useSensors,
  type DragEndEvent,
  type DragStartEvent,
} from '@dnd-kit/core';
import { useEffect, useId, useMemo, useState, type FormEvent, type KeyboardEvent } from 'react';
import type { Ownership, TreeEntry } from '../../../main/contract/zones';
import { Message } from '../shell/Message';
import { useWorkspace } from '../workspace/store';
import { useZones, type DraftInstance } from './store';
import { ViolationLog } from './ViolationLog';
import { OWNERSHIP_LINK, useZonesView, violationsLink } from './routes';
import './zones.css';
import { ErrorBanner, NoWorkspace } from '../shell/Banners';

/** The owner colour of the instance at `index` (the lead's --lane-1 … --lane-8). */
export function laneColor(index: number): string {
  return `var(--lane-${(index % 8) + 1})`;
}

type DragItem = { kind: 'path'; path: string; folder: boolean } | { kind: 'chip'; instance: string; pattern: string };

/** The zone a tree entry becomes when given to an instance: folders end with `/`. */
function zoneFor(entry: { path: string; folder: boolean }): string {
  return entry.folder ? `${entry.path}/` : entry.path;
}

export function ZonesScreen() {
  const root = useWorkspace((state) => state.snapshot?.root ?? null);
  const load = useZones((state) => state.load);
  useEffect(() => {
    if (root) void load(root);
  }, [root, load]);

  if (!root) {
    return <NoWorkspace title="Zones" what="Open a repository to edit who owns which of its files." />;
  }
  return <ZoneEditor />;
}

function ZoneEditor() {
  const { saved, dirty, analysis, saving, error, notice, save, discard, previewImport, dismiss } = useZones();
  const view = useZonesView();
  const blocked = (analysis?.patternProblems.length ?? 0) > 0;
  return (
    <section className="screen zones-screen" aria-labelledby="screen-title">
      <header className="screen-header">
        <div>
          <h1 id="screen-title">Zones</h1>
          <p className="muted">Drag a folder onto an instance to give it ownership, or a chip to another instance to move it.</p>
        </div>
        <div className="row">
          <button className="button" type="button" onClick={() => void previewImport()}>
            Import scope table…
          </button>
          <button className="button" type="button" onClick={discard} disabled={!dirty || saving}>
            Discard
          </button>
          <button className="button primary" type="button" onClick={() => void save()} disabled={!dirty || saving || blocked}>
            {saving ? 'Saving…' : 'Save zones'}
          </button>
        </div>
      </header>

      {error && <ErrorBanner message={error} onDismiss={dismiss} />}
      {notice && !error && (
        <div className="banner banner-info" role="status">
          <span>
            <Message text={notice} />
          </span>
          <button className="button small ghost" type="button" onClick={dismiss}>
            Dismiss
          </button>
        </div>
      )}
      <ZonesTabs />
      {view.tab === 'violations' ? (
        <>
          <ViolationLog instance={view.instance} />
          {saved && <Enforcement />}
        </>
      ) : (
        <OwnershipView />
      )}
    </section>
  );
}

/** The drag-and-drop editor: the repository tree beside the instances, with what the draft leaves unowned or shared. */
function OwnershipView() {
  const { saved, draft, analysis, loading, addZone, moveZone } = useZones();
  const [dragging, setDragging] = useState<DragItem | null>(null);
  const sensors = useSensors(useSensor(PointerSensor, { activationConstraint: { distance: 4 } }), useSensor(KeyboardSensor));

  const onDragStart = (event: DragStartEvent) => setDragging((event.active.data.current as DragItem | undefined) ?? null);
  const onDragEnd = (event: DragEndEvent) => {
    setDragging(null);
    const item = event.active.data.current as DragItem | undefined;
    const target = event.over?.data.current as { instance: string } | undefined;
    if (!item || !target) return;
    if (item.kind === 'path') addZone(target.instance, zoneFor(item));
    else moveZone(item.instance, target.instance, item.pattern);
  };

  return (
    <>
      <ImportPreview />
      {saved && analysis && <Summary analysis={analysis} draft={draft} />}

      {loading && !saved ? (
        <p className="muted" aria-busy="true">
          Reading the repository…
        </p>
      ) : saved ? (
        <DndContext sensors={sensors} onDragStart={onDragStart} onDragEnd={onDragEnd} onDragCancel={() => setDragging(null)} accessibility={{ announcements }}>
          <div className="zones-layout">
            <RepositoryTree draft={draft} />
            <div className="zones-instances" aria-label="Instances">
              {draft.length === 0 && <p className="empty">lanes.yml has no instances yet. Create one on the Instances screen, or import a scope table.</p>}
              {draft.map((instance, index) => (
                <InstanceCard key={instance.name} instance={instance} index={index} draft={draft} analysis={analysis} />
              ))}
            </div>
          </div>
          <DragOverlay>{dragging ? <span className="chip zone-chip dragging">{dragging.kind === 'path' ? zoneFor(dragging) : dragging.pattern}</span> : null}</DragOverlay>
        </DndContext>
      ) : null}

      {saved && analysis && <Problems analysis={analysis} />}
      {saved && <Enforcement />}
    </>
  );
}

/** Ownership (the editor) and Violations (the watcher's log), at the top, so neither sits below the other's length. */
function ZonesTabs() {
  const view = useZonesView();
  const total = useZones((state) => state.total);
  return (
    <nav className="zones-tabs" aria-label="Zones views">
      <a href={OWNERSHIP_LINK} aria-current={view.tab === 'ownership' ? 'page' : undefined}>
        Ownership
      </a>
      <a href={violationsLink()} aria-current={view.tab === 'violations' ? 'page' : undefined}>
        Violations <span className="count">{total}</span>
      </a>
    </nav>
  );
}

const announcements = {
  onDragStart: ({ active }: { active: { data: { current?: unknown } } }) => `Picked up ${describe(active.data.current)}. Use the arrow keys to reach an instance, Space to drop, Escape to cancel.`,
  onDragOver: ({ active, over }: { active: { data: { current?: unknown } }; over: { data: { current?: unknown } } | null }) =>
    over ? `${describe(active.data.current)} is over ${(over.data.current as { instance: string }).instance}.` : `${describe(active.data.current)} is not over an instance.`,
  onDragEnd: ({ active, over }: { active: { data: { current?: unknown } }; over: { data: { current?: unknown } } | null }) =>
    over ? `${describe(active.data.current)} given to ${(over.data.current as { instance: string }).instance}.` : `${describe(active.data.current)} dropped outside the instances; nothing changed.`,
  onDragCancel: ({ active }: { active: { data: { current?: unknown } } }) => `Cancelled moving ${describe(active.data.current)}.`,
};

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

function describe(item: unknown): string {
  const drag = item as DragItem | undefined;
  if (!drag) return 'the item';
  return drag.kind === 'path' ? zoneFor(drag) : `${drag.pattern} of ${drag.instance}`;
}

function Summary({ analysis, draft }: { analysis: Ownership; draft: readonly DraftInstance[] }) {
  return (
    <div className="card zones-summary" aria-label="Ownership summary">
      <div className="zones-bar" role="img" aria-label={`${analysis.total} tracked files`}>
        {analysis.perInstance.map((owner, index) =>
          owner.files > 0 ? <span key={owner.name} style={{ flexGrow: owner.files, background: laneColor(index) }} title={`${owner.name}: ${owner.files} files`} /> : null,
        )}
        {analysis.common > 0 && <span className="bar-common" style={{ flexGrow: analysis.common }} title={`${analysis.common} common files`} />}
        {analysis.unowned > 0 && <span className="bar-unowned" style={{ flexGrow: analysis.unowned }} title={`${analysis.unowned} unowned files`} />}
      </div>
      <div className="row zones-figures">
        <span>
          <strong>{analysis.total}</strong> tracked files
        </span>
        {analysis.perInstance.map((owner, index) => (
          <span key={owner.name} className="row zones-figure">
            <span className="lane-dot" style={{ background: laneColor(index) }} aria-hidden="true" />
            {owner.name} {owner.files} ({owner.percent}%)
          </span>
        ))}
        <span className="muted">{analysis.common} common</span>
        <span className={analysis.unowned > 0 ? 'tag tag-warn' : 'tag'}>
          {analysis.unowned} unowned ({analysis.unownedPercent}%)
        </span>
        {analysis.overlapping > 0 ? (
          <span className="tag tag-danger" role="status">
            {analysis.overlapping} {analysis.overlapping === 1 ? 'file is' : 'files are'} owned by two or more instances
          </span>
        ) : (
          <span className="tag">no overlaps</span>
        )}
        {draft.some((instance) => instance.isNew) && <span className="tag tag-warn">new instances will be added to lanes.yml</span>}
      </div>
    </div>
  );
}

function RepositoryTree({ draft }: { draft: readonly DraftInstance[] }) {
  const analysis = useZones((state) => state.analysis);
  const root = analysis?.folders[''];
  return (
    <div className="card zones-tree">
      <h2>Repository</h2>
      <p className="muted zones-hint">
        Keys: arrows move, Enter opens a folder, {draft.length > 1 ? `1–${Math.min(9, draft.length)}` : '1'} gives it to that instance, Space picks it up to drag.
      </p>
      {!root ? (
        <p className="muted">Reading…</p>
      ) : root.children.length === 0 ? (
        <p className="empty">This repository has no tracked files yet.</p>
      ) : (
        <ul role="tree" aria-label="Repository folders" className="tree">
          <TreeChildren entries={root.children} more={root.more} depth={1} draft={draft} />
        </ul>
      )}
    </div>
  );
}

function TreeChildren({ entries, more, depth, draft }: { entries: readonly TreeEntry[]; more: number; depth: number; draft: readonly DraftInstance[] }) {
  return (
    <>
      {entries.map((entry) => (
        <TreeRow key={entry.path} entry={entry} depth={depth} draft={draft} />
      ))}
      {more > 0 && (
        <li role="none" className="muted tree-more" style={{ paddingLeft: depth * 14 }}>
          and {more} more not shown (give a glob for them by hand)
        </li>
      )}
    </>
  );
}

function TreeRow({ entry, depth, draft }: { entry: TreeEntry; depth: number; draft: readonly DraftInstance[] }) {
  const expanded = useZones((state) => state.expanded.includes(entry.path));
  const children = useZones((state) => (expanded ? state.analysis?.folders[entry.path] : undefined));
  const toggleFolder = useZones((state) => state.toggleFolder);
  const addZone = useZones((state) => state.addZone);
  const folder = entry.kind === 'folder';
  const { attributes, listeners, setNodeRef, isDragging } = useDraggable({ id: `path:${entry.path}`, data: { kind: 'path', path: entry.path, folder } satisfies DragItem });

  const onKeyDown = (event: KeyboardEvent<HTMLElement>) => {
    if (event.target !== event.currentTarget) return;
    if (folder && (event.key === 'Enter' || (event.key === 'ArrowRight' && !expanded) || (event.key === 'ArrowLeft' && expanded))) {
      event.preventDefault();
      toggleFolder(entry.path);
      return;
    }
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      moveFocus(event.currentTarget, event.key === 'ArrowDown' ? 1 : -1);
      return;
    }
    const digit = Number.parseInt(event.key, 10);
    if (digit >= 1 && digit <= draft.length) {
      event.preventDefault();
      addZone(draft[digit - 1]!.name, zoneFor({ path: entry.path, folder }));
      return;
    }
    listeners?.onKeyDown?.(event);
  };

  const ownerNames = entry.owners.map((owner) => owner.name).join(', ');
  const state = entry.overlapping > 0 ? 'overlap' : entry.unowned > 0 ? (entry.unowned === entry.files ? 'unowned' : 'partly-unowned') : 'owned';
  const label = `${entry.name}${folder ? ' folder' : ''}, ${entry.files} ${entry.files === 1 ? 'file' : 'files'}${ownerNames ? `, owned by ${ownerNames}` : ''}${entry.overlapping ? `, ${entry.overlapping} overlapping` : ''}${entry.unowned ? `, ${entry.unowned} unowned` : ''}`;

  return (
    <li role="none">
      <div
        {...attributes}
        {...listeners}
        ref={setNodeRef}
        role="treeitem"
        aria-level={depth}
        aria-expanded={folder ? expanded : undefined}
        aria-label={label}
        data-path={entry.path}
        data-state={state}
        className={`tree-row tree-${state}${isDragging ? ' is-dragging' : ''}`}
        style={{ paddingLeft: 6 + (depth - 1) * 14 }}
        aria-roledescription={folder ? "draggable folder" : "draggable file"}
        tabIndex={0}
        onKeyDown={onKeyDown}
        onDoubleClick={() => folder && toggleFolder(entry.path)}
      >
        {folder ? (
          <button
            type="button"
            className="tree-toggle"
            tabIndex={-1}
            aria-hidden="true"
            onPointerDown={(event) => event.stopPropagation()}
            onClick={() => toggleFolder(entry.path)}
          >
            {expanded ? '▾' : '▸'}
          </button>
        ) : (
          <span className="tree-toggle" aria-hidden="true" />
        )}
        <span className={`tree-name${folder ? ' is-folder' : ''}`}>{entry.name}</span>
        <OwnerStrip entry={entry} draft={draft} />
        {entry.overlapping > 0 && <span className="tag tag-danger">overlap</span>}
        {entry.unowned > 0 && <span className="tag tag-warn">{entry.unowned === entry.files ? 'unowned' : `${entry.unowned} unowned`}</span>}
        {folder && <span className="count">{entry.files}</span>}
      </div>
      {folder && expanded && (
        <ul role="group" className="tree">
          {children ? <TreeChildren entries={children.children} more={children.more} depth={depth + 1} draft={draft} /> : <li className="muted tree-more">Reading…</li>}
        </ul>
      )}
    </li>
  );
}

function OwnerStrip({ entry, draft }: { entry: TreeEntry; draft: readonly DraftInstance[] }) {
  if (entry.owners.length === 0) return null;
  return (
    <span className="owner-strip" aria-hidden="true">
      {entry.owners.map((owner) => {
        const index = draft.findIndex((instance) => instance.name === owner.name);
        return <span key={owner.name} className="lane-dot" style={{ background: laneColor(index) }} title={`${owner.name}: ${owner.files} of ${entry.files}`} />;
      })}
    </span>
  );
}

function moveFocus(from: HTMLElement, step: 1 | -1): void {
  const tree = from.closest('[role="tree"]');
  if (!tree) return;
  const items = [...tree.querySelectorAll<HTMLElement>('[role="treeitem"]')];
  const next = items[items.indexOf(from) + step];
  next?.focus();
}

function InstanceCard({ instance, index, draft, analysis }: { instance: DraftInstance; index: number; draft: readonly DraftInstance[]; analysis: Ownership | null }) {
  const { setNodeRef, isOver } = useDroppable({ id: `instance:${instance.name}`, data: { instance: instance.name } });
  const addZone = useZones((state) => state.addZone);
  const [pattern, setPattern] = useState('');
  const inputId = useId();
  const figures = analysis?.perInstance.find((owner) => owner.name === instance.name);
  const problems = useMemo(() => analysis?.patternProblems.filter((problem) => problem.instance === instance.name) ?? [], [analysis, instance.name]);
  const overlapping = useMemo(
    () => new Set(analysis?.overlaps.filter((group) => group.owners.includes(instance.name)).map((group) => group.path) ?? []),
    [analysis, instance.name],
  );

  const submit = (event: FormEvent) => {
    event.preventDefault();
    addZone(instance.name, pattern);
    setPattern('');
  };

  return (
    <article
      ref={setNodeRef}
      className={`card instance-card${isOver ? ' is-over' : ''}`}
      style={{ borderTopColor: laneColor(index) }}
      aria-label={`Instance ${instance.name}`}
      data-instance={instance.name}
    >
      <header className="row">
        <span className="lane-dot" style={{ background: laneColor(index) }} aria-hidden="true" />
        <h2 className="grow">
          <span className="muted instance-key">{index < 9 ? `${index + 1} ` : ''}</span>
          {instance.name}
          {instance.isNew && <span className="tag tag-warn">new</span>}
        </h2>
        <span className="muted">{instance.role}</span>
        {figures && (
          <span className="muted">
            {plural(figures.files, 'file')} ({figures.percent}%)
          </span>
        )}
      </header>
      <ul className="zone-chips" aria-label={`Zones of ${instance.name}`}>
        {instance.zones.length === 0 && <li className="muted">No zones yet: drop a folder here.</li>}
        {instance.zones.map((zone) => (
          <ZoneChip
            key={zone}
            instance={instance.name}
            pattern={zone}
            draft={draft}
            problem={problems.find((problem) => problem.pattern === zone)?.problem ?? null}
            overlaps={overlapping.size > 0 && [...overlapping].some((path) => path.startsWith(zone.replace(/\/?$/, '/')) || zone.startsWith(path) || path === zone)}
          />
        ))}
      </ul>
      <form className="row" onSubmit={submit}>
        <label htmlFor={inputId} className="visually-hidden">
          Add a folder or glob to {instance.name}
        </label>
        <input
          id={inputId}
          className="input mono grow"
          value={pattern}
          onChange={(event) => setPattern(event.target.value)}
          placeholder="src/**/*.ts or lib/"
          autoComplete="off"
          spellCheck={false}
        />
        <button className="button small" type="submit" disabled={pattern.trim() === ''}>
          Add
        </button>
      </form>
    </article>
  );
}

function ZoneChip({ instance, pattern, draft, problem, overlaps }: { instance: string; pattern: string; draft: readonly DraftInstance[]; problem: string | null; overlaps: boolean }) {
  const removeZone = useZones((state) => state.removeZone);
  const moveZone = useZones((state) => state.moveZone);
  const { attributes, listeners, setNodeRef, isDragging } = useDraggable({ id: `chip:${instance}:${pattern}`, data: { kind: 'chip', instance, pattern } satisfies DragItem });

  const onKeyDown = (event: KeyboardEvent<HTMLElement>) => {
    if (event.target !== event.currentTarget) return;
    if (event.key === 'Delete' || event.key === 'Backspace') {
      event.preventDefault();
      removeZone(instance, pattern);
      return;
    }
    const digit = Number.parseInt(event.key, 10);
    if (digit >= 1 && digit <= draft.length) {
      event.preventDefault();
      moveZone(instance, draft[digit - 1]!.name, pattern);
      return;
    }
    listeners?.onKeyDown?.(event);
  };

  return (
    <li className="zone-chip-item">
      <span
        ref={setNodeRef}
        className={`chip zone-chip${problem ? ' has-problem' : ''}${overlaps ? ' has-overlap' : ''}${isDragging ? ' is-dragging' : ''}`}
        {...attributes}
        {...listeners}
        tabIndex={0}
        onKeyDown={onKeyDown}
        aria-label={`${pattern}, zone of ${instance}${problem ? `, problem: ${problem}` : ''}${overlaps ? ', overlaps another instance' : ''}. Delete removes it; a number moves it to that instance.`}
        title={problem ?? undefined}
      >
        <span className="mono">{pattern}</span>
        <button
          type="button"
          className="chip-remove"
          aria-label={`Remove ${pattern} from ${instance}`}
          onPointerDown={(event) => event.stopPropagation()}
          onClick={() => removeZone(instance, pattern)}
        >
          ×
        </button>
      </span>
      {problem && (
        <span className="form-error chip-problem">
          <Message text={`\`${pattern}\` ${problem}`} />
        </span>
      )}
    </li>
  );
}

function ImportPreview() {
  const preview = useZones((state) => state.importPreview);
  const applyImport = useZones((state) => state.applyImport);
  const cancelImport = useZones((state) => state.cancelImport);
  if (!preview) return null;
  return (
    <div className="card import-preview" role="region" aria-label="Import the scope table">
      <h2>Scope table in {preview.path}</h2>
      {preview.found ? (
        <>
          <p className="muted">This is what Lanes understood. Applying it replaces these instances' zones in the editor; nothing is saved until you save.</p>
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Instance</th>
                <th scope="col">Zones</th>
              </tr>
            </thead>
            <tbody>
              {preview.rows.map((row) => (
                <tr key={row.instance}>
                  <td>
                    {row.instance}
                    {!row.known && <span className="tag tag-warn">new</span>}
                  </td>
                  <td className="mono">{row.zones.join(', ') || '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
      {preview.problems.length > 0 && (
        <ul className="import-problems">
          {preview.problems.map((problem) => (
            <li key={problem} className="form-error">
              <Message text={problem} />
            </li>
          ))}
        </ul>
      )}
      <div className="row">
        {preview.found && (
          <button className="button primary" type="button" onClick={applyImport}>
            Apply to the editor
          </button>
        )}
        <button className="button" type="button" onClick={cancelImport}>
          {preview.found ? 'Cancel' : 'Close'}
        </button>
      </div>
    </div>
  );
}

function Problems({ analysis }: { analysis: Ownership }) {
  if (analysis.overlaps.length === 0 && analysis.unownedPaths.length === 0) return null;
  return (
    <div className="zones-problems">
      {analysis.overlaps.length > 0 && (
        <section className="card" aria-label="Overlaps">
          <h2>
            Overlaps <span className="count">{plural(analysis.overlapping, 'file')}</span>
          </h2>
          <ul className="path-groups">
            {analysis.overlaps.map((group) => (
              <li key={group.path}>
                <span className="mono">{group.path}</span> <span className="muted">{plural(group.files, 'file')}, owned by {group.owners.join(' and ')}</span>
              </li>
            ))}
          </ul>
        </section>
      )}
      {analysis.unownedPaths.length > 0 && (
        <section className="card" aria-label="Unowned">
          <h2>
            Unowned <span className="count">{plural(analysis.unowned, 'file')}</span>
          </h2>
          <ul className="path-groups">
            {analysis.unownedPaths.map((group) => (
              <li key={group.path}>
                <span className="mono">{group.path}</span> {group.files > 1 && <span className="muted">{group.files} files</span>}
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}

function Enforcement() {
  const enforcement = useZones((state) => state.enforcement);
  const saved = useZones((state) => state.saved);
  const setOnViolation = useZones((state) => state.setOnViolation);
  const selectId = useId();
  if (!saved) return null;
  return (
    <section className="card" aria-label="Enforcement">
      <h2>Enforcement</h2>
      <div className="row">
        <label htmlFor={selectId}>When an instance writes outside its zone</label>
        <select id={selectId} className="input" value={saved.onViolation} onChange={(event) => void setOnViolation(event.target.value as 'warn' | 'restore')}>
          <option value="warn">warn only</option>
          <option value="restore">restore the file from git</option>
        </select>
      </div>
      <ul className="watchers">
        {(enforcement?.watchers ?? []).map((watcher) => (
          <li key={watcher.checkout} className="row">
            <span className={`dot ${watcher.state === 'watching' ? 'dot-ok' : watcher.state === 'failed' ? 'dot-problem' : 'dot-missing'}`} aria-hidden="true" />
            <span className="mono grow">{watcher.checkout}</span>
            <span className="muted">{watcher.instances.join(', ') || 'no instance'}</span>
            <span>{watcher.state === 'starting' ? 'guarding…' : watcher.state}</span>
            {watcher.message && (
              <span className="form-error watcher-message" role="alert">
                <Message text={watcher.message} />
              </span>
            )}
          </li>
        ))}
      </ul>
      {(enforcement?.notes ?? []).map((note) => (
        <p key={note} className="banner banner-warn enforcement-note">
          <Message text={note} />
        </p>
      ))}
    </section>
  );
}
