import type { Blocker, Level, PlannedRequest, Quadrant, RequestPlan, RequestSummary } from '../contract/requests';

/**
 * Planning over the parsed requests: the priority matrix's quadrants, the `blocked_by` graph, its
 * cycles, and the suggested order in waves. Pure functions: nothing here reads the disk.
 */

const QUADRANT_LEVELS: Record<Quadrant, { urgency: Level; importance: Level }> = {
  'do-first': { urgency: 'high', importance: 'high' },
  schedule: { urgency: 'low', importance: 'high' },
  delegate: { urgency: 'high', importance: 'low' },
  later: { urgency: 'low', importance: 'low' },
};
const QUADRANT_RANK: Record<Quadrant, number> = { 'do-first': 0, schedule: 1, delegate: 2, later: 3 };
const PRIORITY_RANK: Record<string, number> = { critical: 0, urgent: 0, high: 0, medium: 1, normal: 1, low: 2 };

export function quadrantOf(urgency: Level | null, importance: Level | null): Quadrant | null {
  if (urgency === null || importance === null) return null;
  return (Object.keys(QUADRANT_LEVELS) as Quadrant[]).find((quadrant) => QUADRANT_LEVELS[quadrant].urgency === urgency && QUADRANT_LEVELS[quadrant].importance === importance)!;
}

/** The front matter a quadrant writes; null (the unsorted tray) removes both keys. */
export function levelsOf(quadrant: Quadrant | null): { urgency: Level | null; importance: Level | null } {
  return quadrant === null ? { urgency: null, importance: null } : QUADRANT_LEVELS[quadrant];
}

/**
 * Finds the request a `blocked_by` entry names. Entries are request file names of the requests
 * folder, found in it or in `done/`: the whole name (`20260413_groq.md`), without `.md`, or
 * without the date (`groq`), case-insensitive. `done/` in front is allowed.
 */
