/**
 * Kept while tests, benchmarks and the adapters still build Lanes from here: they should build
 * `Lanes` from main/app/lanes.ts (the composed app) and type the core as main/core/core.ts's
 * `LanesCore`. Until then the core reaches the app through this file (a known layer exception).
 */
export { Lanes as LanesCore } from '../app/lanes';
export type { EventListener, LanesCoreOptions } from './core';
