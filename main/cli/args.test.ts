import { describe, expect, it } from 'vitest';
import { isHttpUrl } from '../electron/policy';
import { defaultUserDataDir } from '../shared/user-data';
import { parseArgs, stringOption } from './args';

describe('parseArgs', () => {
  it('reads positionals, --name value, --name=value, flags and --', () => {
    const args = parseArgs(['/repo', '--port', '0', '--host=0.0.0.0', '--no-open', '--json', '--', '--literal'], new Set(['no-open']));
    expect(args.positional).toEqual(['/repo', '--literal']);
    expect(stringOption(args, 'port')).toBe('0');
    expect(stringOption(args, 'host')).toBe('0.0.0.0');
    expect(args.options.get('no-open')).toBe(true);
    expect(args.options.get('json')).toBe(true);
  });

  it('does not swallow a positional after a declared flag', () => {
    expect(parseArgs(['--no-open', '/repo'], new Set(['no-open'])).positional).toEqual(['/repo']);
  });
});

describe('defaultUserDataDir', () => {
  it('matches Electron\'s userData folder for "Lanes" on each platform, and honours LANES_USER_DATA', () => {
    expect(defaultUserDataDir({ XDG_CONFIG_HOME: '/x/config' }, 'linux')).toBe('/x/config/Lanes');
    expect(defaultUserDataDir({ APPDATA: 'C:/Users/a/AppData/Roaming' }, 'win32')).toMatch(/Roaming[\\/]Lanes$/);
    expect(defaultUserDataDir({}, 'darwin')).toMatch(/Library\/Application Support\/Lanes$/);
    expect(defaultUserDataDir({ LANES_USER_DATA: '/tmp/lanes-data' }, 'linux')).toBe('/tmp/lanes-data');
  });
});

describe('isHttpUrl', () => {
  it('lets only http(s) links reach the system browser', () => {
    expect(isHttpUrl('https://example.com/a')).toBe(true);
    expect(isHttpUrl('http://localhost:3000')).toBe(true);
    for (const url of ['file:///etc/passwd', 'javascript:alert(1)', 'smb://host/share', 'lanes://app/index.html', 'not a url']) {
      expect(isHttpUrl(url), url).toBe(false);
    }
  });
});
