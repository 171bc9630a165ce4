import WebSocket from 'ws';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { expect, test } from './fixtures';
import { startWebMode } from './support/web-mode';

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

/** Calls the contract over the API socket, as the page does. */
async function callApi(origin: string, token: string, calls: { name: string; args: unknown }[]): Promise<unknown[]> {
  const ws = new WebSocket(`${origin.replace('http', 'ws')}/api?token=${token}`);
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  const results: unknown[] = [];
  try {
    for (const [id, call] of calls.entries()) {
      const reply = new Promise<unknown>((resolve) => {
        const onMessage = (data: WebSocket.RawData, isBinary: boolean) => {
          if (isBinary) return;
          const message = JSON.parse(data.toString()) as { t: string; id?: number; envelope?: unknown };
          if (message.t !== 'result' || message.id !== id) return;
          ws.off('message', onMessage);
          resolve(message.envelope);
        };
        ws.on('message', onMessage);
      });
      ws.send(JSON.stringify({ t: 'call', id, name: call.name, args: call.args }));
      results.push(await reply);
    }
  } finally {
    ws.close();
  }
  return results;
}

test.describe('the web token stays out of the agents\' reach', () => {
  test('comes from a private file, and an agent finds it neither in its parent\'s environment and command line nor in its own', async ({ temp }) => {
    test.skip(process.platform !== 'linux', '/proc/<pid>/environ is how an agent reads its parent\'s environment on Linux');
    const secrets = temp.dir('lanes-e2e-secret-');
    const tokenFile = path.join(secrets, 'token');
    const token = 'e2e-token-from-a-file-0123456789abcdef';
    writeFileSync(tokenFile, `${token}\n`);
    chmodSync(tokenFile, 0o600);
    const seen = path.join(secrets, 'seen-by-agent');
    // Any shell command can be an agent: this one reads what it can of the process that started it (the pty host).
    const spy = `sh -c 'cat /proc/$PPID/environ /proc/$PPID/cmdline > ${seen}.tmp; env >> ${seen}.tmp; mv ${seen}.tmp ${seen}'`;
    const root = temp.repo({ 'lanes.yml': `instances:\n  - name: spy\n    agent: ${JSON.stringify(spy)}\n` });

    const server = await startWebMode(temp.dir('lanes-e2e-userdata-'), ['--token-file', tokenFile]);
    try {
      expect(server.token).toBe(token);
      const [opened, trusted, started] = await callApi(server.origin, token, [
        { name: 'workspace.open', args: { path: root } },
        { name: 'trust.grant', args: { commands: [{ kind: 'agent', command: spy, instance: 'spy' }] } },
        { name: 'instances.start', args: { name: 'spy' } },
      ]);
      expect(opened).toMatchObject({ ok: true });
      expect(trusted).toMatchObject({ ok: true });
      expect(started).toMatchObject({ ok: true });
      await expect.poll(() => existsSync(seen), { timeout: 10_000 }).toBe(true);
      const agentView = readFileSync(seen);
      expect(agentView.includes('LANES_INSTANCE=spy')).toBe(true);
      // It did read its parent's command line: the pty host's, which Lanes started without the token.
      expect(/host\.cjs|host\/main\.ts/.test(agentView.toString())).toBe(true);
      expect(agentView.includes(token)).toBe(false);
    } finally {
      await server.stop();
    }
  });

  test('refuses a token in the environment of lanes serve, saying to use --token-file', async ({ temp }) => {
    const started = startWebMode(temp.dir('lanes-e2e-userdata-'), [], { LANES_TOKEN: 'e2e-token-from-the-environment-0123456789' });
    await expect(started).rejects.toThrow(/lanes serve exited with 2:[\s\S]*LANES_TOKEN is set, but Lanes does not take the web token from its environment[\s\S]*--token-file/);
  });
});