export function blockerResolver(requests: readonly RequestSummary[]): (ref: string, self: string) => Blocker {
  const byStem = new Map<string, string[]>();
  const bySlug = new Map<string, string[]>();
  const add = (map: Map<string, string[]>, key: string, file: string) => map.set(key, [...(map.get(key) ?? []), file]);
  for (const request of requests) {
    add(byStem, request.name.replace(/\.md$/i, '').toLowerCase(), request.file);
    add(bySlug, request.slug.toLowerCase(), request.file);
  }
  return (ref, self) => {
    const name = ref.trim().replace(/\\/g, '/').replace(/^\.\//, '').replace(/^done\//i, '');
    if (name.includes('/') || name === '') {
      return { ref, file: null, problem: `"${ref}" is not a request file name: name a file of the requests folder, such as \`20260413_groq.md\`.` };
    }
    const stem = name.replace(/\.md$/i, '').toLowerCase();
    const found = byStem.get(stem) ?? bySlug.get(stem) ?? [];
    if (found.length === 0) return { ref, file: null, problem: `No request is named "${ref}".` };
    if (found.length > 1) return { ref, file: null, problem: `"${ref}" names ${found.length} requests (${found.join(', ')}); write the whole file name.` };
    if (found[0] === self) return { ref, file: null, problem: 'A request cannot wait for itself.' };
    return { ref, file: found[0]!, problem: null };
  };
}

/** The dependencies of every request and the order they suggest (see `requestPlanSchema`). */
export function planOf(requests: readonly RequestSummary[]): RequestPlan {
  const resolve = blockerResolver(requests);
  const byFile = new Map(requests.map((request) => [request.file, request]));
  const blockers = new Map(requests.map((request) => [request.file, request.blockedBy.map((ref) => resolve(ref, request.file))]));
  const blocks = new Map<string, string[]>(requests.map((request) => [request.file, []]));
  for (const [file, list] of blockers) {
    for (const blocker of list) if (blocker.file !== null && !blocks.get(blocker.file)!.includes(file)) blocks.get(blocker.file)!.push(file);
  }
  const unfinished = requests.filter((request) => request.status !== 'done').map((request) => request.file);
  /** The unfinished requests a request still waits for. */
  const waitsFor = (file: string) => [...new Set(blockers.get(file)!.flatMap((blocker) => (blocker.file !== null && byFile.get(blocker.file)!.status !== 'done' ? [blocker.file] : [])))];

  const cycles = cyclesOf(unfinished, waitsFor);
  const inCycle = new Set(cycles.flat());
  const unordered = new Map<string, string>();
  for (const cycle of cycles) {
    for (const file of cycle) unordered.set(file, `It is in a cycle of \`blocked_by\`: ${cycle.map((member) => titleOf(byFile, member)).join(' → ')} → ${titleOf(byFile, cycle[0]!)}.`);
  }
  // Whatever waits on a cycle, directly or not, cannot be ordered either.
  const stack = [...inCycle];
  while (stack.length > 0) {
    const file = stack.pop()!;
    for (const dependent of blocks.get(file)!) {
      if (unordered.has(dependent) || byFile.get(dependent)!.status === 'done') continue;
      unordered.set(dependent, `It waits on “${titleOf(byFile, file)}”, which cannot start: it is in or behind a cycle of \`blocked_by\`.`);
      stack.push(dependent);
    }
  }

  const waves = wavesOf(
    unfinished.filter((file) => !unordered.has(file)),
    waitsFor,
    (file) => byFile.get(file)!,
  );
  const waveOf = new Map(waves.flatMap((wave, index) => wave.map((file) => [file, index] as const)));
  const planned: PlannedRequest[] = requests.map((request) => ({
    file: request.file,
    blockers: blockers.get(request.file)!,
    blocks: blocks.get(request.file)!,
    inCycle: inCycle.has(request.file),
    wave: waveOf.get(request.file) ?? null,
  }));
  return { requests: planned, cycles, waves, unordered: [...unordered].map(([file, reason]) => ({ file, reason })) };
}

/**
 * Waves of a topological order: each wave takes, in priority order, the requests whose blockers
 * are all in earlier waves, at most one per receiver (an agent does one thing at a time).
 * Hundreds of open requests for a few receivers make hundreds of waves, so the priority order is
 * sorted and each request's blockers asked once, not again for every wave.
 */
export function wavesOf(files: readonly string[], waitsFor: (file: string) => string[], requestOf: (file: string) => RequestSummary): string[][] {
  let remaining = files.map((file) => ({ request: requestOf(file), blockers: waitsFor(file) })).sort((a, b) => byPriority(a.request, b.request));
  const placed = new Set<string>();
  const waves: string[][] = [];
  while (remaining.length > 0) {
    const receivers = new Set<string>();
    const wave: string[] = [];
    for (const { request, blockers } of remaining) {
      if (!blockers.every((blocker) => placed.has(blocker))) continue;
      const receiver = request.toInstance ?? request.to?.toLowerCase() ?? `file:${request.file}`;
      if (receivers.has(receiver)) continue;
      receivers.add(receiver);
      wave.push(request.file);
    }
    // Only requests that wait on something outside `files` are left: nothing more can be placed.
    if (wave.length === 0) break;
    for (const file of wave) placed.add(file);
    remaining = remaining.filter(({ request }) => !placed.has(request.file));
    waves.push(wave);
  }
  return waves;
}

/** Most pressing first: the matrix's quadrant, then `priority:`, then the oldest, then by name. */
export function byPriority(a: RequestSummary, b: RequestSummary): number {
  const quadrant = (request: RequestSummary) => (request.quadrant === null ? 4 : QUADRANT_RANK[request.quadrant]);
  const priority = (request: RequestSummary) => PRIORITY_RANK[request.priority?.toLowerCase() ?? ''] ?? 1;
  const day = (request: RequestSummary) => request.date ?? request.modifiedAt.slice(0, 10);
  return quadrant(a) - quadrant(b) || priority(a) - priority(b) || day(a).localeCompare(day(b)) || a.name.localeCompare(b.name);
}

/**
 * The cycles among `files` (Tarjan's strongly connected components of more than one request),
 * each listed from its first file in the order the requests wait on each other.
 */
export function cyclesOf(files: readonly string[], waitsFor: (file: string) => string[]): string[][] {
  const inside = new Set(files);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  let counter = 0;
  const edges = (file: string) => waitsFor(file).filter((next) => inside.has(next));

  for (const root of files) {
    if (index.has(root)) continue;
    // Iterative depth-first search: a long chain of requests must not overflow the call stack.
    const work: { file: string; next: number }[] = [{ file: root, next: 0 }];
    index.set(root, counter);
    low.set(root, counter++);
    stack.push(root);
    onStack.add(root);
    while (work.length > 0) {
      const top = work[work.length - 1]!;
      const targets = edges(top.file);
      if (top.next < targets.length) {
        const target = targets[top.next++]!;
        if (!index.has(target)) {
          index.set(target, counter);
          low.set(target, counter++);
          stack.push(target);
          onStack.add(target);
          work.push({ file: target, next: 0 });
        } else if (onStack.has(target)) {
          low.set(top.file, Math.min(low.get(top.file)!, index.get(target)!));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.file, Math.min(low.get(parent.file)!, low.get(top.file)!));
      if (low.get(top.file) === index.get(top.file)) {
        const component: string[] = [];
        let member: string;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          component.push(member);
        } while (member !== top.file);
        if (component.length > 1) components.push(orderCycle(component, edges));
      }
    }
  }
  return components;
}

/** A cycle's files from its alphabetically first one, each followed by one it waits for. */
function orderCycle(component: string[], edges: (file: string) => string[]): string[] {
  const members = new Set(component);
  const start = [...component].sort()[0]!;
  const ordered = [start];
  let current = start;
  while (ordered.length < component.length) {
    const next = edges(current).find((target) => members.has(target) && !ordered.includes(target));
    if (next === undefined) break;
    ordered.push(next);
    current = next;
  }
  return ordered.length === component.length ? ordered : [...component].sort();
}

/**
 * For each unfinished request with a `blocked_by`: how many of the requests it names are not done.
 * While one of its names finds no request, the count of `previous` is kept: a blocker moved into
 * `done/` by hand reads as gone for a moment, between the two folders' watchers.
 */
export function waitingCounts(requests: readonly RequestSummary[], previous: ReadonlyMap<string, number> = new Map()): Map<string, number> {
  const resolve = blockerResolver(requests);
  const status = new Map(requests.map((request) => [request.file, request.status]));
  const counts = new Map<string, number>();
  for (const request of requests) {
    if (request.blockedBy.length === 0 || request.status === 'done') continue;
    const blockers = request.blockedBy.map((ref) => resolve(ref, request.file));
    if (blockers.some((blocker) => blocker.file === null)) {
      const before = previous.get(request.file);
      if (before !== undefined) counts.set(request.file, before);
      continue;
    }
    counts.set(request.file, blockers.filter((blocker) => status.get(blocker.file!) !== 'done').length);
  }
  return counts;
}

/** The requests whose last blocker reached done between two counts: waiting before, on nothing now. */
export function newlyUnblocked(before: ReadonlyMap<string, number>, after: ReadonlyMap<string, number>, requests: readonly RequestSummary[]): RequestSummary[] {
  return requests.filter((request) => (before.get(request.file) ?? 0) > 0 && after.get(request.file) === 0);
}

function titleOf(byFile: Map<string, RequestSummary>, file: string): string {
  return byFile.get(file)?.title ?? file;
}
