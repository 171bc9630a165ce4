// Renders resources/icon.svg to resources/icon.png (1024×1024) with Chromium. Run it after changing the SVG.
import { chromium } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const svg = readFileSync(fileURLToPath(new URL('../resources/icon.svg', import.meta.url)), 'utf8');
const browser = await chromium.launch({ executablePath: process.env.LANES_CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
const page = await browser.newPage({ viewport: { width: 1024, height: 1024 } });
await page.setContent(`<html><body style="margin:0;background:transparent">${svg}</body></html>`);
await page.locator('svg').screenshot({ path: fileURLToPath(new URL('../resources/icon.png', import.meta.url)), omitBackground: true });
await browser.close();
