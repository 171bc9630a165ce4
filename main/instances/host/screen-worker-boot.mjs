// The pty host's screen thread run from source (tests; Lanes run through tsx): tsx compiles
// screen-worker.ts. The built host starts dist/host/screen-worker.cjs instead.
import { tsImport } from 'tsx/esm/api';

await tsImport('./screen-worker.ts', import.meta.url);
