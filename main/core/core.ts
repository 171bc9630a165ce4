import { z } from 'zod';
import { calls, isCallName, type CallName, type Envelope, type EventName, type EventPayload } from '../contract';
import { toDisposable, type Disposable } from '../shared/disposable';
import { LanesError, isLanesError, type LanesErrorCode } from '../shared/errors';
import type { Composition, Handler, Handlers, OpenWorkspace, PlatformServices, Room, RoomContext, ServiceRegistry, WorkspaceSession } from './room';

export type EventListener = (name: EventName, payload: unknown) => void;

export interface LanesCoreOptions {
  readonly userDataDir: string;
  readonly platform: PlatformServices;
  readonly version: string;
}

/**
 * The domain core both adapters (Electron IPC and the web mode's WebSocket) serve. It owns the
 * rooms the app composed (main/app/lanes.ts) and knows none of them by name: it validates every
 * call against the contract, routes it to the room that handles it, turns errors into envelopes
 * the renderer can show, and opens and closes workspaces through the session it was given.
 */
export class LanesCore {
  private readonly listeners = new Set<EventListener>();
  private readonly handlers: Handlers = {};
  private readonly rooms: Room[];
  readonly session: WorkspaceSession;
  private disposed = false;

  constructor(options: LanesCoreOptions, composition: Composition) {
    const services: ServiceRegistry = {};
    this.session = composition.createSession({
      roomsOpened: (workspace) => this.roomsOpened(workspace),
      roomsClosed: (workspace) => this.roomsClosed(workspace),
      emit: (name, payload) => this.emit(name, payload),
    });
    const context: RoomContext = {
      userDataDir: options.userDataDir,
      platform: options.platform,
      version: options.version,
      services,
      emit: (name, payload) => this.emit(name, payload),
      call: async (name, args) => {
        const envelope = await this.call(name, args);
        if (envelope.ok) return envelope.value as never;
        throw new LanesError(envelope.error.code as LanesErrorCode, envelope.error.message, envelope.error.details);
      },
      currentWorkspace: () => this.session.current,
      requireWorkspace: () => this.session.require(),
      workspaceConfig: () => this.session.requireConfig(),
      refreshWorkspace: () => this.session.refresh(),
      openWorkspace: (input) => this.session.open(input),
      closeWorkspace: () => this.session.close(),
      workspaceSnapshot: () => this.session.snapshot(),
    };
    this.rooms = composition.rooms.map((create) => create(context));
    for (const room of this.rooms) {
      for (const [name, handler] of Object.entries(room.handlers)) {
        if (name in this.handlers) throw new Error(`Two rooms handle the call "${name}".`);
        (this.handlers as Record<string, unknown>)[name] = handler;
      }
    }
  }

  /** Runs one call from a renderer. Never throws: failures come back as `{ ok: false }`. */
  async call(name: unknown, rawArgs: unknown): Promise<Envelope<unknown>> {
    try {
      if (this.disposed) throw new LanesError('unavailable', 'Lanes is shutting down.');
      if (!isCallName(name)) throw new LanesError('invalid-argument', `Unknown call "${String(name)}".`);
      const spec = calls[name];
      const parsed = spec.args.safeParse(rawArgs ?? {});
      if (!parsed.success) throw new LanesError('invalid-argument', describeIssues(name, parsed.error));
      const handler = this.handlers[name] as Handler<CallName> | undefined;
      if (!handler) throw new LanesError('unavailable', `"${name}" is not available in this version of Lanes.`);
      const value = await handler(parsed.data as never);
      return { ok: true, value: spec.result.parse(value) };
    } catch (error) {
      return { ok: false, error: toWireError(error) };
    }
  }

  /** Every event the rooms emit, until the returned Disposable is disposed. */
  onEvent(listener: EventListener): Disposable {
    this.listeners.add(listener);
    return toDisposable(() => this.listeners.delete(listener));
  }

  emit<N extends EventName>(name: N, payload: EventPayload<N>): void {
    for (const listener of this.listeners) {
      try {
        listener(name, payload);
      } catch (error) {
        console.error(`Lanes: an event listener for "${name}" failed:`, error);
      }
    }
  }

  /** Closes the workspace (stopping everything rooms started for it) and disposes every room. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.session.close();
    for (const room of [...this.rooms].reverse()) await room.dispose?.();
    this.listeners.clear();
  }

  /**
   * Rooms start their work for a workspace side by side: none depends on another's start. All of
   * them have finished (or failed) before a failure is reported, so closing after it finds none
   * still starting.
   */
  private async roomsOpened(workspace: OpenWorkspace): Promise<void> {
    const results = await Promise.allSettled(this.rooms.map((room) => room.workspaceOpened?.(workspace)));
    const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failed) throw failed.reason;
  }

  private async roomsClosed(workspace: OpenWorkspace): Promise<void> {
    for (const room of [...this.rooms].reverse()) await room.workspaceClosed?.(workspace);
  }
}

function describeIssues(name: string, error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return `The arguments of "${name}" are not valid.`;
  const where = issue.path.length > 0 ? `\`${issue.path.join('.')}\`: ` : '';
  return `The arguments of "${name}" are not valid: ${where}${issue.message}`;
}

function toWireError(error: unknown): { code: string; message: string; details?: Record<string, unknown> } {
  if (isLanesError(error)) {
    return error.details ? { code: error.code, message: error.message, details: error.details } : { code: error.code, message: error.message };
  }
  console.error('Lanes: unexpected error in a call:', error);
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'internal', message: `Something went wrong inside Lanes: ${message}` };
}
