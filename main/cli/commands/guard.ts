import { decideGuard } from '../../zones/guard';

const HELP = `lanes guard — Claude Code's PreToolUse hook that keeps an instance inside its zones.

Usage: lanes guard --workspace <checkout> --instance <name> [--instance <name>…] [--worktree <path>]

--workspace names any checkout of the repository: lanes.yml is read from its main checkout (the
home of the coordination files), and every instance may write the home's requests folder, memory
folder and shared-state file (outside its Instance Scope Table) from wherever it runs.
Several --instance options: the instances sharing this checkout; LANES_INSTANCE in the agent's
environment picks one of them. Reads the hook's JSON on stdin. Exit 0 lets the edit through; exit 2 blocks it and tells the
agent why on stderr. Lanes installs it in each worktree's .claude/settings.local.json.`;

/** Runs on every edit an agent makes, so it imports only the matcher and a small config reader. */
export async function run(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(HELP);
    return 0;
  }
  const workspace = option(argv, '--workspace');
  const listed = argv.flatMap((arg, index) => (arg === '--instance' && argv[index + 1] ? [argv[index + 1]!] : []));
  const self = process.env.LANES_INSTANCE;
  const instances = self && listed.includes(self) ? [self] : listed;
  const worktree = option(argv, '--worktree');
  if (!workspace || instances.length === 0) {
    process.stderr.write('Lanes blocked this edit: the guard was installed without --workspace and --instance. Ask the user to restart this instance from Lanes.\n');
    return 2;
  }
  if (process.stdin.isTTY) {
    process.stderr.write(`${HELP}\n`);
    return 2;
  }
  const decision = await decideGuard(await readStdin(), { workspace, instances, ...(worktree ? { worktree } : {}) });
  if (decision.allow) return 0;
  process.stderr.write(`${decision.reason}\n`);
  return 2;
}

function option(argv: readonly string[], name: string): string | undefined {
  const index = argv.indexOf(name);
  return index === -1 ? undefined : argv[index + 1];
}

function readStdin(): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    process.stdin.on('data', (chunk: Buffer) => chunks.push(chunk));
    process.stdin.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    process.stdin.on('error', reject);
  });
}

// The installed hook runs this file directly (`node dist/cli/guard.cjs …`), without the dispatcher.
if (typeof require !== 'undefined' && require.main === module) {
  void run(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
