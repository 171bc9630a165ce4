import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';

/** Serious and critical accessibility findings (axe, WCAG 2.1 A and AA) inside `selector`, one line each. */
export async function seriousFindings(page: Page, selector: string): Promise<string[]> {
  const results = await new AxeBuilder({ page }).include(selector).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${violation.id} [${violation.impact}] ${violation.help} — ${violation.nodes.slice(0, 3).map((node) => node.target.join(' ')).join('; ')}`);
}

/**
 * Saves a screenshot of `target` in the light and the dark theme (`/tmp/<name>-light.png`,
 * `-dark.png`) to look at, and answers axe's serious findings inside `selector` in each; the page
 * is left light.
 */
export async function inBothThemes(page: Page, target: { screenshot(options: { path: string }): Promise<unknown> }, name: string, selector: string): Promise<string[]> {
  const findings: string[] = [];
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await target.screenshot({ path: `/tmp/${name}-${scheme}.png` });
    findings.push(...(await seriousFindings(page, selector)).map((finding) => `${scheme}: ${finding}`));
  }
  await page.emulateMedia({ colorScheme: 'light' });
  return findings;
}
