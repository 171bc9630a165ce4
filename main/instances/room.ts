import { statSync } from 'node:fs';
import path from 'node:path';
import type { InstanceList, InstanceState, TerminalSnapshot } from '../contract/instances';
import type { Room, RoomFactory } from '../core/room';
import { appRoot } from '../shared/app-root';
import { disposableTimeout, DisposableStore, type Disposable } from '../shared/disposable';
import { LanesError, isLanesError } from '../shared/errors';
import type { InstanceConfig, LoadedConfig } from '../workspace/config';
import { coordinationPaths, workspaceHome } from '../workspace/home';
import { agentKind, contextText, prepareAgent, whyNotTyped } from './agent-context';
import { resolveProgram, shellQuote, splitCommandLine } from './command-line';
import type { AgentSnapshot } from './host/agents';
import { connectToHost, ensureHost, isNobodyListening, type HostClient } from './host/client';
import type { LaunchSpec } from './host/instance-process';
import { hostPaths } from './host/paths';
import { HostRefusedError } from './host/protocol';
import { QuitChoiceFile } from './quit-choice';
import { keystrokes, SUBMIT } from './typed-text';

const CHANGED_COALESCE_MS = 30;
/** Agents run at this nice value unless their `priority:` in lanes.yml says otherwise: Lanes and its window stay responsive while they work. */
export const AGENT_NICENESS = 10;

/**
 * The instances room: runs each instance's agent in the pty host (main/instances/host), which
 * keeps it running when Lanes quits or crashes; streams its terminal to the viewers with flow
 * control and keeps its status. On opening a workspace it reattaches to the agents the host
 * still runs for it. Closing the workspace (and quitting) keeps them running or stops them, as
 * the user chose (`instances.setQuitChoice`).
 */
