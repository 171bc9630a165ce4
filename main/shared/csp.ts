/**
 * The Content-Security-Policy of every Lanes page, in the desktop window and the web mode:
 * only Lanes' own scripts, no inline script, no plugins, no frames, no foreign connections.
 * (renderer/index.html repeats it in a meta tag as a second line of defence.)
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-src 'none'",
  "frame-ancestors 'none'",
].join('; ');
