import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { AgentApiError, addressFromEnvironment, callAgentApi, type AgentApiAddress } from '../../agents/api-client';
import { agentOperations, MCP_TOOLS } from '../../contract/agents';
import { appVersion } from '../../shared/app-root';

const HELP = `Usage: lanes mcp

The Model Context Protocol server of the agents' API, on stdin and stdout. Lanes registers it for
each Claude Code instance it starts (--mcp-config); any agent that speaks MCP over stdio can run it.
It serves only the instance the agent was started for, proved by the secret in its environment
(LANES_AGENT_API, LANES_AGENT_SECRET), and forwards each tool to the running Lanes.`;

export async function run(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(HELP);
    return 0;
  }
  let address: AgentApiAddress;
  try {
    address = addressFromEnvironment();
  } catch (error) {
    console.error(`lanes mcp: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
  const server = new McpServer({ name: 'lanes', version: appVersion() }, { instructions: instructionsFor(address) });
  for (const [tool, operation] of Object.entries(MCP_TOOLS)) {
    const spec = agentOperations[operation];
    server.registerTool(tool, { description: spec.description, inputSchema: spec.args }, async (args: unknown) => {
      try {
        const value = await callAgentApi(address, operation, args as never);
        return { content: [{ type: 'text' as const, text: JSON.stringify(value, null, 2) }] };
      } catch (error) {
        const message = error instanceof AgentApiError ? error.message : `Lanes failed: ${error instanceof Error ? error.message : String(error)}`;
        return { isError: true, content: [{ type: 'text' as const, text: message }] };
      }
    });
  }
  await server.connect(new StdioServerTransport());
  // Serves until the agent closes stdin.
  return -1;
}

function instructionsFor(address: AgentApiAddress): string {
  const who = address.instance ? `You are the instance "${address.instance}". ` : '';
  return `${who}Lanes coordinates several agents on one repository. Use these tools to read and answer the requests addressed to you, ask another instance for a change outside your zones, check who owns a path before writing it, keep what you learned in the shared memory, and report your progress.`;
}
