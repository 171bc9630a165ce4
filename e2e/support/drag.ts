import { expect, type Locator, type Page } from '@playwright/test';

/** How drop targets in Lanes say the dragged item is over them (dnd-kit's `isOver`). */
const OVER = '.is-over, [data-over]';

/**
 * A real pointer drag, in small steps, the way dnd-kit's pointer sensor expects, released only
 * once the target says the pointer is over it and has stopped moving. dnd-kit picks the target on
 * a pointer move after it has measured the droppables, and the page can shift while the drag goes
 * on (the overlay, its auto-scroll near an edge of the scrolling area): on a busy machine a release
 * right after the last move can land on no target, or on where the target was before the page
 * scrolled. So the target is brought to the middle of the view first, and the pointer aims at
 * where the target is now and moves again until the target lights up and stays put under it.
 */
export async function drag(page: Page, from: Locator, to: Locator): Promise<void> {
  await to.evaluate((element) => element.scrollIntoView({ block: 'center' }));
  await from.evaluate((element) => element.scrollIntoView({ block: 'nearest' }));
  const start = (await from.boundingBox())!;
  // Grab the middle of the row (its left edge holds the fold button).
  const x = start.x + Math.min(start.width / 2, 60);
  await page.mouse.move(x, start.y + start.height / 2);
  await page.mouse.down();
  await page.mouse.move(x + 10, start.y + start.height / 2, { steps: 3 });
  let nudge = 0;
  await expect(async () => {
    const aimed = (await to.boundingBox())!;
    await page.mouse.move(aimed.x + aimed.width / 2 + (nudge % 2), aimed.y + aimed.height / 2, { steps: nudge === 0 ? 12 : 2 });
    nudge += 1;
    expect(await to.evaluate((element, over) => element.matches(over), OVER)).toBe(true);
    // Still under the pointer a moment later: no auto-scroll moved it away since the pointer aimed.
    await page.waitForTimeout(100);
    const now = (await to.boundingBox())!;
    expect(Math.abs(now.y - aimed.y) + Math.abs(now.x - aimed.x)).toBeLessThan(2);
    expect(await to.evaluate((element, over) => element.matches(over), OVER)).toBe(true);
  }).toPass({ intervals: [50, 100, 200], timeout: 10_000 });
  await page.mouse.up();
}
