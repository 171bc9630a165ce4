/**
 * The file of the built app that a URL's path asks for, relative to the app folder
 * (`index.html` for `/`), or null when the path's percent-encoding is malformed (`%u002e`, an
 * overlong `%c0%af`): such a request is the client's mistake, answered 400, never a server
 * error. The result is still only a request: resolve it with the path guard before reading.
 * Shared by the web server and the desktop app's `lanes://` protocol.
 */
export function appFileOfUrlPath(pathname: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  return decoded.replace(/^\/+/, '') || 'index.html';
}
