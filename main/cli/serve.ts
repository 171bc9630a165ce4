import path from 'node:path';
import { Lanes } from '../app/lanes';
import { appRoot, appVersion } from '../shared/app-root';
import { isLanesError } from '../shared/errors';
import { defaultUserDataDir } from '../shared/user-data';
import { DEFAULT_HOST, startWebServer, type RunningWebServer } from '../web/server';
import { TOKEN_IN_ENVIRONMENT, readTokenFile } from '../web/token-file';
import { parseArgs, stringOption } from './args';

export const DEFAULT_PORT = 7420;

export interface ServeOptions {
  readonly workspace?: string;
  readonly host?: string;
  readonly port?: number;
  readonly token?: string;
}

/** Starts the core and the web server; stops both on SIGINT/SIGTERM. */
export async function serve(options: ServeOptions): Promise<{ server: RunningWebServer; core: Lanes }> {
  const core = new Lanes({ userDataDir: defaultUserDataDir(), platform: { mode: 'web' }, version: appVersion() });
  const staticDir = path.join(appRoot(), 'dist', 'renderer');
  const listen = (port: number) => startWebServer({ core, staticDir, host: options.host ?? DEFAULT_HOST, port, ...(options.token ? { token: options.token } : {}) });
  let server: RunningWebServer;
  try {
    server = await listen(options.port ?? DEFAULT_PORT);
  } catch (error) {
    if (options.port !== undefined || (error as { code?: string }).code !== 'EADDRINUSE') throw error;
    server = await listen(0);
  }

  if (options.workspace) {
    const opened = await core.call('workspace.open', { path: options.workspace });
    if (!opened.ok) console.log(`No workspace opened: ${opened.error.message}`);
  }

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    console.log('Stopping Lanes…');
    await server.close();
    await core.dispose();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
  return { server, core };
}

export async function runServe(argv: string[]): Promise<number> {
  const args = parseArgs(argv, new Set(['no-open']));
  const portText = stringOption(args, 'port');
  const port = portText === undefined ? undefined : Number(portText);
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) {
    console.error(`--port must be a whole number from 0 to 65535, not "${portText}".`);
    return 2;
  }
  const host = stringOption(args, 'host');
  // Refused before anything starts, agents included: they descend from this process.
  if (process.env.LANES_TOKEN !== undefined) {
    console.error(TOKEN_IN_ENVIRONMENT);
    return 2;
  }
  const tokenFile = stringOption(args, 'token-file');
  if (args.options.has('token-file') && tokenFile === undefined) {
    console.error('--token-file needs the path of a file holding the token, for example `--token-file ~/.lanes-token`.');
    return 2;
  }
  // Without a path, open the folder the command was started from (npm sets INIT_CWD to it).
  const workspace = args.options.has('no-open') ? undefined : (args.positional[0] ?? (process.env.INIT_CWD || process.cwd()));
  try {
    const token = tokenFile === undefined ? undefined : await readTokenFile(tokenFile);
    const { server } = await serve({
      ...(workspace ? { workspace } : {}),
      ...(host ? { host } : {}),
      ...(port === undefined ? {} : { port }),
      ...(token === undefined ? {} : { token }),
    });
    console.log('Lanes web mode is running. Open this address in a browser (it carries the access token; keep it private):');
    console.log(`  ${server.url}`);
    console.log('Press Ctrl+C to stop.');
    return -1;
  } catch (error) {
    console.error(isLanesError(error) ? error.message : `Lanes could not start the web mode: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}
