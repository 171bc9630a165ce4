import path from 'node:path';
import type { OpenWorkspace, Room, RoomFactory } from '../core/room';
import type { RequestSummary, SendResult, SyncResult, SyncState } from '../contract/requests';
import type { SyncPoint, WorkspaceConfig } from '../contract/workspace';
import { hashContent } from '../shared/atomic-file';
import { readInsideCheckout, writeInsideCheckout } from '../shared/checkout-file';
import { LanesError, isLanesError } from '../shared/errors';
import { withDecision } from '../memory/shared-state';
import type { ConfigState } from '../workspace/config-service';
import { coordinationPaths, workspaceHome } from '../workspace/home';
import { whyNotTyped } from '../instances/agent-context';
import { part, typedLine } from '../instances/typed-text';
import { blockerResolver, newlyUnblocked, planOf, waitingCounts } from './plan';
import { RequestBoard, type BoardCache } from './request-board';
import { LastSynced } from './last-synced';
import { SyncSchedule, systemClock, type SyncClock } from './sync-schedule';

/**
 * The requests room: the cross-instance request files as a live board, their plan, decisions,
 * and lanes.yml's sync points. One `RequestBoard` per open workspace holds the cache and the
 * folder watchers, one `SyncSchedule` its timer on `clock`; closing the workspace stops them.
 */
