#!/usr/bin/env node
// Runs the built command line (dist/cli/lanes.cjs). Build it first with `npm run build`.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../dist/cli/lanes.cjs', import.meta.url));
if (!existsSync(cli)) {
  console.error('Lanes is not built yet: run `npm run build` (or `npm start`, which builds first).');
  process.exit(1);
}
createRequire(import.meta.url)(cli);
