import path from 'node:path';
import type { PathOwner } from '../contract/zones';
import { LanesError } from '../shared/errors';
import { ignoresCase, relativeInside } from '../shared/path-guard';
import type { Lease } from './leases';
import { normalizeRepoPath } from './matcher';
import { ZoneSet } from './zone-set';
import { instanceCheckout, ownCopyOfCoordinationFile, type ZonesConfig } from './zones-config';

/**
 * Who owns `asked` under the zones of lanes.yml and the live leases. A path is repository-relative
 * (as lanes.yml writes zones), or absolute inside the main checkout or one of the instances'
 * worktrees; anything else is refused.
 */
export function whoOwns(asked: string, home: string, config: ZonesConfig, leases: readonly Lease[]): PathOwner {
  const checkouts = [home, ...config.instances.flatMap((instance) => (instance.worktree ? [instanceCheckout(home, instance)] : []))];
  const repoPath = repositoryPath(asked, checkouts);
  const ignoreCase = ignoresCase(home);
  const zones = new ZoneSet(config.instances, config.common, { ignoreCase }, leases);
  const coordination = ownCopyOfCoordinationFile(repoPath, config, { ignoreCase });
  return {
    path: repoPath,
    owners: zones.ownersOf(repoPath),
    common: zones.isCommon(repoPath),
    coordination: coordination === 'config' ? null : coordination,
    lease: zones.leaseOn(repoPath),
  };
}

/** The repository-relative form of a path given relative to the repository or absolute inside one of its checkouts. */
function repositoryPath(asked: string, checkouts: readonly string[]): string {
  let relative: string | null = asked;
  if (path.isAbsolute(asked)) {
    relative = null;
    for (const checkout of checkouts) {
      const inside = relativeInside(checkout, asked, { ignoreCase: ignoresCase(checkout) });
      if (inside !== null && (relative === null || inside.length < relative.length)) relative = inside;
    }
  }
  const normalized = relative === null ? null : normalizeRepoPath(relative);
  if (normalized === null || normalized === '' || normalized.split('/').includes('..')) {
    throw new LanesError('outside-workspace', `\`${asked}\` is not inside this repository or its worktrees; give a path relative to the repository root.`);
  }
  return normalized;
}
