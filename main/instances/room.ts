import { statSync } from 'node:fs';
import path from 'node:path';
import type { InstanceList, InstanceState } from '../contract/instances';
import type { OpenWorkspace, Room, RoomFactory } from '../core/room';
import { appRoot } from '../shared/app-root';
import { LanesError, isLanesError } from '../shared/errors';
import type { InstanceConfig, LoadedConfig } from '../workspace/config';
import { coordinationPaths, workspaceHome } from '../workspace/home';
import { agentKind, contextText, prepareAgent, whyNotTyped } from './agent-context';
import { resolveProgram, shellQuote, splitCommandLine } from './command-line';
import { InstanceProcess, STOP_GRACE_MS, type LaunchSpec } from './instance-process';
import { NotifyServer } from './notify-server';
import { PidRegistry } from './pid-registry';
import { listProcesses } from './process-tree';
import { keystrokes, SUBMIT } from './typed-text';

const STATUS_TICK_MS = 250;
const USAGE_SAMPLE_MS = 2_000;
const CHANGED_COALESCE_MS = 30;

/**
 * The instances room: runs each instance's agent in a pty in its worktree, streams its terminal
 * to the viewers with flow control, keeps its status, and stops every process it started when
 * the workspace closes or Lanes quits.
 */
export const createInstancesRoom: RoomFactory = (context): Room => {
  const registry = new PidRegistry(context.userDataDir);
  const leftovers = registry.endLeftovers(STOP_GRACE_MS).catch((error: unknown) => {
    console.error('Lanes could not end the agents a previous Lanes left running:', error);
    return 0;
  });
  const processes = new Map<string, InstanceProcess>();
  const notify = new NotifyServer((report) => processes.get(report.instance)?.hookEvent(report.event, report.message));
  let workspace: OpenWorkspace | null = null;
  let statusTimer: NodeJS.Timeout | null = null;
  let usageTimer: NodeJS.Timeout | null = null;
  let changedTimer: NodeJS.Timeout | null = null;
  let sampling = false;
  let configSubscription: { dispose(): void } | null = null;

  const announceChanged = () => {
    changedTimer ??= setTimeout(() => {
      changedTimer = null;
      if (workspace) void list().then((value) => context.emit('instances.changed', value), () => undefined);
    }, CHANGED_COALESCE_MS);
  };

  const processFor = (name: string): InstanceProcess => {
    let instance = processes.get(name);
    if (!instance) {
      instance = new InstanceProcess(name, {
        output: (data, seq) => context.emit('instances.output', { instance: name, data, seq }),
        changed: announceChanged,
        attention: (kind, detail) => {
          const title = kind === 'waiting' ? `${name} is waiting for you` : `${name} ${kind === 'crashed' ? 'crashed' : 'exited'}`;
          context.platform.notify?.(title, detail);
          context.emit('instances.notification', { instance: name, kind, title, body: detail });
        },
        tracked: (marker, tracked) => {
          if (workspace) void registry.record(name, workspace.root, marker, tracked);
        },
        ended: () => {
          notify.revokeToken(name);
          context.services.agentApi?.revoke(name);
          void registry.forget(name);
        },
      });
      processes.set(name, instance);
    }
    return instance;
  };

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
    const running = processes.get(name);
    const cwd = config ? workingFolder(root, config) : root;
    return {
      name,
      role: config?.role ?? 'custom',
      agent: config?.agent ?? '',
      zones: config?.zones ?? [],
      cwd,
      worktree: config?.worktree ?? null,
      ...(running?.state() ?? {
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
    for (const [name, instance] of processes) if (!names.has(name) && instance.running) states.push(describe(root, null, name));
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
    await leftovers;
    const current = context.requireWorkspace();
    const root = home();
    const { loaded, problem } = await readConfig();
    if (!loaded) throw new LanesError('malformed-file', `Lanes cannot start "${name}": ${problem}`);
    const config = loaded.config.instances.find((instance) => instance.name === name);
    if (!config) throw new LanesError('not-found', `There is no instance "${name}" in lanes.yml.`);
    const instance = processFor(name);
    if (instance.running) return describe(root, config, name);
    const folderProblem = configProblem(root, config);
    if (folderProblem) throw new LanesError('not-found', `Lanes cannot start "${name}": ${folderProblem}.`);
    // The agent command comes from the repository's lanes.yml: a cloned repository could name anything.
    await context.services.trust?.requireTrusted({ kind: 'agent', command: config.agent, instance: name });
    const spec = await launchSpec(root, current.name, loaded, config);
    instance.start(spec);
    announceChanged();
    return describe(root, config, name);
  }

  async function launchSpec(root: string, workspaceName: string, loaded: LoadedConfig, config: InstanceConfig): Promise<LaunchSpec> {
    await notify.start();
    const cwd = workingFolder(root, config);
    const [program, ...args] = splitCommandLine(config.agent);
    const baseEnv = inheritedEnvironment(process.env);
    const file = resolveProgram(program!, cwd, baseEnv);
    const kind = agentKind(file);
    const paths = coordinationPaths(root, loaded.config.paths);
    const prepared = await prepareAgent({
      cwd,
      kind,
      args,
      instanceName: config.name,
      context: contextText({ instance: config, config: loaded.config, paths, workspaceName }),
      memoryFolder: paths.memory,
      notifyCommand,
    });
    return {
      file,
      args: prepared.args,
      cwd,
      hooks: kind === 'claude',
      env: {
        ...baseEnv,
        TERM: 'xterm-256color',
        COLORTERM: 'truecolor',
        LANES_INSTANCE: config.name,
        LANES_WORKSPACE: root,
        LANES_ZONES: config.zones.join('\n'),
        LANES_CONTEXT_FILE: prepared.contextFile,
        LANES_NOTIFY_URL: notify.url,
        LANES_NOTIFY_TOKEN: notify.issueToken(config.name),
        ...(await context.services.agentApi?.environmentFor(config.name)),
      },
    };
  }

  async function stop(name: string): Promise<InstanceState> {
    const root = home();
    const instance = processes.get(name);
    await instance?.stop();
    const { loaded } = await readConfig();
    return describe(root, loaded?.config.instances.find((candidate) => candidate.name === name) ?? null, name);
  }

  async function stopEverything(): Promise<void> {
    await Promise.all([...processes.values()].map((instance) => instance.stop()));
  }

  function running(name: string): InstanceProcess {
    const instance = processes.get(name);
    if (!instance?.running) throw new LanesError('unavailable', `"${name}" is not running. Start it first.`);
    return instance;
  }

  context.services.instances = {
    async sendText(name, text) {
      const instance = running(name);
      const config = (await readConfig()).loaded?.config.instances.find((candidate) => candidate.name === name);
      const notTyped = config ? whyNotTyped(config) : `${name} is no longer in lanes.yml, so Lanes cannot tell whether it reads typed instructions.`;
      if (notTyped !== null) throw new LanesError('invalid-argument', `Lanes did not type into ${name}'s terminal: ${notTyped}`);
      instance.write(keystrokes(text, instance.bracketedPaste));
      // A separate Enter, a moment later, so terminal UIs take the text as typed rather than pasted.
      await new Promise((resolve) => setTimeout(resolve, 30));
      instance.write(SUBMIT);
    },
    isRunning: (name) => processes.get(name)?.running ?? false,
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
      'instances.write': ({ name, data }) => {
        running(name).write(data);
        return null;
      },
      'instances.resize': ({ name, cols, rows }) => {
        processFor(name).resize(cols, rows);
        return null;
      },
      'instances.attach': ({ name }) => {
        context.requireWorkspace();
        const instance = processFor(name);
        const snapshot = instance.pipe.attach();
        return { ...snapshot, cols: instance.cols, rows: instance.rows, running: instance.running };
      },
      'instances.ack': ({ name, viewer, chars }) => {
        processes.get(name)?.pipe.ack(viewer, chars);
        return null;
      },
      'instances.detach': ({ name, viewer }) => {
        processes.get(name)?.pipe.detach(viewer);
        return null;
      },
    },

    async workspaceOpened(opened) {
      workspace = opened;
      // lanes.yml names the instances: a change (made here or on disk) is a new list.
      configSubscription = context.workspaceConfig().onDidChange(announceChanged);
      statusTimer = setInterval(() => {
        for (const instance of processes.values()) instance.tick();
      }, STATUS_TICK_MS);
      usageTimer = setInterval(() => {
        if (sampling) return;
        sampling = true;
        const live = [...processes.values()].filter((instance) => instance.running);
        if (live.length === 0) {
          sampling = false;
          return;
        }
        void listProcesses()
          .then((table) => {
            for (const instance of live) instance.sample(table);
            announceChanged();
          }, () => undefined)
          .finally(() => {
            sampling = false;
          });
      }, USAGE_SAMPLE_MS);
    },

    async workspaceClosed() {
      configSubscription?.dispose();
      configSubscription = null;
      await stopEverything();
      for (const timer of [statusTimer, usageTimer, changedTimer]) if (timer) clearTimeout(timer);
      statusTimer = usageTimer = changedTimer = null;
      for (const instance of processes.values()) instance.pipe.dispose();
      processes.clear();
      await notify.close();
      workspace = null;
    },

    async dispose() {
      await stopEverything();
      await notify.close();
      await leftovers;
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
