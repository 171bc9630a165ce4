/**
 * `lanes notify <event>`: run by an agent's hooks (Claude Code's Notification, Stop and
 * UserPromptSubmit) to tell the running Lanes what the agent is doing. It reads the hook's JSON
 * from stdin for its message, and reports over the loopback channel named in its environment
 * with the secret of its own instance. It never fails the hook: an unreachable Lanes is only
 * mentioned on stderr, and it never exits with 2 (which would block the agent).
 */
const HELP = `Usage: lanes notify <event>

Tells the running Lanes that this instance's agent reached <event> (Notification, Stop,
UserPromptSubmit). Lanes installs it as a Claude Code hook; you do not need to run it yourself.
It reads LANES_NOTIFY_URL, LANES_NOTIFY_TOKEN and LANES_INSTANCE from the environment.`;

const STDIN_WAIT_MS = 300;
const REQUEST_TIMEOUT_MS = 3_000;

export async function run(argv: string[]): Promise<number> {
  const [event] = argv;
  if (event === '--help' || event === '-h') {
    console.log(HELP);
    return 0;
  }
  if (!event || !/^[A-Za-z][\w-]{0,40}$/.test(event)) {
    console.error(`lanes notify: give the hook event, for example \`lanes notify Stop\`.\n\n${HELP}`);
    return 1;
  }
  const url = process.env.LANES_NOTIFY_URL;
  const token = process.env.LANES_NOTIFY_TOKEN;
  const instance = process.env.LANES_INSTANCE;
  if (!url || !token || !instance) {
    console.error('lanes notify: this agent was not started by Lanes (LANES_NOTIFY_URL is not set), so there is nobody to tell.');
    return 0;
  }
  const message = hookMessage(await readStdin());
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
      body: JSON.stringify({ instance, event, message }),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    if (!response.ok) console.error(`lanes notify: Lanes refused the report (${response.status} ${await response.text()}).`);
  } catch (error) {
    console.error(`lanes notify: Lanes did not answer at ${url} (${error instanceof Error ? error.message : String(error)}); is it still running?`);
  }
  return 0;
}

/** Claude Code passes the hook's details as JSON on stdin; the Notification's `message` says what it waits for. */
function hookMessage(input: string): string | null {
  if (!input.trim()) return null;
  try {
    const parsed = JSON.parse(input) as { message?: unknown; prompt?: unknown };
    if (typeof parsed.message === 'string') return parsed.message;
    return null;
  } catch {
    return null;
  }
}

function readStdin(): Promise<string> {
  if (process.stdin.isTTY) return Promise.resolve('');
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = () => {
      clearTimeout(timer);
      process.stdin.removeAllListeners('data');
      process.stdin.destroy();
      resolve(Buffer.concat(chunks).toString('utf8'));
    };
    const timer = setTimeout(finish, STDIN_WAIT_MS);
    process.stdin.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= 64 * 1024) chunks.push(chunk);
    });
    process.stdin.once('end', finish);
    process.stdin.once('error', finish);
  });
}
