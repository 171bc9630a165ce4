import path from 'node:path';
import type { MemoryChange, MemorySourceId } from '../contract/memory';
import { part, typedLine } from '../instances/typed-text';
import { MEMORY_INDEX_LIMIT } from './index-health';
import type { CoordinationPaths } from '../workspace/home';

/**
 * What Lanes types into an agent's terminal at the end of a session: one line, built from
 * checked parts (a control character in an instance name or a lanes.yml path is refused, never
 * typed), naming the home's memory folder and shared-state file by absolute path.
 */
export function wrapUpInstruction(instance: string, paths: CoordinationPaths, today: Date = new Date()): string {
  const stamp = `${today.getFullYear()}${String(today.getMonth() + 1).padStart(2, '0')}${String(today.getDate()).padStart(2, '0')}`;
  const tag = instance.replace(/[^\p{L}\p{N}]+/gu, '_').toLowerCase();
  const memory = part(paths.memory + path.sep, '`paths.memory` in lanes.yml');
  const index = part(paths.memoryIndex, 'the memory index');
  const sharedState = part(paths.sharedState, '`paths.sharedState` in lanes.yml');
  const name = part(instance, 'the instance name');
  const session = part(`project_${stamp}_${tag}.md`, 'the instance name');
  const limit = part(String(MEMORY_INDEX_LIMIT), 'the memory index limit');
  return typedLine`Session wrap-up for ${name}: record what worked as ${memory}feedback_success_<topic>.md and what to avoid next time as ${memory}feedback_correction_<topic>.md (one file per lesson, short and concrete); record where this session ended as ${memory}${session}; add a one-line entry for each new file to ${index} and keep that index under ${limit} lines; then update the current snapshot in ${sharedState}, leaving its Instance Scope Table as it is.`;
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