export const createInstancesRoom: RoomFactory = (context): Room => {
  const quitChoice = new QuitChoiceFile(context.userDataDir);
  /** What the host last said of each agent of the open workspace, by instance name. */
  const agents = new Map<string, AgentSnapshot>();
  let workspaceKey: string | null = null;
  /** What the open workspace holds here (its lanes.yml subscription, the coalescing timer), freed when it closes. */
  let session: DisposableStore | null = null;
  let changedTimer: Disposable | null = null;
  let connecting: Promise<HostClient | null> | null = null;

  const announceChanged = () => {
    const owner = session;
    if (!owner || changedTimer) return; // no workspace open: nobody to tell
    const timer = owner.add(
      disposableTimeout(() => {
        owner.release(timer);
        changedTimer = null;
        void list().then((value) => context.emit('instances.changed', value), () => undefined);
      }, CHANGED_COALESCE_MS),
    );
    changedTimer = timer;
  };

  /** Keeps what the host said last: an answer handled after a newer event does not undo it. */
  const remember = (snapshot: AgentSnapshot): void => {
    const known = agents.get(snapshot.name);
    if (known && known.revision > snapshot.revision) return;
    agents.set(snapshot.name, snapshot);
    if (known?.running && !snapshot.running) context.services.agentApi?.revoke(snapshot.name);
  };

  const hostEvent = (name: string, payload: any) => {
    if (payload.workspace !== workspaceKey) return;
    const instance = payload.name as string;
    if (name === 'output') context.emit('instances.output', { instance, data: payload.data, seq: payload.seq, ...(payload.echo === true ? { echo: true } : {}) });
    else if (name === 'changed') {
      remember(payload as AgentSnapshot);
      announceChanged();
    } else if (name === 'attention') {
      const kind = payload.kind as 'waiting' | 'exited' | 'crashed';
      const title = kind === 'waiting' ? `${instance} is waiting for you` : `${instance} ${kind === 'crashed' ? 'crashed' : 'exited'}`;
      context.platform.notify?.(title, payload.detail, instance);
      context.emit('instances.notification', { instance, kind, title, body: payload.detail });
    }
  };

  /** The connection to the pty host; `start` starts one when none runs. */
  function host(start: boolean): Promise<HostClient | null> {
    const pending = connecting ?? open(start);
    // A lookup under way may find no host; a caller that needs one then starts it.
    return start ? pending.then((client) => client ?? host(true)) : pending;
  }

  function open(start: boolean): Promise<HostClient | null> {
    const opening = start
      ? ensureHost(context.userDataDir)
      : connectToHost(hostPaths(context.userDataDir)).catch((error: unknown) => (isNobodyListening(error) ? null : Promise.reject(error)));
    const tracked: Promise<HostClient | null> = opening.then(
      (client) => {
        if (!client) {
          connecting = null;
          return null;
        }
        client.onEvent(hostEvent);
        client.onClose(() => {
          if (connecting === tracked) connecting = null;
          // The host is gone (stopped from the command line, or killed): so are its agents. A next
          // host counts revisions from zero again.
          for (const [name, snapshot] of agents) agents.set(name, { ...snapshot, revision: -1, running: false, state: snapshot.running ? { ...snapshot.state, pid: null, usage: null, status: 'crashed', statusSource: 'process', statusDetail: 'the pty host ended' } : snapshot.state });
          announceChanged();
        });
        return client;
      },
      (error: unknown) => {
        connecting = null;
        throw error instanceof HostRefusedError ? new LanesError('unavailable', error.message) : error;
      },
    );
    connecting = tracked;
    return tracked;
  }

  async function requireHost(): Promise<HostClient> {
    return (await host(true))!;
  }

  const key = (name: string) => ({ workspace: workspaceKey ?? home(), name });

  /** The workspace's home: lanes.yml and every worktree path in it are read from there. */
  const home = (): string => workspaceHome(context.requireWorkspace().root);

  async function readConfig(): Promise<{ loaded: LoadedConfig | null; problem: string | null }> {
    try {
      return { loaded: await context.workspaceConfig().read(), problem: null };
    } catch (error) {
      if (isLanesError(error)) return { loaded: null, problem: error.message };
      throw error;
    }
  }

  function describe(root: string, config: InstanceConfig | null, name: string): InstanceState {
    const known = agents.get(name);
    const cwd = config ? workingFolder(root, config) : root;
    return {
      name,
      role: config?.role ?? 'custom',
      agent: config?.agent ?? '',
      zones: config?.zones ?? [],
      cwd,
      worktree: config?.worktree ?? null,
      ...(known?.state ?? {
        status: 'stopped',
        statusSource: 'process',
        statusDetail: null,
        statusSince: new Date(0).toISOString(),
        pid: null,
        exitCode: null,
        signal: null,
        startedAt: null,
        usage: null,
      }),
      problem: config ? configProblem(root, config) : 'no longer in lanes.yml; stop it when you are done',
    };
  }

  async function list(): Promise<InstanceList> {
    const root = home();
    const { loaded, problem } = await readConfig();
    const configured = loaded?.config.instances ?? [];
    const names = new Set(configured.map((instance) => instance.name));
    const states = configured.map((instance) => describe(root, instance, instance.name));
    for (const [name, snapshot] of agents) if (!names.has(name) && snapshot.running) states.push(describe(root, null, name));
    return { instances: states, configProblem: problem };
  }

  /** Starts in flight, by instance: a second start while one is under way joins it (one run, one notify secret). */
  const starting = new Map<string, Promise<InstanceState>>();

  function start(name: string): Promise<InstanceState> {
    let pending = starting.get(name);
    if (!pending) {
      pending = startOnce(name).finally(() => starting.delete(name));
      starting.set(name, pending);
    }
    return pending;
  }

  async function startOnce(name: string): Promise<InstanceState> {
    const current = context.requireWorkspace();
    const root = home();
    const { loaded, problem } = await readConfig();
    if (!loaded) throw new LanesError('malformed-file', `Lanes cannot start "${name}": ${problem}`);
    const config = loaded.config.instances.find((instance) => instance.name === name);
    if (!config) throw new LanesError('not-found', `There is no instance "${name}" in lanes.yml.`);
    if (agents.get(name)?.running) return describe(root, config, name);
    const folderProblem = configProblem(root, config);
    if (folderProblem) throw new LanesError('not-found', `Lanes cannot start "${name}": ${folderProblem}.`);
    // The agent command comes from the repository's lanes.yml: a cloned repository could name anything.
    await context.services.trust?.requireTrusted({ kind: 'agent', command: config.agent, instance: name });
    const spec = await launchSpec(root, current.name, loaded, config);
    const client = await requireHost();
    remember(await client.call<AgentSnapshot>('agents.start', { ...key(name), spec }));
    announceChanged();
    return describe(root, config, name);
  }

  async function launchSpec(root: string, workspaceName: string, loaded: LoadedConfig, config: InstanceConfig): Promise<LaunchSpec> {
    const cwd = workingFolder(root, config);
    const [program, ...args] = splitCommandLine(config.agent);
    const baseEnv = inheritedEnvironment(process.env);
    const file = resolveProgram(program!, cwd, baseEnv);
    const kind = agentKind(file);
    // Claude Code reads its hooks once, at start: the zone guard must be in place before it runs.
    if (kind === 'claude') await context.services.zones?.guard(config.name, cwd);
    const paths = coordinationPaths(root, loaded.config.paths);
    const prepared = await prepareAgent({
      cwd,
      kind,
      args,
      instanceName: config.name,
      context: contextText({ instance: config, config: loaded.config, paths, workspaceName }),
      memoryFolder: paths.memory,
      notifyCommand,
      env: baseEnv,
    });
    return {
      file,
      args: prepared.args,
      cwd,
      hooks: kind === 'claude',
      niceness: config.priority ?? AGENT_NICENESS,
      // LANES_NOTIFY_URL and LANES_NOTIFY_TOKEN come from the host, whose hook channel outlives Lanes.
      env: {
        ...baseEnv,
        TERM: 'xterm-256color',
        COLORTERM: 'truecolor',
        LANES_INSTANCE: config.name,
        LANES_WORKSPACE: root,
        LANES_ZONES: config.zones.join('\n'),
        LANES_CONTEXT_FILE: prepared.contextFile,
        ...prepared.env,
        ...(await context.services.agentApi?.environmentFor(config.name)),
      },
    };
  }

  async function stop(name: string): Promise<InstanceState> {
    const root = home();
    if (agents.has(name)) {
      const client = await host(false);
      if (client) remember(await client.call<AgentSnapshot>('agents.stop', key(name)));
    }
    const { loaded } = await readConfig();
    return describe(root, loaded?.config.instances.find((candidate) => candidate.name === name) ?? null, name);
  }

  /**
   * Stops every agent the host runs for this workspace. The host is asked whatever this room last
   * heard of them: an agent started just before could still look stopped here, and closing the
   * workspace left it running. With no host running there is nothing to stop, and none is started.
   */
  async function stopEverything(): Promise<void> {
    const client = await host(false);
    if (!client) return;
    await client.call('agents.stopAll', { workspace: workspaceKey });
    for (const snapshot of await client.call<AgentSnapshot[]>('agents.list', { workspace: workspaceKey })) remember(snapshot);
  }

  function running(name: string): AgentSnapshot {
    const snapshot = agents.get(name);
    if (!snapshot?.running) throw new LanesError('unavailable', `"${name}" is not running. Start it first.`);
    return snapshot;
  }

  async function write(name: string, data: string): Promise<void> {
    running(name);
    await (await requireHost()).call('agents.write', { ...key(name), data });
  }

  context.services.instances = {
    async sendText(name, text) {
      const snapshot = running(name);
      const { loaded, problem } = await readConfig();
      const config = loaded?.config.instances.find((candidate) => candidate.name === name);
      const notTyped = config
        ? whyNotTyped(config)
        : problem
          ? `Lanes cannot read lanes.yml (${problem}), so it cannot tell whether ${name} reads typed instructions; fix the file and try again.`
          : `${name} is no longer in lanes.yml, so Lanes cannot tell whether it reads typed instructions.`;
      if (notTyped !== null) throw new LanesError('invalid-argument', `Lanes did not type into ${name}'s terminal: ${notTyped}`);
      await write(name, keystrokes(text, snapshot.bracketedPaste));
      // A separate Enter, a moment later, so terminal UIs take the text as typed rather than pasted.
      await new Promise((resolve) => setTimeout(resolve, 30));
      await write(name, SUBMIT);
    },
    isRunning: (name) => agents.get(name)?.running ?? false,
  };

  return {
    handlers: {
      'instances.list': () => list(),
      'instances.start': ({ name }) => start(name),
      'instances.stop': ({ name }) => stop(name),
      'instances.restart': async ({ name }) => {
        await stop(name);
        return start(name);
      },
      'instances.startAll': async () => {
        const { loaded, problem } = await readConfig();
        if (!loaded) throw new LanesError('malformed-file', `Lanes cannot start the instances: ${problem}`);
        const failures: string[] = [];
        for (const instance of loaded.config.instances) {
          try {
            await start(instance.name);
          } catch (error) {
            failures.push(`${instance.name}: ${error instanceof Error ? error.message : String(error)}`);
          }
        }
        if (failures.length > 0) {
          announceChanged();
          throw new LanesError('unavailable', `Some instances did not start. ${failures.join(' ')}`);
        }
        return list();
      },
      'instances.stopAll': async () => {
        await stopEverything();
        return list();
      },
      'instances.write': async ({ name, data }) => {
        await write(name, data);
        return null;
      },
      'instances.resize': async ({ name, cols, rows }) => {
        context.requireWorkspace();
        await (await requireHost()).call('agents.resize', { ...key(name), cols, rows });
        return null;
      },
      'instances.attach': async ({ name }) => {
        context.requireWorkspace();
        return (await requireHost()).call<TerminalSnapshot>('agents.attach', key(name));
      },
      'instances.ack': async ({ name, viewer, chars }) => {
        await (await host(false))?.call('agents.ack', { ...key(name), viewer, chars });
        return null;
      },
      'instances.detach': async ({ name, viewer }) => {
        await (await host(false))?.call('agents.detach', { ...key(name), viewer });
        return null;
      },
      'instances.quitChoice': () => quitChoice.read(),
      'instances.setQuitChoice': async (choice) => {
        await quitChoice.write(choice);
        return quitChoice.read();
      },
    },

    async workspaceOpened(opened) {
      workspaceKey = workspaceHome(opened.root);
      session = new DisposableStore();
      // lanes.yml names the instances: a change (made here or on disk) is a new list.
      session.add(context.workspaceConfig().onDidChange(announceChanged));
      // Reattach: the agents a host still runs for this workspace, from before a quit or a crash.
      const client = await host(false).catch((error: unknown) => {
        console.error('Lanes could not reach its pty host:', error instanceof Error ? error.message : error);
        return null;
      });
      for (const snapshot of (await client?.call<AgentSnapshot[]>('agents.list', { workspace: workspaceKey })) ?? []) remember(snapshot);
      if (agents.size > 0) announceChanged();
    },

    async workspaceClosed() {
      session?.dispose();
      session = null;
      changedTimer = null;
      if ((await quitChoice.read()).choice === 'stop') {
        await stopEverything();
        // Their last events may come after this workspace stopped listening: the runs end here for the agents' API.
        for (const name of agents.keys()) context.services.agentApi?.revoke(name);
      }
      agents.clear();
      workspaceKey = null;
    },

    async dispose() {
      const client = connecting ? await connecting.catch(() => null) : null;
      // With nothing left to run, the host goes now rather than after its idle wait: nothing is left behind.
      if (client && (await quitChoice.read()).choice === 'stop') await client.call('host.exitIfIdle').catch(() => undefined);
      await client?.close();
      connecting = null;
      delete context.services.instances;
    },
  };
};

