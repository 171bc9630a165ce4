import type { z } from 'zod';
import type { CallArgs, CallName, CallResult, Calls, EventName, EventPayload } from '../contract';
import type { WorkspaceSnapshot } from '../contract/workspace';
import type { ConfigService } from '../workspace/config-service';

/** A handler receives arguments already validated against the contract. */
export type Handler<N extends CallName> = (args: z.output<Calls[N]['args']>) => Promise<CallResult<N>> | CallResult<N>;
export type Handlers = { [N in CallName]?: Handler<N> };

/** What differs between the Electron window and the web mode. */
export interface PlatformServices {
  readonly mode: 'electron' | 'web';
  pickFolder?(): Promise<string | null>;
  /** A desktop notification; clicking one about an instance shows that instance's terminal. */
  notify?(title: string, body: string, instance?: string): void;
  openExternal?(url: string): Promise<void>;
}

/** The repository Lanes has open. Rooms read their files through `root`. */
export interface OpenWorkspace {
  readonly root: string;
  readonly name: string;
}

/** Lets rooms act on running instances without importing the instances room. */
export interface InstanceControl {
  /**
   * Types one line into the instance's terminal as if the user typed it, then presses Enter.
   * Refuses text holding control characters or starting with `!`, `/` or `#`, and instances
   * whose agent does not take prose (a shell would run the text as a command).
   */
  sendText(instanceName: string, text: string): Promise<void>;
  isRunning(instanceName: string): boolean;
}

/** A command from the repository that Lanes would run: an instance's `agent:` or the workspace's `setup:`. */
export interface RepositoryCommand {
  readonly kind: 'agent' | 'setup';
  readonly command: string;
  /** The instance it runs for (agents, and setup for a new instance's worktree). */
  readonly instance?: string;
}

/**
 * Workspace trust, as VS Code's: a cloned repository's lanes.yml may name commands, and none
 * runs until the user trusted that command for that repository.
 */
export interface TrustControl {
  /** Resolves when the command is trusted; otherwise throws an `untrusted` LanesError that says what to do. */
  requireTrusted(command: RepositoryCommand): Promise<void>;
  /** Trusts a command the user typed or chose in Lanes itself (New instance): it is theirs, not the repository's. */
  trustChosen(command: RepositoryCommand): Promise<void>;
}

/**
 * Lets rooms that write into a worktree on the user's behalf (moving a file home, restoring its
 * copy) tell the zone watcher first, so Lanes' own change is never logged as a violation.
 */
export interface ZonesControl {
  /** `content` is what the file will hold, or null when Lanes deletes it. */
  expectOwnChange(checkout: string, repoPath: string, content: Buffer | null): void;
  /**
   * Resolves once the zone guard is installed in `checkout` for the instances that work there
   * as lanes.yml says now (`instance` among them): Claude Code reads its hooks once, when it
   * starts, so an agent started before its guard would run the whole session without it.
   */
  guard(instance: string, checkout: string): Promise<void>;
}

/**
 * The agents' own API (MCP and `lanes agent`): what one run of an instance needs in its
 * environment to reach it as itself, and the end of that run.
 */
export interface AgentApiControl {
  /** Variables for one run of an instance: where the API listens and that run's secret. */
  environmentFor(instanceName: string): Promise<Record<string, string>>;
  /** The run ended: its secret stops working. */
  revoke(instanceName: string): void;
}

export interface ServiceRegistry {
  agentApi?: AgentApiControl;
  instances?: InstanceControl;
  trust?: TrustControl;
  zones?: ZonesControl;
}

export interface RoomContext {
  readonly userDataDir: string;
  readonly platform: PlatformServices;
  readonly version: string;
  readonly services: ServiceRegistry;
  emit<N extends EventName>(name: N, payload: EventPayload<N>): void;
  /**
   * Runs a call of the contract as a screen would (validated, routed to the room that handles
   * it), for rooms that serve another client such as the agents' API. Failures throw a LanesError.
   */
  call<N extends CallName>(name: N, args: CallArgs<N>): Promise<CallResult<N>>;
  currentWorkspace(): OpenWorkspace | null;
  /** The open workspace, or a `no-workspace` error that tells the user to open one. */
  requireWorkspace(): OpenWorkspace;
  /**
   * The open workspace's lanes.yml: read it, edit it and hear of its changes here, never from the
   * file directly, so it is parsed once per change and every write goes through one queue.
   * A `no-workspace` error when none is open.
   */
  workspaceConfig(): ConfigService;
  /** Re-reads the workspace snapshot (branch, worktrees, coordination files) and pushes it to the UI if it changed. */
  refreshWorkspace(): Promise<void>;
  /** Opens the repository containing the path, closing the current one first (the workspace room's job). */
  openWorkspace(input: string): Promise<WorkspaceSnapshot>;
  closeWorkspace(): Promise<void>;
  workspaceSnapshot(): Promise<WorkspaceSnapshot>;
}

/**
 * One capability in main: its handlers for the contract, and the resources it holds.
 * Everything a room starts for a workspace (ptys, watchers, timers) it stops in
 * `workspaceClosed`; everything else in `dispose`.
 */
export interface Room {
  readonly handlers: Handlers;
  workspaceOpened?(workspace: OpenWorkspace): Promise<void>;
  workspaceClosed?(workspace: OpenWorkspace): Promise<void>;
  dispose?(): Promise<void>;
}

export type RoomFactory = (context: RoomContext) => Room;

/**
 * Which repository is open, kept by the workspace room and driven by the core: the core routes
 * the room context's workspace calls here and knows nothing else of how a workspace is opened.
 */
export interface WorkspaceSession {
  readonly current: OpenWorkspace | null;
  /** The open workspace, or a `no-workspace` error that tells the user to open one. */
  require(): OpenWorkspace;
  /** The open workspace's lanes.yml service, or a `no-workspace` error. */
  requireConfig(): ConfigService;
  /** Opens the repository containing `input` (closing the current one first) and returns its snapshot. */
  open(input: string): Promise<WorkspaceSnapshot>;
  close(): Promise<void>;
  snapshot(): Promise<WorkspaceSnapshot>;
  /** Pushes the snapshot to the screens if it differs from the last one pushed. */
  refresh(): Promise<void>;
}

/** What the session needs from the core: to start and stop the rooms' work, and to tell the screens. */
export interface WorkspaceSessionHooks {
  roomsOpened(workspace: OpenWorkspace): Promise<void>;
  roomsClosed(workspace: OpenWorkspace): Promise<void>;
  emit: RoomContext['emit'];
}

/**
 * What the app hands the core: every room, in the order they start (they stop in reverse), and
 * the workspace session. The core imports no room; this is how it gets them.
 */
export interface Composition {
  readonly rooms: readonly RoomFactory[];
  createSession(hooks: WorkspaceSessionHooks): WorkspaceSession;
}
