import { useDroppable } from '@dnd-kit/core';
import { useId, useMemo, useState, type FormEvent } from 'react';
import type { Ownership } from '../../../main/contract/zones';
import { laneColor } from './lane-color';
import { plural } from './plural';
import { useZones, type DraftInstance } from './store';
import { ZoneChip } from './ZoneChip';

/** One instance: its zones as chips, where tree entries and chips are dropped, and a field to add a glob by hand. */
export function InstanceCard({ instance, index, draft, analysis }: { instance: DraftInstance; index: number; draft: readonly DraftInstance[]; analysis: Ownership | null }) {
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
        {/* "custom" is the role of every instance not made from a preset: it tells nothing. */}
        {instance.role !== 'custom' && <span className="muted">{instance.role}</span>}
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
