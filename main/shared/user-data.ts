import os from 'node:os';
import path from 'node:path';

/**
 * Where Lanes keeps its own files (recent workspaces, pids of running agents): the same folder
 * Electron's `app.getPath('userData')` gives for "Lanes", so the desktop app and the web mode
 * share it. `LANES_USER_DATA` overrides it (tests, portable setups).
 */
export function defaultUserDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.LANES_USER_DATA) return path.resolve(env.LANES_USER_DATA);
  const home = os.homedir();
  if (platform === 'win32') return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'Lanes');
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'Lanes');
  return path.join(env.XDG_CONFIG_HOME ?? path.join(home, '.config'), 'Lanes');
}
