import { leaseCovering, type Lease } from './leases';
import { compileGroups, normalizeRepoPath, type MatchOptions } from './matcher';

/** One instance's zone: the patterns it owns. */
export interface InstanceZone {
  readonly name: string;
  readonly zones: readonly string[];
}

/** The coordination files every instance may write, as the field report's workflow needs. */
export function defaultCommonZones(paths: { sharedState: string; requests: string; memory: string }): string[] {
  return [`${paths.requests.replace(/\/+$/, '')}/`, `${paths.memory.replace(/\/+$/, '')}/`, paths.sharedState];
}

/** Instances beyond this share one matcher pass each; 30 fit in one (the common paths take a bit). */
const GROUP_LIMIT = 30;

/**
 * Every instance's zone compiled once: who owns a path, and whether an instance may write it.
 * Imports only the matcher, so `lanes guard` can use it and still start fast.
 */
export class ZoneSet {
  readonly names: readonly string[];
  private readonly passes: ReadonlyArray<{ readonly offset: number; readonly test: (path: string) => number }>;
  private readonly common: (path: string) => number;
  private readonly byName: ReadonlyMap<string, number>;
  private readonly ignoreCase: boolean;

  /** `leases`: the live leases, which decide before the zones do (see `mayWrite`). */
  constructor(
    instances: readonly InstanceZone[],
    common: readonly string[],
    options: MatchOptions = {},
    readonly leases: readonly Lease[] = [],
  ) {
    this.ignoreCase = options.ignoreCase === true;
    this.names = instances.map((instance) => instance.name);
    this.byName = new Map(this.names.map((name, index) => [name, index]));
    const passes = [];
    for (let offset = 0; offset < instances.length; offset += GROUP_LIMIT) {
      const slice = instances.slice(offset, offset + GROUP_LIMIT);
      passes.push({ offset, test: compileGroups(slice.map((instance) => instance.zones), options) });
    }
    this.passes = passes;
    this.common = compileGroups([common], options);
  }

  /** The instances whose zones contain the path (none: unowned; two or more: an overlap). */
  ownersOf(repoPath: string): string[] {
    const path = normalizeRepoPath(repoPath);
    const found: string[] = [];
    for (const pass of this.passes) {
      for (let mask = pass.test(path); mask !== 0; mask &= mask - 1) found.push(this.names[pass.offset + 31 - Math.clz32(mask & -mask)]!);
    }
    return found;
  }

  /**
   * The owners of a path already in normalized form, as indexes into `names`, appended to `into`.
   * The allocation-free form of `ownersOf`, for analysing every tracked file at once.
   */
  ownerIndexes(path: string, into: number[]): void {
    for (const pass of this.passes) {
      for (let mask = pass.test(path); mask !== 0; mask &= mask - 1) into.push(pass.offset + 31 - Math.clz32(mask & -mask));
    }
  }

  isCommon(repoPath: string): boolean {
    return this.common(normalizeRepoPath(repoPath)) !== 0;
  }

  /** The live lease on the path, if any (one whose time is up is not). */
  leaseOn(repoPath: string): Lease | null {
    return this.leases.length === 0 ? null : leaseCovering(this.leases, repoPath, this.ignoreCase);
  }

  /**
   * Whether the instance may write the path: under a live lease only its holder may; otherwise
   * it is in the instance's zone or in the common paths.
   */
  mayWrite(instance: string, repoPath: string): boolean {
    const path = normalizeRepoPath(repoPath);
    const lease = this.leaseOn(path);
    if (lease) return lease.instance === instance;
    if (this.common(path) !== 0) return true;
    const index = this.byName.get(instance);
    if (index === undefined) return false;
    const pass = this.passes[Math.floor(index / GROUP_LIMIT)]!;
    return (pass.test(path) & (1 << (index - pass.offset))) !== 0;
  }
}
