/** Where Lanes is installed now lives in main/shared/app-root.ts; this keeps the zones room's hook command compiling until it imports it from there. */
export { appRoot } from '../shared/app-root';
