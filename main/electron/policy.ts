/** Security policy of the desktop window, kept free of Electron imports so it can be tested in Node. */
export const APP_SCHEME = 'lanes';
export const APP_ORIGIN = `${APP_SCHEME}://app`;

export { CONTENT_SECURITY_POLICY } from '../shared/csp';

export function isHttpUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:';
  } catch {
    return false;
  }
}
