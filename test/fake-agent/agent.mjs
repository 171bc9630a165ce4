#!/usr/bin/env node
// A scripted stand-in for an AI coding agent, for tests of the instances room. It runs its
// steps in order, then exits 0 (unless a step says otherwise):
//   --print=TEXT          print TEXT and a newline
//   --ask=QUESTION        print QUESTION (no newline), wait for a line, print "answer: <line>"
//   --repl                print "> ", echo each line as "echo: <line>"; "exit N" exits with N
//   --write=FILE:CONTENT  write CONTENT to FILE (relative to the working folder)
//   --grandchild=PIDFILE  start a grandchild in its own session (setsid), write its pid to PIDFILE
//   --hook=EVENT          run the Lanes hook installed for EVENT in .claude/settings.local.json
//   --flood=BYTES         print BYTES of numbered 100-byte lines ("L00000001 xxx…")
//   --sleep=MS            wait
//   --ignore-term         ignore SIGHUP and SIGTERM from now on (so only SIGKILL ends it)
//   --record=FILE         write its arguments and Lanes environment as JSON to FILE
//   --wait                stay alive until killed
//   --exit=CODE           exit with CODE
// Other arguments (such as Claude Code's --append-system-prompt TEXT) are accepted and ignored.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
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
  const settings = JSON.parse(readFileSync('.claude/settings.local.json', 'utf8'));
  for (const group of settings.hooks?.[event] ?? []) {
    for (const hook of group.hooks ?? []) {
      if (!hook.command.includes('LANES_HOOK=1')) continue;
      const input = JSON.stringify({ hook_event_name: event, message: `fake agent reached ${event}` });
      const result = spawnSync('sh', ['-c', hook.command], { input, encoding: 'utf8' });
      if (result.status !== 0) process.stdout.write(`hook ${event} failed: ${result.stderr}\n`);
    }
  }
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
      writeFileSync(`${value}.tmp`, JSON.stringify({ argv: process.argv.slice(2), cwd: process.cwd(), env }));
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
    default:
      break;
  }
}
process.exit(0);
