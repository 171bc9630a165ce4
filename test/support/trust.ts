import type { TrustState } from '../../main/contract/workspace';
import type { LanesCore } from '../../main/core/core';

/**
 * Trusts every command the open workspace's lanes.yml names, through the contract call the trust
 * dialog makes, as a user who chose "Trust and run these commands". For tests and benchmarks that
 * run agents from a lanes.yml they wrote themselves.
 */
export async function trustAllCommands(core: LanesCore): Promise<void> {
  const state = await core.call('trust.state', {});
  if (!state.ok) throw new Error(state.error.message);
  const untrusted = (state.value as TrustState | null)?.commands.filter((command) => !command.trusted) ?? [];
  if (untrusted.length === 0) return;
  const granted = await core.call('trust.grant', { commands: untrusted.map(({ kind, command, instance }) => ({ kind, command, instance })) });
  if (!granted.ok) throw new Error(granted.error.message);
}
