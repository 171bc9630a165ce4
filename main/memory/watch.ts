import { FolderWatch, type FOLDER_SETTLE_MS } from '../shared/folder-engine';
import type { Disposable } from '../shared/disposable';

export type { Disposable } from '../shared/disposable';

/**
 * The memory room's watch of one folder, on the folder engine: `onChange` gets the names of the
 * files that changed, or null when everything must be looked at again (the folder appeared, went
 * away, or the platform did not say). `filter` picks the names that matter.
 *
 * `_settleMs` is only the engine's one delay, FOLDER_SETTLE_MS (120): callers that still pass it
 * to reach `filter` compile unchanged.
 */
export function watchFolder(
  folder: string,
  boundary: string,
  onChange: (changedNames: string[] | null) => void,
  _settleMs?: typeof FOLDER_SETTLE_MS,
  filter?: (fileName: string) => boolean,
): Disposable {
  return new FolderWatch(folder, boundary, (change) => onChange(change === 'all' ? null : [...change]), filter ? { accept: filter } : {});
}
