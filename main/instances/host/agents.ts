import type { InstanceState } from '../../contract/instances';
import { DisposableStore, disposableInterval } from '../../shared/disposable';
import { listProcesses } from '../process-tree';
import { InstanceProcess, STOP_GRACE_MS, type LaunchSpec } from './instance-process';
import { type ScreenFactory, screenInThisThread } from './screen-thread';
import { NotifyServer } from './notify-server';
import { PidRegistry } from './pid-registry';
import { HostCallError, type HostConnection, type HostHandler, type OutputLane } from './server';

const STATUS_TICK_MS = 250;
const USAGE_SAMPLE_MS = 2_000;

/** An agent is one instance of one workspace: names repeat across workspaces. */
export interface AgentKey {
  readonly workspace: string;
  readonly name: string;
}

export type AgentRunState = Pick<InstanceState, 'status' | 'statusSource' | 'statusDetail' | 'statusSince' | 'pid' | 'exitCode' | 'signal' | 'startedAt' | 'usage'>;

/** What a client knows of an agent: pushed on every change (`changed`), and listed on (re)connect. */
export interface AgentSnapshot extends AgentKey {
  /**
   * Grows with every snapshot the host takes. A call's answer and the events sent around it may
   * be handled out of order by a client; it keeps the snapshot with the larger revision.
   */
  readonly revision: number;
  readonly state: AgentRunState;
  readonly running: boolean;
  readonly cols: number;
  readonly rows: number;
  readonly bracketedPaste: boolean;
}

export interface AgentAttachment {
  readonly data: string;
  readonly seq: number;
  readonly viewer: string;
  readonly cols: number;
  readonly rows: number;
  readonly running: boolean;
}

/** Events the host sends every client. */
export type HostEvents = {
  /** `echo`: likely the echo of a keystroke, so a client that queues output can send it ahead (only present when true; hosts before it never sent it). */
  output: AgentKey & { data: string; seq: number; echo?: true };
  changed: AgentSnapshot;
  attention: AgentKey & { kind: 'waiting' | 'exited' | 'crashed'; detail: string };
};

const keyOf = ({ workspace, name }: AgentKey): string => `${workspace}\n${name}`;

/**
 * The agents the host runs, for every workspace and every Lanes that connects: their ptys,
 * status, sampling, pid records and hook channel. They belong to the host, not to a client: a
 * client that goes away (quit, crash) leaves them running, and its viewers stop counting for
 * flow control.
 */
export class HostAgents {
  private readonly agents = new Map<string, { key: AgentKey; process: InstanceProcess }>();
  private readonly viewers = new Map<number, Set<{ id: string; viewer: string }>>();
  private readonly registry: PidRegistry;
  private readonly notify: NotifyServer;
  private readonly leftovers: Promise<unknown>;
  /** The status and usage timers. */
  private readonly timers = new DisposableStore();
  private sampling = false;
  private revision = 0;

  constructor(
    userDataDir: string,
    private readonly emit: <N extends keyof HostEvents>(name: N, payload: HostEvents[N], lane?: OutputLane) => void,
    private readonly runningChanged: () => void,
    private readonly screens: ScreenFactory = screenInThisThread,
    usageSampleMs = USAGE_SAMPLE_MS,
  ) {
    this.registry = new PidRegistry(userDataDir);
    // The crash clean-up: whatever a host (or a Lanes from before the host) that died left running.
    this.leftovers = this.registry.endLeftovers(STOP_GRACE_MS).catch((error: unknown) => console.error('The pty host could not end the agents a previous host left running:', error));
    this.notify = new NotifyServer((report) => {
      const agent = this.agents.get(report.agent);
      agent?.process.hookEvent(report.event, report.message);
    });
    this.timers.add(
      disposableInterval(() => {
        for (const { process } of this.agents.values()) process.tick();
      }, STATUS_TICK_MS),
    );
    this.timers.add(disposableInterval(() => this.sample(), usageSampleMs));
  }

  get runningCount(): number {
    let count = 0;
    for (const { process } of this.agents.values()) if (process.running) count += 1;
    return count;
  }

