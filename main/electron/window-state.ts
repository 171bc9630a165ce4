import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../shared/atomic-file';

/**
 * Where the window was, so Lanes opens where the user left it: size, position and whether it
 * was maximized, in `window-state.json` in the user-data folder. A damaged file, or a position
 * on a display that is gone, falls back to a centred window of the default size.
 */
export interface WindowPlacement {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  readonly maximized: boolean;
}

export interface Area {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** What the window is created with: no x/y means Electron centres it. */
export interface InitialBounds {
  readonly x?: number;
  readonly y?: number;
  readonly width: number;
  readonly height: number;
  readonly maximized: boolean;
}

export const DEFAULT_WINDOW = { width: 1280, height: 820 } as const;
export const MIN_WINDOW = { width: 880, height: 560 } as const;
/** How much of the window's top edge must lie on a display for the user to grab and move it. */
const GRAB_WIDTH = 120;
const GRAB_HEIGHT = 32;

const placementSchema = z.object({
  x: z.number().int(),
  y: z.number().int(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  maximized: z.boolean(),
});

export const WINDOW_STATE_FILE = 'window-state.json';

export function readWindowPlacement(userDataDir: string): WindowPlacement | null {
  try {
    const parsed = placementSchema.safeParse(JSON.parse(readFileSync(path.join(userDataDir, WINDOW_STATE_FILE), 'utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null; // none yet, or unreadable: the default window is the honest answer
  }
}

export async function saveWindowPlacement(userDataDir: string, placement: WindowPlacement): Promise<void> {
  await writeFileAtomic(path.join(userDataDir, WINDOW_STATE_FILE), `${JSON.stringify(placement, null, 2)}\n`);
}

/**
 * The bounds to open with, given the saved placement and the displays' work areas (the first
 * is the primary display). The saved size is kept within the display it opens on; a position
 * whose top edge is not on any display any more (a monitor unplugged) is dropped.
 */
export function initialBounds(saved: WindowPlacement | null, workAreas: readonly Area[]): InitialBounds {
  const primary = workAreas[0];
  const fit = (size: { width: number; height: number }, area: Area | undefined) => ({
    width: Math.max(MIN_WINDOW.width, area ? Math.min(size.width, area.width) : size.width),
    height: Math.max(MIN_WINDOW.height, area ? Math.min(size.height, area.height) : size.height),
  });
  if (!saved) return { ...fit(DEFAULT_WINDOW, primary), maximized: false };
  const home = workAreas.find((area) => grabbable(saved, area));
  if (!home) return { ...fit(saved, primary), maximized: saved.maximized };
  return { x: saved.x, y: saved.y, ...fit(saved, home), maximized: saved.maximized };
}

function grabbable(window: WindowPlacement, area: Area): boolean {
  const left = Math.max(window.x, area.x);
  const right = Math.min(window.x + window.width, area.x + area.width);
  const top = Math.max(window.y, area.y);
  const bottom = Math.min(window.y + GRAB_HEIGHT, area.y + area.height);
  return right - left >= GRAB_WIDTH && bottom - top >= GRAB_HEIGHT / 2;
}
