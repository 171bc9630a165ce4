import { existsSync } from 'node:fs';
import path from 'node:path';
import { appVersion } from '../shared/app-root';
import { runServe } from './serve';
import { runStart } from './start';

const HELP = `Lanes — run several AI coding agents in parallel on one git repository.

Usage:
  lanes start [path]                     open the desktop app (the web mode where Electron cannot run)
  lanes serve [path] [--host H] [--port P] [--token-file F]
                                         serve the UI to a browser (127.0.0.1:7420 by default)
  lanes host status|stop [--force]       the pty host that keeps agents running when Lanes quits
  lanes agent <operation> [--json]       what an agent can ask Lanes (requests, owners, memory, progress)
  lanes mcp                              the same as an MCP server over stdio, for agents that speak MCP
  lanes <command> --help                 help for a command such as guard, check or notify
  lanes --version

The web mode prints an address with a secret token; anyone with it can use your terminals.
To choose the token, put it in a file only you can read and pass --token-file FILE (LANES_TOKEN
is refused: the agents Lanes starts could read it there). Pass --host only on a network you trust.`;

/** Commands bundled as their own small files (dist/cli/<name>.cjs) so hooks start fast. */
function commandFile(name: string): string | null {
  if (!/^[a-z][a-z-]*$/.test(name)) return null;
  const file = path.join(__dirname, `${name}.cjs`);
  return existsSync(file) ? file : null;
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    console.log(HELP);
    return 0;
  }
  if (command === '--version' || command === '-v') {
    console.log(appVersion());
    return 0;
  }
  if (command === 'start') return runStart(rest);
  if (command === 'serve') return runServe(rest);
  const file = commandFile(command);
  if (file) {
    const module = (await import(file)) as { run(argv: string[]): Promise<number> };
    return module.run(rest);
  }
  console.error(`Unknown command "${command}". Run \`lanes --help\` for the list.`);
  return 2;
}

void main(process.argv.slice(2)).then((code) => {
  // -1: a server is running; the process stays up until it is stopped.
  if (code >= 0) process.exitCode = code;
});
