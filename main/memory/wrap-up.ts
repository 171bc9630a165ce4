import type { MemoryChange, MemorySourceId } from '../contract/memory';

export interface RitualPaths {
  readonly memory: string;
  readonly sharedState: string;
}

/**
 * What Lanes types into an agent's terminal at the end of a session. One line, because the
 * terminal sends it with Enter; it names the files by the workspace's own paths.
 */
export function wrapUpInstruction(instance: string, paths: RitualPaths, today: Date = new Date()): string {
  const memory = paths.memory.replace(/\/+$/, '');
  const stamp = `${today.getFullYear()}${String(today.getMonth() + 1).padStart(2, '0')}${String(today.getDate()).padStart(2, '0')}`;
  const tag = instance.replace(/[^\p{L}\p{N}]+/gu, '_').toLowerCase();
  return [
    `Session wrap-up for ${instance}:`,
    `record what worked as ${memory}/feedback_success_<topic>.md and what to avoid next time as ${memory}/feedback_correction_<topic>.md (one file per lesson, short and concrete);`,
    `record where this session ended as ${memory}/project_${stamp}_${tag}.md;`,
    `add a one-line entry for each new file to ${memory}/MEMORY.md and keep that index under 200 lines;`,
    `then update the current snapshot in ${paths.sharedState}, leaving its Instance Scope Table as it is.`,
  ].join(' ');
}

export type VersionSnapshot = ReadonlyMap<MemorySourceId, ReadonlyMap<string, string>>;

/** The memory files added, modified or deleted between two snapshots of file versions. */
export function changesSince(before: VersionSnapshot, after: VersionSnapshot): MemoryChange[] {
  const changes: MemoryChange[] = [];
  const sources = new Set<MemorySourceId>([...before.keys(), ...after.keys()]);
  for (const source of sources) {
    const then = before.get(source) ?? new Map<string, string>();
    const now = after.get(source) ?? new Map<string, string>();
    for (const [name, hash] of now) {
      if (!then.has(name)) changes.push({ source, name, change: 'added' });
      else if (then.get(name) !== hash) changes.push({ source, name, change: 'modified' });
    }
    for (const name of then.keys()) if (!now.has(name)) changes.push({ source, name, change: 'deleted' });
  }
  return changes.sort((a, b) => a.source.localeCompare(b.source) || a.name.localeCompare(b.name));
}