  handlers(): Record<string, HostHandler> {
    return {
      'agents.list': ({ workspace }: { workspace: string }) => [...this.agents.values()].filter(({ key }) => key.workspace === workspace).map(({ key }) => this.snapshot(key)),
      'agents.start': (args: AgentKey & { spec: LaunchSpec }) => this.start(args, args.spec),
      'agents.stop': async (args: AgentKey) => {
        await this.agents.get(keyOf(args))?.process.stop();
        return this.snapshot(args);
      },
      'agents.write': (args: AgentKey & { data: string }) => {
        const agent = this.agents.get(keyOf(args));
        if (!agent?.process.running) throw new HostCallError('unavailable', `"${args.name}" is not running. Start it first.`);
        agent.process.write(args.data);
        return null;
      },
      'agents.resize': (args: AgentKey & { cols: number; rows: number }) => {
        this.processFor(args).resize(args.cols, args.rows);
        return null;
      },
      'agents.attach': async (args: AgentKey, connection: HostConnection): Promise<AgentAttachment> => {
        const process = this.processFor(args);
        const snapshot = await process.attach();
        let owned = this.viewers.get(connection.id);
        if (!owned) this.viewers.set(connection.id, (owned = new Set()));
        owned.add({ id: keyOf(args), viewer: snapshot.viewer });
        return { ...snapshot, cols: process.cols, rows: process.rows, running: process.running };
      },
      'agents.ack': (args: AgentKey & { viewer: string; chars: number }) => {
        this.agents.get(keyOf(args))?.process.pipe.ack(args.viewer, args.chars);
        return null;
      },
      'agents.detach': (args: AgentKey & { viewer: string }) => {
        this.agents.get(keyOf(args))?.process.pipe.detach(args.viewer);
        return null;
      },
      'agents.stopAll': async ({ workspace }: { workspace?: string }) => {
        await this.stopAll(workspace);
        return null;
      },
    };
  }

  /** A client went away: its views no longer hold any agent back. */
  disconnected(connection: HostConnection): void {
    for (const { id, viewer } of this.viewers.get(connection.id) ?? []) this.agents.get(id)?.process.pipe.detach(viewer);
    this.viewers.delete(connection.id);
  }

  list(): AgentSnapshot[] {
    return [...this.agents.values()].map(({ key }) => this.snapshot(key));
  }

  async stopAll(workspace?: string): Promise<void> {
    await Promise.all([...this.agents.values()].filter(({ key }) => workspace === undefined || key.workspace === workspace).map(({ process }) => process.stop()));
  }

  async dispose(): Promise<void> {
    await this.stopAll();
    this.timers.dispose();
    for (const { process } of this.agents.values()) process.dispose();
    await this.notify.close();
    await this.leftovers;
  }

  private async start(key: AgentKey, spec: LaunchSpec): Promise<AgentSnapshot> {
    await this.leftovers;
    const process = this.processFor(key);
    if (process.running) return this.snapshot(key);
    await this.notify.start();
    // The hook channel belongs to the host, so its address and this run's secret outlive a Lanes restart.
    const env = { ...spec.env, LANES_NOTIFY_URL: this.notify.url, LANES_NOTIFY_TOKEN: this.notify.issueToken(keyOf(key), key.name) };
    try {
      process.start({ ...spec, env });
    } catch (error) {
      this.notify.revokeToken(keyOf(key));
      throw new HostCallError('unavailable', `Lanes could not start "${key.name}": ${error instanceof Error ? error.message : String(error)}`);
    }
    this.runningChanged();
    return this.snapshot(key);
  }

  private processFor(key: AgentKey): InstanceProcess {
    const id = keyOf(key);
    const existing = this.agents.get(id);
    if (existing) return existing.process;
    const process: InstanceProcess = new InstanceProcess(key.name, {
      output: (data, seq, echo) => this.emit('output', { ...key, data, seq, ...(echo ? { echo: true as const } : {}) }, { agent: id, echo }),
      changed: () => this.emit('changed', this.snapshot(key)),
      attention: (kind, detail) => this.emit('attention', { ...key, kind, detail }),
      tracked: (marker, tracked) => void this.registry.record(id, key.workspace, marker, tracked),
      ended: () => {
        this.notify.revokeToken(id);
        void this.registry.forget(id);
        this.emit('changed', this.snapshot(key));
        this.runningChanged();
      },
    }, {}, this.screens);
    this.agents.set(id, { key, process });
    return process;
  }

  private snapshot(key: AgentKey): AgentSnapshot {
    const process = this.agents.get(keyOf(key))?.process;
    if (!process) throw new HostCallError('not-found', `The pty host runs no agent "${key.name}" for ${key.workspace}.`);
    return { workspace: key.workspace, name: key.name, revision: ++this.revision, state: process.state(), running: process.running, cols: process.cols, rows: process.rows, bracketedPaste: process.bracketedPaste };
  }

  private sample(): void {
    if (this.sampling) return;
    const live = [...this.agents.values()].filter(({ process }) => process.running);
    if (live.length === 0) return;
    this.sampling = true;
    void listProcesses()
      .then((table) => {
        for (const { key, process } of live) if (process.sample(table)) this.emit('changed', this.snapshot(key));
      }, () => undefined)
      .finally(() => {
        this.sampling = false;
      });
  }
}
