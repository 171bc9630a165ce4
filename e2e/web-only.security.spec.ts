import WebSocket from 'ws';
import http from 'node:http';
import { expect, test } from './fixtures';

/** A raw HTTP request, so the test controls Host and Origin as an attacker's client would. */
function request(origin: string, pathAndQuery: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  const url = new URL(pathAndQuery, origin);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: url.hostname, port: url.port, path: url.pathname + url.search, headers }, (res) => {
      let body = '';
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Opens the API socket and answers the HTTP status of the handshake (101 when accepted). */
function socketStatus(origin: string, options: { token?: string; headers?: Record<string, string> }): Promise<number> {
  const url = `${origin.replace('http', 'ws')}/api${options.token ? `?token=${options.token}` : ''}`;
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers: options.headers ?? {} });
    ws.on('open', () => {
      ws.close();
      resolve(101);
    });
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('error', () => resolve(0));
  });
}

test.describe('the web mode is locked like SSH', () => {
  test('refuses a missing or wrong token on pages and on the socket', async ({ app }) => {
    const origin = app.origin!;
    expect((await request(origin, '/')).status).toBe(401);
    expect((await request(origin, '/')).body).toContain('Access token needed');
    expect((await request(origin, '/index.html?token=wrong-token-wrong-token-wrong')).status).toBe(401);
    expect((await request(origin, '/', { Authorization: `Bearer ${app.token!.slice(1)}x` })).status).toBe(401);
    expect(await socketStatus(origin, {})).toBe(401);
    expect(await socketStatus(origin, { token: 'x'.repeat(43) })).toBe(401);
    // No Origin header at all (not a browser): the token is still required, and enough.
    expect(await socketStatus(origin, { token: app.token! })).toBe(101);
  });

  test('refuses a foreign Origin even with the right token', async ({ app }) => {
    const origin = app.origin!;
    expect((await request(origin, `/?token=${app.token}`, { Origin: 'http://evil.example' })).status).toBe(403);
    expect(await socketStatus(origin, { token: app.token!, headers: { Origin: 'http://evil.example' } })).toBe(403);
    expect(await socketStatus(origin, { token: app.token!, headers: { Origin: origin } })).toBe(101);
  });

  test('refuses a foreign Host (DNS rebinding) even with the right token', async ({ app }) => {
    const origin = app.origin!;
    const port = new URL(origin).port;
    expect((await request(origin, `/?token=${app.token}`, { Host: `evil.example:${port}` })).status).toBe(403);
    expect(await socketStatus(origin, { token: app.token!, headers: { Host: `evil.example:${port}` } })).toBe(403);
    expect((await request(origin, `/?token=${app.token}`, { Host: `localhost:${port}` })).status).toBe(303);
  });

  test('trades the token in the address for a cookie and drops it from the address bar', async ({ app }) => {
    const response = await request(app.origin!, `/?token=${app.token}`);
    expect(response.status).toBe(303);
    expect(response.headers.location).toBe('/');
    expect(response.headers['set-cookie']?.[0]).toMatch(/HttpOnly; SameSite=Strict/);
    expect(app.page.url()).not.toContain('token');
    expect(response.headers['content-security-policy']).toBeUndefined();
    const page = await request(app.origin!, '/', { Cookie: response.headers['set-cookie']![0]!.split(';')[0]! });
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
  });
});
