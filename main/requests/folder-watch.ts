import { FolderWatch as EngineFolderWatch } from '../shared/folder-engine';

export type { FolderChange } from '../shared/folder-engine';

/** The requests board's watch of one requests folder: the folder engine's, closed by `close`. */
export class FolderWatch extends EngineFolderWatch {
  close(): void {
    this.dispose();
  }
}