export const requestsRoomWith = (clock: SyncClock): RoomFactory => (context): Room => {
  let board: RequestBoard | null = null;
  /** What the last closed board read, so opening its workspace again re-reads only what changed. */
  let carried: BoardCache | null = null;
  let schedule: SyncSchedule | null = null;
  /** The lanes.yml the schedule follows: the last valid one, so a typo in the file stops no sync. */
  let scheduledConfig: WorkspaceConfig | null = null;
  let configSubscription: { dispose(): void } | null = null;
  /** When a sync point was last typed into each instance, and which; kept across restarts. */
  let lastSynced: LastSynced | null = null;
  /** Why the last sync point was not typed into an instance. */
  const notSyncedBecause = new Map<string, string>();
  /** How many blockers each request waited for when the plan was last made (see `waitingCounts`); null before the first scan. */
  let waiting: Map<string, number> | null = null;
  let replanQueued = false;
  /**
   * The plan last pushed, as sent: a change that leaves the plan as it was (a body or a title
   * edited, a card rewritten as it was) pushes nothing, where it sent the whole plan (~200 KB
   * for 2,000 requests) to every window. Null once no plan stands (a workspace opened or closed).
   */
  let pushedPlan: string | null = null;

  /**
   * Makes the plan again after the board changed (once for a burst of changes) and tells the
   * receiver of every request whose last blocker just reached done.
   */
  const replan = (of: RequestBoard) => {
    if (replanQueued) return;
    replanQueued = true;
    queueMicrotask(() => {
      replanQueued = false;
      if (board !== of || waiting === null) return;
      const requests = of.current();
      const counts = waitingCounts(requests, waiting);
      const unblocked = newlyUnblocked(waiting, counts, requests);
      waiting = counts;
      const plan = planOf(requests);
      const sent = JSON.stringify(plan);
      if (sent !== pushedPlan) {
        pushedPlan = sent;
        context.emit('requests.planned', plan);
      }
      for (const request of unblocked) {
        void tellUnblocked(request, requests).catch((error: unknown) => console.error('Lanes: telling the receiver of an unblocked request failed:', error));
      }
    });
  };

  const sendToReceiver = async (request: RequestSummary): Promise<SendResult> => {
    if (request.status === 'done') throw new LanesError('invalid-argument', `\`${request.name}\` is already done; there is nothing to hand off.`);
    if (request.to === null) {
      throw new LanesError('invalid-argument', `\`${request.name}\` names no receiver. Add \`(From → To)\` to its title, or \`to:\` to its front matter.`);
    }
    if (request.toInstance === null) {
      throw new LanesError('invalid-argument', `"${request.to}" is not an instance in lanes.yml, so Lanes cannot hand this request to an agent.`);
    }
    const home = homeFor(context.requireWorkspace());
    const { config } = await context.workspaceConfig().read();
    const paths = coordinationPaths(home, config.paths);
    const text = handOffInstruction(path.join(paths.requests, ...request.file.split('/')), paths.requestsDone);
    const receiver = config.instances.find((instance) => instance.name === request.toInstance);
    const notTyped = receiver ? whyNotTyped(receiver) : null;
    if (notTyped !== null) return { instance: request.toInstance, text, typed: false, notTypedBecause: notTyped };
    const instances = context.services.instances;
    if (!instances) {
      throw new LanesError('unavailable', 'Handing a request to an agent needs the instances feature, which this version of Lanes does not have yet.');
    }
    if (!instances.isRunning(request.toInstance)) {
      throw new LanesError('unavailable', `"${request.toInstance}" is not running. Start it on the Instances screen, then send the request again.`);
    }
    await instances.sendText(request.toInstance, text);
    return { instance: request.toInstance, text, typed: true, notTypedBecause: null };
  };

  /** A notification, and the hand-off when the request asks for one (`when_unblocked: send`). */
  const tellUnblocked = async (request: RequestSummary, requests: readonly RequestSummary[]) => {
    const resolve = blockerResolver(requests);
    const titles = new Map(requests.map((other) => [other.file, other.title]));
    const blockers = request.blockedBy.map((ref) => titles.get(resolve(ref, request.file).file ?? '') ?? ref);
    let handedOff = false;
    let notHandedOffBecause: string | null = null;
    if (request.whenUnblocked === 'send') {
      try {
        const sent = await sendToReceiver(request);
        handedOff = sent.typed;
        notHandedOffBecause = sent.notTypedBecause;
      } catch (error) {
        if (!isLanesError(error)) throw error;
        notHandedOffBecause = error.message;
      }
    }
    const receiver = request.toInstance ?? request.to;
    const title = `“${request.title}” is no longer blocked`;
    const body = `${blockers.map((blocker) => `“${blocker}”`).join(', ')} ${blockers.length === 1 ? 'is' : 'are'} done.${
      handedOff ? ` Lanes handed it to ${receiver}.` : receiver ? ` ${receiver} can start it.` : ''
    }`;
    context.platform.notify?.(title, body);
    context.emit('requests.unblocked', { file: request.file, title: request.title, instance: request.toInstance, blockers, handedOff, notHandedOffBecause });
  };

  /** The lines being typed into the agents, one after another: two typed at once would interleave their keys. */
  let typing: Promise<unknown> = Promise.resolve();

  /**
   * Types `line` into every instance of lanes.yml whose agent runs and takes prose, after the
   * lines typed before it; says why not into the others.
   */
  const typeIntoRunningAgents = (config: WorkspaceConfig, line: string) => {
    const turn = typing.then(() => typeInto(config, line));
    typing = turn.catch(() => undefined);
    return turn;
  };

  const typeInto = async (config: WorkspaceConfig, line: string) => {
    const typed: string[] = [];
    const notTyped: { instance: string; reason: string }[] = [];
    for (const instance of config.instances) {
      const reason = whyNotTyped(instance) ?? (context.services.instances?.isRunning(instance.name) ? null : `${instance.name} is not running.`);
      if (reason !== null) {
        notTyped.push({ instance: instance.name, reason });
        continue;
      }
      try {
        await context.services.instances!.sendText(instance.name, line);
        typed.push(instance.name);
      } catch (error) {
        if (!isLanesError(error)) throw error;
        notTyped.push({ instance: instance.name, reason: error.message });
      }
    }
    return { typed, notTyped };
  };

  const syncState = (): SyncState => {
    context.requireWorkspace();
    return {
      points: (schedule?.entries() ?? []).map(({ point, next }, index) => ({
        index,
        at: point.at ?? null,
        every: point.every ?? null,
        text: point.text,
        next: new Date(next).toISOString(),
      })),
      agents: (scheduledConfig?.instances ?? []).map((instance) => ({
        instance: instance.name,
        lastSyncedAt: lastSynced?.get(instance.name)?.at ?? null,
        lastText: lastSynced?.get(instance.name)?.text ?? null,
        notSyncedBecause: notSyncedBecause.get(instance.name) ?? null,
      })),
    };
  };

  const announceSync = (of: SyncSchedule) => {
    if (schedule === of) context.emit('requests.synced', syncState());
  };

  /** Types a sync point into every running agent that takes prose, and remembers who took it. */
  const sync = async (of: SyncSchedule, point: SyncPoint): Promise<SyncResult> => {
    const line = typedLine`Scheduled sync from lanes.yml: ${part(point.text, 'the `sync` text in lanes.yml')}`;
    if (!scheduledConfig) throw new LanesError('unavailable', 'Lanes is still reading lanes.yml; try again in a moment.');
    const result = await typeIntoRunningAgents(scheduledConfig, line);
    const at = new Date(clock.now()).toISOString();
    if (schedule === of) {
      // Who took it and why the others did not change together, before the save is awaited: a
      // reader in between must never see one half of this sync without the other.
      const saved = lastSynced?.record(result.typed, { at, text: point.text });
      for (const instance of result.typed) notSyncedBecause.delete(instance);
      for (const { instance, reason } of result.notTyped) notSyncedBecause.set(instance, reason);
      announceSync(of);
      await saved;
    }
    return { text: point.text, at, ...result };
  };

  const stopSchedule = () => {
    configSubscription?.dispose();
    configSubscription = null;
    schedule?.close();
    schedule = null;
    scheduledConfig = null;
    lastSynced = null;
    notSyncedBecause.clear();
  };

  const current = (): RequestBoard => {
    context.requireWorkspace();
    if (!board) throw new LanesError('unavailable', 'The request board is still starting; try again in a moment.');
    return board;
  };

  return {
    handlers: {
      'requests.list': ({ doneLimit }) => current().list(doneLimit),
      'requests.read': ({ file }) => current().read(file),
      'requests.move': ({ file, status, version }) => current().move(file, status, version),
      'requests.save': ({ file, text, version }) => current().save(file, text, version),
      'requests.create': (input) => current().create(input),
      'requests.search': async ({ query }) => ({ files: await current().search(query) }),
      'requests.send': async ({ file }) => sendToReceiver(await current().summary(file)),
      'requests.prioritize': ({ file, quadrant, version }) => current().prioritize(file, quadrant, version),
      'requests.unblock': ({ file, blocker, version }) => current().unblock(file, blocker, version),
      'requests.plan': async () => {
        const requests = current();
        await requests.ready;
        return planOf(requests.current());
      },
      'requests.decide': async ({ text }) => {
        const home = homeFor(context.requireWorkspace());
        const { config } = await context.workspaceConfig().read();
        const paths = coordinationPaths(home, config.paths);
        // Checked before anything is written: a decision that cannot be typed is not recorded either.
        const line = typedLine`Decision for every instance (recorded in ${part(paths.sharedState, '`paths.sharedState` in lanes.yml')}): ${part(text, 'the decision')}`;
        await recordDecision(home, config.paths.sharedState, text, new Date());
        return { sharedState: config.paths.sharedState, ...(await typeIntoRunningAgents(config, line)) };
      },
      'requests.syncState': () => syncState(),
      'requests.syncNow': async ({ point, text }) => {
        context.requireWorkspace();
        const shown = schedule?.entries()[point]?.point;
        if (!schedule || !shown || shown.text !== text) {
          throw new LanesError('conflict', 'The `sync:` list of lanes.yml changed since the screen showed it. Look at the schedule again, then sync.');
        }
        return sync(schedule, shown);
      },
      'requests.paths': async () => {
        const home = homeFor(context.requireWorkspace());
        const paths = coordinationPaths(home, (await context.workspaceConfig().read()).config.paths);
        return { requests: paths.requests, done: paths.requestsDone };
      },
    },
    async workspaceOpened(workspace: OpenWorkspace) {
      carried = board?.cache() ?? carried;
      board?.close();
      waiting = null;
      stopSchedule();
      const scheduled: SyncSchedule = new SyncSchedule(clock, (point) => {
        void sync(scheduled, point).catch((error: unknown) => console.error('Lanes: typing a scheduled sync point failed:', error));
      });
      schedule = scheduled;
      const synced = await LastSynced.open(context.userDataDir, homeFor(workspace));
      if (schedule !== scheduled) return;
      lastSynced = synced;
      // The last valid `sync:` list stays scheduled while lanes.yml is invalid.
      const follow = (state: ConfigState) => {
        if (!state.loaded || schedule !== scheduled) return;
        scheduledConfig = state.loaded.config;
        scheduled.set(scheduledConfig.sync ?? []);
      };
      configSubscription = context.workspaceConfig().onDidChange((state) => {
        follow(state);
        announceSync(scheduled);
      });
      follow(await context.workspaceConfig().state());
      const opened: RequestBoard = new RequestBoard(
        homeFor(workspace),
        context.workspaceConfig(),
        (change) => {
          context.emit('requests.changed', change);
          replan(opened);
        },
        carried,
      );
      carried = null;
      board = opened;
      pushedPlan = null;
      // Neither the board nor the plan is pushed now: every window that shows them asks as the
      // workspace appears (`requests.list`, then `requests.plan`), and a push as well would send
      // a megabyte twice and make the asking window wait behind it. Only the baseline for
      // "no longer blocked" is taken here; the plan handler awaits `ready` after this does.
      void opened.ready
        .then(() => {
          if (board === opened) waiting = waitingCounts(opened.current());
        })
        .catch((error: unknown) => console.error('Lanes: reading the requests folder failed:', error));
    },
    async workspaceClosed() {
      carried = board?.cache() ?? null;
      board?.close();
      board = null;
      waiting = null;
      stopSchedule();
      pushedPlan = null;
      context.emit('requests.synced', null);
      context.emit('requests.changed', { kind: 'board', board: null });
      context.emit('requests.planned', null);
    },
    async dispose() {
      board?.close();
      board = null;
      carried = null;
      stopSchedule();
    },
  };
};

