import { describeHost, stopHost } from '../../instances/host/manage';
import { defaultUserDataDir } from '../../shared/user-data';
import { parseArgs } from '../args';

/** `lanes host status|stop`: the pty host that keeps agents running while Lanes is closed. */
const HELP = `Usage: lanes host status
       lanes host stop [--force]

Lanes runs your agents in a separate process, the pty host, so they keep running when Lanes
quits or crashes. \`status\` shows it and its agents; \`stop\` ends every agent it runs and the
host itself. A host from another version of Lanes is left alone unless you add --force.`;

export async function run(argv: string[]): Promise<number> {
  const args = parseArgs(argv, new Set(['force', 'help']));
  const [action] = args.positional;
  if (args.options.has('help') || action === undefined) {
    console.log(HELP);
    return action === undefined && !args.options.has('help') ? 2 : 0;
  }
  const userDataDir = defaultUserDataDir();
  try {
    const report =
      action === 'status' ? await describeHost(userDataDir) : action === 'stop' ? await stopHost(userDataDir, { force: args.options.has('force') }) : { code: 2, text: `Unknown action "${action}".\n\n${HELP}` };
    (report.code === 0 || action === 'status' ? console.log : console.error)(report.text);
    return report.code;
  } catch (error) {
    console.error(`lanes host ${action}: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}
