import { readFileSync } from 'node:fs';
import { AgentApiError, addressFromEnvironment, callAgentApi } from '../../agents/api-client';
import type { AgentOperation, AgentOperationArgs, AgentOperationResult, RequestRef } from '../../contract/agents';
import { parseArgs, stringOption, type ParsedArgs } from '../args';

const HELP = `Usage: lanes agent <operation> [arguments] [--json]

The agents' API for agents without MCP, and for scripts. Run it from an agent Lanes started: it
acts only as that instance, proved by the secret in its environment (LANES_AGENT_API,
LANES_AGENT_SECRET). --json prints the result as JSON.

Operations:
  requests [--all]                         the requests addressed to me (--all: done ones too)
  read <file>                              one request I sent or received, whole
  request <to> <title> [--body TEXT | --body-file FILE] [--priority P]
                                           ask another instance (the body is read from stdin without either)
  start <file>                             mark a request addressed to me in progress
  done <file>                              mark it done (moved into done/)
  owner <path>                             who owns a path, and may I write it
  memory <kind> <name> [--text TEXT | --file FILE]
                                           write a memory entry (user, project, success, correction, other)
  progress <text> [--percent N]            report what I am doing, shown on my card
  lease <path> [--minutes N]               take an exclusive lease on a common path (30 minutes by default)
  grant <to> <path> [--minutes N]          let another instance lease a path I own
  release <path>                           release my lease on a path`;

/** Each subcommand: how it reads its arguments into one operation, and how it prints the result. */
interface Subcommand<O extends AgentOperation> {
  readonly operation: O;
  args(parsed: ParsedArgs): AgentOperationArgs<O>;
  print(result: AgentOperationResult<O>): string;
}

function subcommand<O extends AgentOperation>(spec: Subcommand<O>): Subcommand<O> {
  return spec;
}

const requestLine = (request: RequestRef) =>
  `${request.status.padEnd(11)} ${request.file}  ${request.title}${request.from ? ` (from ${request.from})` : ''}${request.priority ? ` [${request.priority}]` : ''}`;

const DEFAULT_LEASE_MINUTES = 30;

function minutes(parsed: ParsedArgs): number {
  const given = stringOption(parsed, 'minutes');
  if (given === undefined) return DEFAULT_LEASE_MINUTES;
  if (!/^\d+$/.test(given)) throw new UsageError(`--minutes takes a whole number of minutes, not "${given}".`);
  return Number(given);
}

const leaseLine = (lease: { instance: string; path: string; until: string }) => `${lease.instance} holds ${lease.path} until ${new Date(lease.until).toLocaleTimeString()}.`;

const SUBCOMMANDS = {
  requests: subcommand({
    operation: 'requests.mine',
    args: (parsed) => ({ all: parsed.options.get('all') === true }),
    print: (requests) => (requests.length === 0 ? 'No requests addressed to you.' : requests.map(requestLine).join('\n')),
  }),
  read: subcommand({
    operation: 'requests.read',
    args: (parsed) => ({ file: positional(parsed, 0, 'the request file') }),
    print: ({ text }) => text.replace(/\n$/, ''),
  }),
  request: subcommand({
    operation: 'requests.create',
    args: (parsed) => {
      const priority = stringOption(parsed, 'priority');
      return {
        to: positional(parsed, 0, 'the instance the request is for'),
        title: positional(parsed, 1, 'the title'),
        body: textFrom(parsed, 'body', 'body-file'),
        ...(priority ? { priority } : {}),
      };
    },
    print: (request) => `Wrote ${request.path}`,
  }),
  start: subcommand({
    operation: 'requests.mark',
    args: (parsed) => ({ file: positional(parsed, 0, 'the request file'), status: 'in-progress' as const }),
    print: (request) => `${request.file} is in progress.`,
  }),
  done: subcommand({
    operation: 'requests.mark',
    args: (parsed) => ({ file: positional(parsed, 0, 'the request file'), status: 'done' as const }),
    print: (request) => `Moved to ${request.path}`,
  }),
  owner: subcommand({
    operation: 'zones.owner',
    args: (parsed) => ({ path: positional(parsed, 0, 'the path') }),
    print: (owner) => `${owner.path}: ${owner.mayWrite ? 'you may write it' : 'you may not write it'}. ${owner.why}`,
  }),
  memory: subcommand({
    operation: 'memory.write',
    args: (parsed) => ({
      kind: positional(parsed, 0, 'the kind (user, project, success, correction, other)') as AgentOperationArgs<'memory.write'>['kind'],
      name: positional(parsed, 1, 'the entry name'),
      text: textFrom(parsed, 'text', 'file'),
    }),
    print: (entry) => `Wrote ${entry.path} and added it to MEMORY.md.`,
  }),
  progress: subcommand({
    operation: 'progress.report',
    args: (parsed) => {
      const percent = stringOption(parsed, 'percent');
      return { text: parsed.positional.join(' '), ...(percent === undefined ? {} : { percent: Number(percent) }) };
    },
    print: (progress) => `Reported: ${progress.text}${progress.percent === null ? '' : ` (${progress.percent}%)`}`,
  }),
  lease: subcommand({
    operation: 'leases.take',
    args: (parsed) => ({ path: positional(parsed, 0, 'the path to lease'), minutes: minutes(parsed) }),
    print: leaseLine,
  }),
  grant: subcommand({
    operation: 'leases.grant',
    args: (parsed) => ({ to: positional(parsed, 0, 'the instance to grant it to'), path: positional(parsed, 1, 'the path'), minutes: minutes(parsed) }),
    print: leaseLine,
  }),
  release: subcommand({
    operation: 'leases.release',
    args: (parsed) => ({ path: positional(parsed, 0, 'the path') }),
    print: ({ released }) => `Released ${released.path}.`,
  }),
};

class UsageError extends Error {}

function positional(parsed: ParsedArgs, index: number, what: string): string {
  const value = parsed.positional[index];
  if (value === undefined || value.trim() === '') throw new UsageError(`give ${what}.`);
  return value;
}

/** Text from `--<inline>`, else the file named by `--<file>`, else stdin. */
function textFrom(parsed: ParsedArgs, inline: string, file: string): string {
  const given = stringOption(parsed, inline);
  if (given !== undefined) return given;
  const path = stringOption(parsed, file);
  try {
    if (path !== undefined) return readFileSync(path, 'utf8');
    if (process.stdin.isTTY) throw new UsageError(`give the text with --${inline} or --${file}, or pipe it in.`);
    return readFileSync(0, 'utf8');
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`could not read ${path ?? 'stdin'}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

export async function run(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(HELP);
    return name === undefined ? 1 : 0;
  }
  const command = (SUBCOMMANDS as Record<string, Subcommand<AgentOperation>>)[name];
  if (!command) {
    console.error(`lanes agent: there is no operation "${name}".\n\n${HELP}`);
    return 1;
  }
  const parsed = parseArgs(rest, new Set(['json', 'all']));
  const json = parsed.options.get('json') === true;
  try {
    const result = await callAgentApi(addressFromEnvironment(), command.operation, command.args(parsed));
    console.log(json ? JSON.stringify(result, null, 2) : command.print(result));
    return 0;
  } catch (error) {
    const code = error instanceof AgentApiError ? error.code : 'invalid-argument';
    const message = error instanceof Error ? error.message : String(error);
    if (json) console.error(JSON.stringify({ error: { code, message } }));
    else console.error(`lanes agent ${name}: ${message}`);
    return 1;
  }
}
