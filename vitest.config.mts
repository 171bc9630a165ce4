import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['main/**/*.test.ts', 'renderer/src/**/*.test.ts', 'test/**/*.test.ts'],
    // The packed app's checks need `npm run test:package`, which packs it first.
    exclude: [...configDefaults.exclude, 'test/package/**'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks',
  },
});
