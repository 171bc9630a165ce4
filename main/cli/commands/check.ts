import { CheckError, checkChanges, type CheckResult, type CheckScope } from '../../zones/check';

const HELP = `lanes check — fail when a branch's changes leave its instance's zones.

Usage:
  lanes check --base <ref> [--instance <name>] [--workspace <repo>] [--json]
  lanes check --staged [--workspace <repo>]      (what the pre-commit hook runs)

The instance is the one whose worktree or branch (lanes.yml) this checkout is, unless
--instance names it. Paths in the common list (requests, memory, shared state) are always
allowed. Exit 0: every changed path is allowed; 1: some are not (listed); 2: could not check.`;

export async function run(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(HELP);
    return 0;
  }
  const json = argv.includes('--json');
  const base = option(argv, '--base');
  const staged = argv.includes('--staged');
  if (!staged && !base) {
    console.error(`Give --base <ref> (the branch to compare with, such as origin/main) or --staged.\n\n${HELP}`);
    return 2;
  }
  const scope: CheckScope = staged ? { kind: 'staged' } : { kind: 'base', base: base! };
  const workspace = option(argv, '--workspace');
  const instance = option(argv, '--instance');
  let result: CheckResult;
  try {
    result = await checkChanges({ cwd: process.cwd(), scope, ...(workspace ? { workspace } : {}), ...(instance ? { instance } : {}) });
  } catch (error) {
    const message = error instanceof CheckError ? error.message : String(error);
    if (json) console.log(JSON.stringify({ ok: false, error: message }));
    else console.error(`lanes check could not run: ${message}.`);
    return 2;
  }
  if (json) {
    console.log(JSON.stringify(result, null, 2));
  } else if (result.note) {
    console.log(`lanes check: nothing to check, ${result.note}.`);
  } else if (result.ok) {
    console.log(`lanes check: ${result.changed.length} changed path(s), all inside the zones of ${result.instances.join(', ')}.`);
  } else {
    const what = staged ? 'This commit stages' : `This branch changes`;
    console.error(`lanes check: ${what} ${result.offending.length} path(s) outside the zones of ${result.instances.join(', ')}:`);
    for (const entry of result.offending) {
      const owner = entry.owners.length > 0 ? `owned by ${entry.owners.join(', ')}` : 'owned by no instance';
      console.error(`  ${entry.path}  (${entry.leasedTo ? `leased to ${entry.leasedTo} now, ${owner}` : owner})`);
    }
    console.error(staged
      ? 'Unstage them (git restore --staged <path>) and send a request to their owner instead, or change the zones in Lanes.'
      : 'Move these changes to the owner\'s branch, or change the zones in Lanes.');
  }
  return result.ok ? 0 : 1;
}

function option(argv: readonly string[], name: string): string | undefined {
  const index = argv.indexOf(name);
  return index === -1 ? undefined : argv[index + 1];
}

// The pre-commit hook runs this file directly (`node dist/cli/check.cjs --staged …`).
if (typeof require !== 'undefined' && require.main === module) {
  void run(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
