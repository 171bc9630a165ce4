#!/usr/bin/env node
// A scripted stand-in for an AI coding agent, for tests of the instances room. It runs its
// steps in order, then exits 0 (unless a step says otherwise):
//   --print=TEXT          print TEXT and a newline
//   --ask=QUESTION        print QUESTION (no newline), wait for a line, print "answer: <line>"
//   --repl                print "> ", echo each line as "echo: <line>"; "exit N" exits with N
//   --raw-repl            the same in raw mode: it echoes each key itself, as Claude Code does, so
//                         the echo waits for the agent to run (with --repl the terminal echoes)
//   --write=FILE:CONTENT  write CONTENT to FILE (relative to the working folder)
//   --grandchild=PIDFILE  start a grandchild in its own session (setsid), write its pid to PIDFILE
//   --hook=EVENT          run the Lanes hook for EVENT, as .claude/settings.local.json had it at start
//   --flood=BYTES         print BYTES of numbered 100-byte lines ("L00000001 xxx…")
//   --sleep=MS            wait
//   --ignore-term         ignore SIGHUP and SIGTERM from now on (so only SIGKILL ends it)
//   --record=FILE         write its arguments, Lanes environment and hooks at start as JSON to FILE
//   --wait                stay alive until killed
//   --exit=CODE           exit with CODE
//   --claude              act like Claude Code until "/exit": see runClaude below
// Other arguments (such as Claude Code's --append-system-prompt TEXT) are accepted and ignored;
// in --claude mode, --mcp-config FILE names the MCP servers the `mcp` message reaches.
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';

const lines = createInterface({ input: process.stdin, terminal: false });
const queued = [];
const waiting = [];
lines.on('line', (line) => (waiting.length > 0 ? waiting.shift()(line) : queued.push(line)));
const nextLine = () => (queued.length > 0 ? Promise.resolve(queued.shift()) : new Promise((resolve) => waiting.push(resolve)));
const write = (text) => new Promise((resolve) => (process.stdout.write(text) ? resolve() : process.stdout.once('drain', resolve)));
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function flood(bytes) {
  const lineCount = Math.ceil(bytes / 100);
  const filler = 'x'.repeat(89);
  let batch = '';
  for (let index = 1; index <= lineCount; index += 1) {
    batch += `L${String(index).padStart(8, '0')} ${filler}\n`;
    if (batch.length >= 64 * 1024) {
      await write(batch);
      batch = '';
    }
  }
  if (batch) await write(batch);
}

function runHook(event) {
  for (const result of claudeHooks(event, { message: `fake agent reached ${event}` })) {
    if (result.status !== 0) process.stdout.write(`hook ${event} failed: ${result.stderr}\n`);
  }
}

/**
 * The hooks of .claude/settings.local.json as they were when the agent started: Claude Code
 * captures a snapshot of its hooks at startup and keeps it for the whole session (a hook written
 * later does not run until the user reviews it in /hooks). So a guard Lanes installs after the
 * agent started would never run, here as there.
 */
const HOOKS_AT_START = (() => {
  const file = '.claude/settings.local.json';
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')).hooks ?? {}) : {};
})();

/**
 * Runs the hooks for one event as Claude Code does: each group whose matcher matches the tool
 * name (PreToolUse), its commands through the shell, the JSON payload on stdin. Returns each
 * command's result.
 */
function claudeHooks(event, payload, toolName = null) {
  const settings = { hooks: HOOKS_AT_START };
  const results = [];
  for (const group of settings.hooks?.[event] ?? []) {
    if (toolName !== null && group.matcher && !new RegExp(`^(?:${group.matcher})$`).test(toolName)) continue;
    for (const hook of group.hooks ?? []) {
      const input = JSON.stringify({ session_id: 'fake-session', cwd: process.cwd(), hook_event_name: event, ...payload });
      results.push(spawnSync('sh', ['-c', hook.command], { input, encoding: 'utf8' }));
    }
  }
  return results;
}

/**
 * Acts like Claude Code where Lanes depends on it: raw terminal input with bracketed paste, one
 * message per Enter; the PreToolUse hook before every file write (exit 2 blocks it, and its
 * stderr is what the agent reads); UserPromptSubmit, Notification and Stop hooks; and it follows
 * typed instructions. A message is one of:
 *   write PATH TEXT     the Write tool (PATH absolute, or relative to the working folder)
 *   append PATH TEXT    the Edit tool, adding a line at the end of PATH
 *   move FROM TO        the Bash tool running mv (no PreToolUse check of file tools)
 *   shell COMMAND       the Bash tool
 *   ask QUESTION        asks the user (Notification hook), takes the next message as the answer
 *   /exit               exits 0
 * or prose from Lanes, followed by the absolute paths it names: a request file handed over is
 * done and moved into its done/ folder; a wrap-up writes a feedback_success entry into the
 * memory folder, adds it to MEMORY.md and notes the session in the shared-state file. Every
 * message ends with the Stop hook.
 */
