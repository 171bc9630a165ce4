import { defineConfig, type PlaywrightTestOptions, type PlaywrightWorkerOptions, type Project } from '@playwright/test';
import { existsSync } from 'node:fs';
import type { LanesOptions } from './e2e/fixtures';
import { findElectronBinary } from './e2e/support/electron';

const chromium = process.env.LANES_CHROMIUM ?? (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined);
const electronBinary = findElectronBinary();

const projects: Project<PlaywrightTestOptions & LanesOptions, PlaywrightWorkerOptions>[] = [
  {
    name: 'web',
    use: {
      lanesMode: 'web',
      browserName: 'chromium',
      launchOptions: {
        ...(chromium ? { executablePath: chromium } : {}),
        // Debian's Chromium as root needs --no-sandbox; the rest keeps it off a network it cannot reach.
        args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
      },
    },
  },
];

if (electronBinary) {
  projects.push({ name: 'electron', use: { lanesMode: 'electron' }, testIgnore: /web-only\..*spec\.ts$/ });
} else if (!process.env.PLAYWRIGHT_ELECTRON_NOTICE_SHOWN) {
  process.env.PLAYWRIGHT_ELECTRON_NOTICE_SHOWN = '1';
  console.log('e2e: the electron project is skipped: no Electron binary is installed (node_modules/electron/dist is missing, and it cannot be downloaded on this machine); the web project runs the same specs in Chromium.');
}

export default defineConfig<LanesOptions>({
  testDir: 'e2e',
  testMatch: /.*\.spec\.ts$/,
  timeout: 45_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: process.env.CI ? 2 : 1,
  retries: 0,
  reporter: [['list']],
  outputDir: 'test-results',
  use: {
    viewport: { width: 1280, height: 800 },
    trace: 'retain-on-failure',
  },
  projects,
});
