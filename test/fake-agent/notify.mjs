// Runs `lanes notify` from source, for tests (the built `lanes` may not exist yet):
//   node --import tsx test/fake-agent/notify.mjs <event>
import { run } from '../../main/cli/commands/notify.ts';

process.exitCode = await run(process.argv.slice(2));