let mcpClient = null;

/**
 * The `lanes` server of the file Claude Code was given with --mcp-config, started as Claude Code
 * starts stdio servers: the configured command and arguments, with the agent's own environment
 * and the configured variables on top.
 */
async function lanesMcp() {
  if (mcpClient) return mcpClient;
  const argv = process.argv.slice(2);
  const file = argv[argv.indexOf('--mcp-config') + 1];
  if (!argv.includes('--mcp-config') || !file) throw new Error('no --mcp-config was given');
  const server = JSON.parse(readFileSync(file, 'utf8')).mcpServers?.lanes;
  if (!server) throw new Error(`${file} names no "lanes" server`);
  const { Client } = await import('@modelcontextprotocol/sdk/client/index.js');
  const { StdioClientTransport } = await import('@modelcontextprotocol/sdk/client/stdio.js');
  const client = new Client({ name: 'fake-claude', version: '1.0.0' });
  await client.connect(new StdioClientTransport({ command: server.command, args: server.args ?? [], env: { ...process.env, ...server.env }, stderr: 'inherit' }));
  mcpClient = client;
  return client;
}

async function runClaude() {
  const instance = process.env.LANES_INSTANCE ?? 'agent';
  const say = (text) => process.stdout.write(`${text}\r\n`);
  const toAbsolute = (file) => path.resolve(process.cwd(), file);
  const tool = (toolName, toolInput) => {
    for (const result of claudeHooks('PreToolUse', { tool_name: toolName, tool_input: toolInput }, toolName)) {
      if (result.status === 2) {
        say(`⏺ ${toolName} blocked by hook: ${result.stderr.trim()}`);
        return false;
      }
    }
    return true;
  };
  const writeFile = (file, content) => {
    const target = toAbsolute(file);
    if (!tool('Write', { file_path: target, content })) return false;
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, content);
    say(`⏺ Wrote ${target}`);
    return true;
  };
  const appendLine = (file, line) => {
    const target = toAbsolute(file);
    const before = existsSync(target) ? readFileSync(target, 'utf8') : '';
    const tail = before.split('\n').filter(Boolean).at(-1) ?? '';
    if (!tool('Edit', { file_path: target, old_string: tail, new_string: `${tail}\n${line}` })) return false;
    appendFileSync(target, `${before === '' || before.endsWith('\n') ? '' : '\n'}${line}\n`);
    say(`⏺ Updated ${target}`);
    return true;
  };
  const move = (from, to) => {
    const source = toAbsolute(from);
    const target = toAbsolute(to);
    tool('Bash', { command: `mv ${source} ${target}` });
    mkdirSync(path.dirname(target), { recursive: true });
    renameSync(source, target);
    say(`⏺ Moved ${source} to ${target}`);
  };
  const followProse = (text) => {
    const paths = [...text.matchAll(/(?:^|[\s`'"(])(\/[^\s`'")]+)/g)].map((match) => match[1].replace(/[.,;:]+$/, ''));
    const memory = paths.find((candidate) => /wrap/i.test(text) && (candidate.endsWith('MEMORY.md') || (existsSync(candidate) && statSync(candidate).isDirectory() && existsSync(path.join(candidate, 'MEMORY.md')))));
    if (memory) {
      const folder = memory.endsWith('MEMORY.md') ? path.dirname(memory) : memory;
      const name = `feedback_success_${instance.toLowerCase().replace(/[^a-z0-9]+/g, '_')}_${readdirSync(folder).length}.md`;
      const entry = `---\nname: ${instance} wrap-up\ndescription: what worked for ${instance} today\ntype: feedback\n---\n\nSmall commits and requests through Lanes worked.\n`;
      if (writeFile(path.join(folder, name), entry)) appendLine(path.join(folder, 'MEMORY.md'), `- [${instance} wrap-up](${name}) — what worked for ${instance}`);
      const snapshot = paths.find((candidate) => candidate.endsWith('.md') && !candidate.startsWith(folder) && existsSync(candidate) && statSync(candidate).isFile());
      if (snapshot) appendLine(snapshot, `- ${instance} wrapped up its session.`);
      return;
    }
    const request = paths.find((candidate) => candidate.endsWith('.md') && existsSync(candidate) && statSync(candidate).isFile());
    if (request) {
      say(`⏺ Working on ${path.basename(request)}`);
      move(request, path.join(path.dirname(request), 'done', path.basename(request)));
      return;
    }
    say(`⏺ ${text.length > 60 ? `${text.slice(0, 60)}…` : text}`);
  };
  const callMcp = async (toolName, json) => {
    try {
      const result = await (await lanesMcp()).callTool({ name: toolName, arguments: json ? JSON.parse(json) : {} });
      const text = result.content.map((part) => part.text ?? '').join('\n');
      say(`⏺ mcp ${toolName}${result.isError ? ' failed' : ''}: ${text.replace(/\s*\n\s*/g, ' ')}`);
    } catch (error) {
      say(`⏺ mcp ${toolName} failed: ${error.message}`);
    }
  };
  let answering = null;
  const handle = (message) => {
    claudeHooks('UserPromptSubmit', { prompt: message });
    if (answering) {
      say(`answer: ${message}`);
      answering = null;
    } else {
      const [command, first = '', ...rest] = message.trim().split(' ');
      if (command === '/exit') process.exit(0);
      else if (command === 'write') writeFile(first, `${rest.join(' ')}\n`);
      else if (command === 'append') appendLine(first, rest.join(' '));
      else if (command === 'move') move(first, rest[0] ?? '');
      else if (command === 'shell') say(spawnSync('sh', ['-c', [first, ...rest].join(' ')], { encoding: 'utf8' }).stdout.trimEnd());
      else if (command === 'mcp') {
        void callMcp(first, rest.join(' ')).then(() => {
          claudeHooks('Stop', { stop_hook_active: false });
          process.stdout.write('> ');
        });
        return;
      }
      else if (command === 'ask') {
        answering = message;
        process.stdout.write(`${[first, ...rest].join(' ')} `);
        claudeHooks('Notification', { message: 'Claude needs your permission' });
        return;
      } else followProse(message);
    }
    claudeHooks('Stop', { stop_hook_active: false });
    process.stdout.write('> ');
  };

  if (process.stdin.isTTY) process.stdin.setRawMode(true);
  process.stdout.write('\x1b[?2004h> '); // Claude Code turns on bracketed paste
  let message = '';
  let pending = '';
  let pasting = false;
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (chunk) => {
    pending += chunk;
    while (pending.length > 0) {
      if (pending.startsWith('\x1b[200~')) {
        pasting = true;
        pending = pending.slice(6);
      } else if (pending.startsWith('\x1b[201~')) {
        pasting = false;
        pending = pending.slice(6);
      } else if (pending.startsWith('\x1b') && pending.length < 6) {
        return; // the rest of an escape sequence is on its way
      } else {
        const char = pending[0];
        pending = pending.slice(1);
        if (pasting) message += char;
        else if (char === '\r') {
          process.stdout.write('\r\n');
          const submitted = message;
          message = '';
          handle(submitted);
        } else if (char === '\x03') {
          process.stdout.write('^C\r\n> ');
          message = '';
        } else if (char === '\x15') message = '';
        else if (char >= ' ' || char === '\n') {
          message += char;
          process.stdout.write(char);
        }
      }
    }
  });
  await new Promise(() => {});
}

for (const argument of process.argv.slice(2)) {
  const [flag, ...rest] = argument.split('=');
  const value = rest.join('=');
  switch (flag) {
    case '--print':
      await write(`${value}\n`);
      break;
    case '--ask':
      await write(value);
      await write(`answer: ${await nextLine()}\n`);
      break;
    case '--repl':
      for (;;) {
        await write('> ');
        const line = await nextLine();
        const exit = /^exit (\d+)$/.exec(line);
        if (exit) process.exit(Number(exit[1]));
        await write(`echo: ${line}\n`);
      }
    case '--raw-repl': {
      if (process.stdin.isTTY) process.stdin.setRawMode(true);
      await write('> ');
      let line = '';
      process.stdin.setEncoding('utf8');
      process.stdin.on('data', (chunk) => {
        for (const char of chunk) {
          if (char === '\r') {
            const exit = /^exit (\d+)$/.exec(line);
            if (exit) process.exit(Number(exit[1]));
            // Raw mode keeps output processing here: each \n goes out as \r\n.
            process.stdout.write(`\necho: ${line}\n> `);
            line = '';
          } else if (char >= ' ') {
            line += char;
            process.stdout.write(char);
          }
        }
      });
      await new Promise(() => {});
      break;
    }
    case '--write': {
      const [file, ...content] = value.split(':');
      writeFileSync(file, content.join(':'));
      break;
    }
    case '--grandchild': {
      const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { detached: true, stdio: 'ignore' });
      writeFileSync(`${value}.tmp`, String(child.pid));
      renameSync(`${value}.tmp`, value);
      child.unref();
      break;
    }
    case '--hook':
      runHook(value);
      break;
    case '--flood':
      await flood(Number(value));
      break;
    case '--sleep':
      await sleep(Number(value));
      break;
    case '--ignore-term':
      process.on('SIGHUP', () => {});
      process.on('SIGTERM', () => {});
      break;
    case '--record': {
      const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => key.startsWith('LANES_') || key === 'TERM'));
      writeFileSync(`${value}.tmp`, JSON.stringify({ argv: process.argv.slice(2), cwd: process.cwd(), env, hooksAtStart: HOOKS_AT_START }));
      renameSync(`${value}.tmp`, value); // readers never see half a file
      break;
    }
    case '--wait':
      setInterval(() => {}, 1000);
      await new Promise(() => {});
      break;
    case '--exit':
      process.exit(Number(value));
      break;
    case '--claude':
      await runClaude();
      break;
    default:
      break;
  }
}
process.exit(0);
