import type { Locator, Page } from '@playwright/test';

/** A real pointer drag, in small steps, the way dnd-kit's pointer sensor expects. */
export async function drag(page: Page, from: Locator, to: Locator): Promise<void> {
  const start = (await from.boundingBox())!;
  const end = (await to.boundingBox())!;
  // Grab the middle of the row (its left edge holds the fold button).
  const x = start.x + Math.min(start.width / 2, 60);
  await page.mouse.move(x, start.y + start.height / 2);
  await page.mouse.down();
  await page.mouse.move(x + 10, start.y + start.height / 2, { steps: 3 });
  await page.mouse.move(end.x + end.width / 2, end.y + end.height / 2, { steps: 12 });
  await page.mouse.up();
}
