import http from 'node:http';
import { AGENT_API_ENV, type AgentOperation, type AgentOperationArgs, type AgentOperationResult } from '../contract/agents';
import type { Envelope } from '../contract/define';

const REQUEST_TIMEOUT_MS = 30_000;

/** A refusal or failure of the agents' API, with its stable code and the message for the agent. */
export class AgentApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'AgentApiError';
  }
}

export interface AgentApiAddress {
  readonly socket: string;
  readonly secret: string;
  /** The instance the agent believes it is (LANES_INSTANCE); Lanes refuses a secret of another. */
  readonly instance: string | undefined;
}

/** The API's address and this run's secret, from the environment Lanes gave the agent. */
export function addressFromEnvironment(env: NodeJS.ProcessEnv = process.env): AgentApiAddress {
  const socket = env[AGENT_API_ENV.socket];
  const secret = env[AGENT_API_ENV.secret];
  if (!socket || !secret) {
    throw new AgentApiError(
      'no-api',
      `This agent was not started by Lanes (${AGENT_API_ENV.socket} and ${AGENT_API_ENV.secret} are not set), so there is no Lanes to ask. Start it from Lanes.`,
    );
  }
  return { socket, secret, instance: env.LANES_INSTANCE || undefined };
}

/** Runs one operation of the agents' API as the run the secret belongs to. */
export function callAgentApi<O extends AgentOperation>(address: AgentApiAddress, operation: O, args: AgentOperationArgs<O>): Promise<AgentOperationResult<O>> {
  const body = JSON.stringify(args);
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        socketPath: address.socket,
        path: `/v1/${operation}`,
        method: 'POST',
        timeout: REQUEST_TIMEOUT_MS,
        headers: {
          'Content-Type': 'application/json',
          'Content-Length': Buffer.byteLength(body),
          Authorization: `Bearer ${address.secret}`,
          ...(address.instance ? { 'X-Lanes-Instance': address.instance } : {}),
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          let envelope: Envelope<AgentOperationResult<O>>;
          try {
            envelope = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Envelope<AgentOperationResult<O>>;
          } catch {
            reject(new AgentApiError('internal', `Lanes answered ${operation} with something that is not JSON (HTTP ${response.statusCode}).`));
            return;
          }
          if (envelope.ok) resolve(envelope.value);
          else reject(new AgentApiError(envelope.error.code, envelope.error.message));
        });
      },
    );
    request.on('timeout', () => request.destroy(new Error(`no answer in ${REQUEST_TIMEOUT_MS / 1000} s`)));
    request.on('error', (error: NodeJS.ErrnoException) => {
      const gone = error.code === 'ENOENT' || error.code === 'ECONNREFUSED';
      reject(
        new AgentApiError(
          'unavailable',
          gone
            ? `Lanes is not running at ${address.socket}; start Lanes and open the workspace, then try again.`
            : `Lanes did not answer ${operation} at ${address.socket} (${error.message}).`,
        ),
      );
    });
    request.end(body);
  });
}