function workingFolder(root: string, config: InstanceConfig): string {
  return config.worktree ? path.resolve(root, config.worktree) : root;
}

function configProblem(root: string, config: InstanceConfig): string | null {
  const cwd = workingFolder(root, config);
  try {
    if (!statSync(cwd).isDirectory()) return `\`${cwd}\` is not a folder`;
  } catch {
    return `its worktree folder \`${cwd}\` does not exist; create it with New instance, or remove \`worktree:\` from lanes.yml to run it in the main checkout`;
  }
  return null;
}

/** Lanes' own variables (the web token, other instances' notify secrets) never reach an agent. */
export function inheritedEnvironment(env: NodeJS.ProcessEnv): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined || key.startsWith('LANES_') || key === 'ELECTRON_RUN_AS_NODE') continue;
    result[key] = value;
  }
  return result;
}

/** The command Claude Code's hooks run: this Lanes' own `lanes notify`. */
function notifyCommand(): string {
  const override = process.env.LANES_NOTIFY_COMMAND;
  if (override) return override;
  const runner = process.versions.electron ? `ELECTRON_RUN_AS_NODE=1 ${shellQuote(process.execPath)}` : shellQuote(process.execPath);
  return `${runner} ${shellQuote(path.join(appRoot(), 'bin', 'lanes.js'))} notify`;
}