/** The requests room on the system clock. */
export const createRequestsRoom: RoomFactory = requestsRoomWith(systemClock);

/**
 * The hand-off typed into the receiver's terminal: one line, built from checked parts, so a file
 * name or a lanes.yml path can never carry a second message.
 */
export function handOffInstruction(file: string, doneFolder: string): string {
  return typedLine`Please handle the cross-instance request in ${part(file, 'the request file')}: read it, do what it asks inside your own zones only, then move the file into ${part(
    doneFolder + path.sep,
    'the `done` folder of `paths.requests` in lanes.yml',
  )} (with git mv if it is tracked).`;
}

/**
 * Appends a decision to the Decisions section of the shared-state file in the home, written
 * atomically and refused when the file changed since it was read or is not UTF-8 text.
 */
async function recordDecision(home: string, sharedState: string, text: string, now: Date): Promise<void> {
  const place = { root: home, what: 'the shared-state file' };
  const read = await readInsideCheckout(place, sharedState);
  if (read.text !== null && hashContent(read.text) !== read.version.hash) {
    throw new LanesError('malformed-file', `\`${sharedState}\` is not UTF-8 text, so Lanes did not add the decision to it. Convert it to UTF-8 first.`);
  }
  const pad = (value: number) => String(value).padStart(2, '0');
  const stamp = `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())} ${pad(now.getHours())}:${pad(now.getMinutes())}`;
  await writeInsideCheckout(place, sharedState, withDecision(read.text ?? '', text, stamp), { expected: read.version });
}

/** The workspace's home (its main checkout), whose requests folder every instance and screen shares. */
function homeFor(workspace: OpenWorkspace): string {
  return workspaceHome(workspace.root);
}
