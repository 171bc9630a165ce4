// Runs a `lanes` command from source, for tests (the built `lanes` may not exist yet):
//   node --import tsx test/fake-agent/lanes-command.mjs <command> [arguments]
// such as `mcp` (the agents' MCP server) or `agent requests --json`.
const [command, ...rest] = process.argv.slice(2);
if (!/^[a-z][a-z-]*$/.test(command ?? '')) {
  console.error('Usage: lanes-command.mjs <command> [arguments]');
  process.exit(2);
}
const { run } = await import(`../../main/cli/commands/${command}.ts`);
const code = await run(rest);
// -1: a server (such as `lanes mcp`) runs until its input closes.
if (code >= 0) process.exitCode = code;
