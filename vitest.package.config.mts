import { defineConfig } from 'vitest/config';

/** Checks of the packed app (`npm run test:package` packs it first with scripts/pack-stand-in.mjs). */
export default defineConfig({
  test: {
    include: ['test/package/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks',
  },
});
