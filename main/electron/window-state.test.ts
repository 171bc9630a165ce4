import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeTempDir } from '../../test/support/repo';
import { DEFAULT_WINDOW, MIN_WINDOW, WINDOW_STATE_FILE, initialBounds, readWindowPlacement, saveWindowPlacement } from './window-state';

const laptop = { x: 0, y: 0, width: 1440, height: 875 };
const external = { x: 1440, y: -200, width: 2560, height: 1415 };

describe('the window placement Lanes remembers', () => {
  it('opens where it was saved, maximized or not, after a round trip through the file', async () => {
    const userData = makeTempDir('lanes-window-');
    expect(readWindowPlacement(userData)).toBeNull();
    await saveWindowPlacement(userData, { x: 1600, y: -100, width: 1800, height: 1100, maximized: true });
    const saved = readWindowPlacement(userData);
    expect(saved).toEqual({ x: 1600, y: -100, width: 1800, height: 1100, maximized: true });
    expect(initialBounds(saved, [laptop, external])).toEqual({ x: 1600, y: -100, width: 1800, height: 1100, maximized: true });
  });

  it('opens a default window, centred, the first time and when the file is damaged', () => {
    const userData = makeTempDir('lanes-window-');
    writeFileSync(path.join(userData, WINDOW_STATE_FILE), '{"x": 10, "y": "oops"');
    expect(readWindowPlacement(userData)).toBeNull();
    writeFileSync(path.join(userData, WINDOW_STATE_FILE), JSON.stringify({ x: 1, y: 1, width: -5, height: 10, maximized: false }));
    expect(readWindowPlacement(userData)).toBeNull();
    expect(readFileSync(path.join(userData, WINDOW_STATE_FILE), 'utf8')).toContain('-5'); // left as it was
    expect(initialBounds(null, [laptop])).toEqual({ ...DEFAULT_WINDOW, maximized: false });
  });

  it('drops a position whose display is gone, keeping a size that fits the one left', () => {
    const onExternal = { x: 2000, y: 100, width: 2400, height: 1300, maximized: false };
    expect(initialBounds(onExternal, [laptop])).toEqual({ width: laptop.width, height: laptop.height, maximized: false });
    // Only a sliver of the title bar on the laptop: too little to grab.
    expect(initialBounds({ ...onExternal, x: laptop.width - 40 }, [laptop]).x).toBeUndefined();
    // Enough of the title bar left to grab: it stays.
    expect(initialBounds({ ...onExternal, x: laptop.width - 400, width: 1000, height: 700 }, [laptop])).toMatchObject({ x: laptop.width - 400, y: 100 });
  });

  it('never opens smaller than the window allows', () => {
    expect(initialBounds({ x: 0, y: 0, width: 200, height: 100, maximized: false }, [laptop])).toMatchObject({ width: MIN_WINDOW.width, height: MIN_WINDOW.height });
  });
});
