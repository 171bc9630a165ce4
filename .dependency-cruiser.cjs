/**
 * Lanes' layers, checked by dependency-cruiser in `npm test` (scripts/check-layers.mjs).
 *
 *   main/shared, main/contract            shared: pure helpers and the one contract
 *   main/<room>                           rooms: one capability each
 *   main/core                             core: runs the rooms it is given, knowing none of them
 *   main/app                              the app: composes the rooms and hands them to the core
 *   main/electron, main/web, main/cli     adapters: serve the app to a window, a browser, a shell
 *   preload, renderer                     the page's side: they know the contract and nothing else of main
 *
 * An import may run down this list (an adapter uses the core, a room uses shared code), never up,
 * and never from one room into another. Tests may put layers together; production code may not.
 */
const ROOMS = 'instances|zones|requests|memory|workspace|worktrees|radar|agents';
const ADAPTERS = 'electron|web|cli';
/** Test code: *.test.ts files, rooms' test-support.ts, and the test and e2e folders. */
const TESTS = '(\\.test\\.tsx?$|/test-support\\.ts$|^test/|^e2e/)';

/**
 * What a room publishes for the others: the few modules every room needs from it. Everything
 * else in a room is its own, reached only through the room context.
 */
const PUBLISHED = [
  // lanes.yml (one owner, the config service) and the one home of the coordination files
  'main/workspace/(config|config-service|config-file|config-yaml|home|coordination-check)\\.ts',
  // what Lanes may type into an agent's terminal, and which agents take prose
  'main/instances/(typed-text|agent-context)\\.ts',
  // the readers of the shared-state file and the memory index
  'main/memory/(shared-state|index-health)\\.ts',
  // the one zone matcher
  'main/zones/matcher\\.ts',
];
const PUBLISHED_PATH = `^(${PUBLISHED.join('|')})$`;

/**
 * Imports that break a rule today, each named with the rule it breaks and why it is there. They
 * are tolerated until the issue that removes them lands; check-layers fails when one of them is
 * gone, so this list only shrinks.
 */
const knownExceptions = [
];

module.exports = {
  forbidden: [
    {
      name: 'electron-only-in-the-desktop-adapter-and-preload',
      comment: 'Only main/electron and preload may import electron: the rest of Lanes runs and is tested in plain Node and the browser.',
      severity: 'error',
      from: { pathNot: '^(main/electron|preload)/' },
      to: { path: '^node_modules/electron/' },
    },
    {
      name: 'renderer-knows-only-the-contract-of-main',
      comment: 'The renderer talks to main through the contract; anything else of main would drag Node code into the page.',
      severity: 'error',
      from: { path: '^(renderer|preload)/', pathNot: TESTS },
      to: { path: '^main/', pathNot: '^main/contract/' },
    },
    {
      name: 'renderer-runs-without-node',
      comment: "The renderer is a browser page (Electron's sandboxed window and the web mode): no Node built-ins.",
      severity: 'error',
      from: { path: '^renderer/', pathNot: TESTS },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'rooms-do-not-reach-into-each-other',
      comment: "A room uses another room's work only through the room context the core gives it; what rooms share lives in main/shared, main/contract and main/core/room.ts.",
      severity: 'error',
      from: { path: `^main/(${ROOMS})/`, pathNot: TESTS },
      to: { path: `^main/(${ROOMS})/`, pathNot: `^main/$1/|${PUBLISHED_PATH}` },
    },
    {
      name: 'shared-code-stays-at-the-bottom',
      comment: 'main/shared and main/contract are used by everything, so they use nothing above them.',
      severity: 'error',
      from: { path: '^main/(shared|contract)/', pathNot: TESTS },
      to: { path: '^main/', pathNot: '^main/(shared|contract)/' },
    },
    {
      name: 'the-contract-is-a-leaf',
      comment: 'The contract is imported by main, preload and the renderer alike: it may use only itself (and zod).',
      severity: 'error',
      from: { path: '^main/contract/', pathNot: TESTS },
      to: { path: '^main/', pathNot: '^main/contract/' },
    },
    {
      name: 'rooms-do-not-import-upward',
      comment: 'Rooms sit below the core, the app and the adapters: from the core they use only the room interface (main/core/room.ts).',
      severity: 'error',
      from: { path: `^main/(${ROOMS})/`, pathNot: TESTS },
      to: { path: `^main/(core|app|${ADAPTERS})/`, pathNot: '^main/core/room\\.ts$|^main/cli/' },
    },
    {
      name: 'domain-code-does-not-import-the-command-line',
      comment: 'main/cli is an adapter that runs the domain from a shell; the domain never depends on it.',
      severity: 'error',
      from: { path: `^main/(shared|contract|core|app|${ROOMS})/`, pathNot: TESTS },
      to: { path: '^main/cli/' },
    },
    {
      name: 'the-core-knows-no-room',
      comment: 'The core runs the rooms the app hands it (main/app/lanes.ts) and imports none of them.',
      severity: 'error',
      from: { path: '^main/core/', pathNot: TESTS },
      to: { path: `^main/(${ROOMS})/`, pathNot: PUBLISHED_PATH },
    },
    {
      name: 'the-core-uses-only-types-of-what-rooms-publish',
      comment: "The room context names a few published types (lanes.yml's service); the core loads no room code.",
      severity: 'error',
      from: { path: '^main/core/', pathNot: TESTS },
      to: { path: PUBLISHED_PATH, dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'the-app-composes-rooms-only-through-their-factories',
      comment: "The app builds each room from its room.ts factory and knows nothing else of a room's insides.",
      severity: 'error',
      from: { path: '^main/app/', pathNot: TESTS },
      to: { path: `^main/(${ROOMS})/`, pathNot: `^main/(${ROOMS})/room\\.ts$|${PUBLISHED_PATH}` },
    },
    {
      name: 'the-core-does-not-know-the-app-or-its-adapters',
      comment: 'The app and the adapters (electron, web, cli) use the core; the core never imports them.',
      severity: 'error',
      from: { path: '^main/core/', pathNot: TESTS },
      to: { path: `^main/(app|${ADAPTERS})/` },
    },
    {
      name: 'the-app-does-not-know-its-adapters',
      comment: 'The adapters (electron, web, cli) serve the app; the app never imports one.',
      severity: 'error',
      from: { path: '^main/app/', pathNot: TESTS },
      to: { path: `^main/(${ADAPTERS})/` },
    },
    {
      name: 'adapters-stand-apart',
      comment: "The desktop and web adapters do not use each other or the command line; the command line's `serve` may start the web adapter.",
      severity: 'error',
      from: { path: '^main/(electron|web)/', pathNot: TESTS },
      to: { path: `^main/(${ADAPTERS})/`, pathNot: '^main/$1/' },
    },
    {
      name: 'production-code-does-not-import-tests',
      comment: 'Test helpers and fixtures never ship.',
      severity: 'error',
      from: { path: '^(main|preload|renderer)/', pathNot: TESTS },
      to: { path: TESTS },
    },
    {
      name: 'no-unresolvable-imports',
      comment: 'An import that does not resolve fails at run time (or hides from these rules).',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|release)/' },
    // Type-only imports count: a type from electron in a room is still a room that knows Electron.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.base.json' },
    // Packages such as the MCP SDK publish their modules only through package.json `exports`.
    enhancedResolveOptions: { extensions: ['.ts', '.tsx', '.mjs', '.js', '.cjs', '.json'], exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
    knownViolations: knownExceptions.map(({ rule, from, to }) => ({ type: 'dependency', from, to, rule: { name: rule, severity: 'error' } })),
  },
};
