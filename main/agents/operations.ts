import path from 'node:path';
import type { AgentOperationResult, AgentProgress, RequestRef } from '../contract/agents';
import { agentOperations, isAgentOperation } from '../contract/agents';
import type { RequestSummary } from '../contract/requests';
import type { RoomContext } from '../core/room';
import { LanesError } from '../shared/errors';
import { relativeInside } from '../shared/path-guard';
import { coordinationPaths, workspaceHome, type CoordinationPaths } from '../workspace/home';
import { normalizeRepoPath } from '../zones/matcher';
import type { AgentRun } from './run-secrets';

type Results = { [O in keyof typeof agentOperations]: AgentOperationResult<O> };

/**
 * What the agents' API does for one run, each operation through the contract calls a screen
 * would make, as the instance the run belongs to. Everything is checked before anything is
 * written: a refused operation leaves the workspace as it was.
 */
export function createOperations(context: RoomContext, reportProgress: (progress: AgentProgress) => void) {
  /** The open workspace, which must be the one the run was started in. */
  async function workspaceOf(run: AgentRun): Promise<{ home: string; paths: CoordinationPaths }> {
    const open = context.currentWorkspace();
    if (!open) throw new LanesError('no-workspace', `Lanes has no workspace open now; open \`${run.workspace}\` in Lanes, then try again.`);
    const home = workspaceHome(open.root);
    if (home !== run.workspace) {
      throw new LanesError('unavailable', `Lanes has \`${home}\` open now, not \`${run.workspace}\` where ${run.instance} runs; open that workspace in Lanes, then try again.`);
    }
    const loaded = await context.workspaceConfig().read();
    return { home, paths: coordinationPaths(home, loaded.config.paths) };
  }

  const refOf = (paths: CoordinationPaths, request: RequestSummary): RequestRef => ({
    file: request.file,
    path: path.join(paths.requests, ...request.file.split('/')),
    title: request.title,
    from: request.from,
    to: request.to,
    status: request.status,
    priority: request.priority,
    blockedBy: request.blockedBy,
  });

  /** A request file named relative to the requests folder (or by its absolute path there), never leaving it. */
  function requestFile(paths: CoordinationPaths, file: string): string {
    const relative = path.isAbsolute(file) ? relativeInside(paths.requests, file) : file;
    const parts = (relative ?? '').split(/[\\/]/);
    if (relative === null || relative === '' || parts.some((part) => part === '..' || part === '')) {
      throw new LanesError('outside-workspace', `\`${file}\` is not a file in the requests folder \`${paths.requests}\`; name a request as \`requests.mine\` lists it.`);
    }
    return parts.join('/');
  }

  async function findRequest(paths: CoordinationPaths, file: string): Promise<RequestSummary> {
    const wanted = requestFile(paths, file);
    const board = await context.call('requests.list', {});
    const request = board.requests.find((candidate) => candidate.file === wanted || candidate.file === `done/${wanted}`);
    if (!request) throw new LanesError('not-found', `There is no request \`${wanted}\` in \`${paths.requests}\`. List yours with \`requests.mine\`.`);
    return request;
  }

  const handlers: { [O in keyof Results]: (run: AgentRun, args: never) => Promise<Results[O]> } = {
    async 'requests.mine'(run, { all }: { all: boolean }) {
      const { paths } = await workspaceOf(run);
      const board = await context.call('requests.list', {});
      return board.requests.filter((request) => request.toInstance === run.instance && (all || request.status !== 'done')).map((request) => refOf(paths, request));
    },

    async 'requests.read'(run, { file }: { file: string }) {
      const { paths } = await workspaceOf(run);
      const request = await findRequest(paths, file);
      if (request.toInstance !== run.instance && request.fromInstance !== run.instance) {
        throw new LanesError('invalid-argument', `\`${request.file}\` is between ${request.from ?? 'someone'} and ${request.to ?? 'someone'}; ${run.instance} reads only the requests it sent or received.`);
      }
      const detail = await context.call('requests.read', { file: request.file });
      return { request: refOf(paths, detail.request), text: detail.text };
    },

    async 'requests.create'(run, { to, title, body, priority }: { to: string; title: string; body: string; priority?: string }) {
      const { paths } = await workspaceOf(run);
      const board = await context.call('requests.list', {});
      const receiver = board.instances.find((name) => name === to) ?? board.instances.find((name) => name.toLowerCase() === to.toLowerCase());
      if (!receiver) throw new LanesError('not-found', `There is no instance "${to}" in lanes.yml. The instances are: ${board.instances.join(', ') || 'none'}.`);
      if (receiver === run.instance) throw new LanesError('invalid-argument', `${run.instance} cannot send a request to itself; do the work in your own zones, or ask the instance that owns the path.`);
      const created = await context.call('requests.create', { from: run.instance, to: receiver, title, body, ...(priority ? { priority } : {}) });
      return refOf(paths, created);
    },

    async 'requests.mark'(run, { file, status }: { file: string; status: 'in-progress' | 'done' }) {
      const { paths } = await workspaceOf(run);
      const request = await findRequest(paths, file);
      if (request.toInstance !== run.instance) {
        throw new LanesError('invalid-argument', `\`${request.file}\` is addressed to ${request.to ?? 'nobody Lanes knows'}, not ${run.instance}; only its receiver marks it.`);
      }
      const moved = await context.call('requests.move', { file: request.file, status, version: request.version });
      return refOf(paths, moved);
    },

    async 'zones.owner'(run, { path: asked }: { path: string }) {
      const { home } = await workspaceOf(run);
      const answer = await context.call('zones.owner', { path: asked });
      const { owners, common, coordination, lease } = answer;
      const mine = owners.includes(run.instance);
      const leasedToMe = lease?.instance === run.instance;
      const until = lease ? ` until ${lease.until}` : '';
      const why = lease && !leasedToMe
        ? `${lease.instance} holds a lease on \`${lease.path}\`${until}: only it may write there until the lease ends.`
        : leasedToMe
          ? `${run.instance} holds a lease on \`${lease.path}\`${until}.`
          : mine
            ? `${run.instance} owns it.`
            : coordination
              ? `It is a shared coordination file (${coordination}): every instance writes it, in the home \`${home}\`.`
              : common
                ? 'It is a common file every instance may write.'
                : owners.length > 0
                  ? `${owners.join(' and ')} ${owners.length > 1 ? 'own' : 'owns'} it: ask with a request.`
                  : 'Nobody owns it: ask the user before writing it.';
      const mayWrite = lease ? leasedToMe : mine || common || coordination !== null;
      return { path: answer.path, owners, common, coordination: coordination !== null, mayWrite, why };
    },

    async 'memory.write'(run, { kind, name, text }: { kind: 'user' | 'project' | 'success' | 'correction' | 'other'; name: string; text: string }) {
      const { paths } = await workspaceOf(run);
      if (/[\\/]/.test(name) || name.split(/\s+/).some((part) => part === '..') || name.startsWith('.')) {
        throw new LanesError('outside-workspace', `"${name}" is not a memory entry name: entries live in the memory folder \`${paths.memory}\`, so a name has no folders, \`..\` or leading dot.`);
      }
      const document = await context.call('memory.create', { source: 'repo', kind, slug: name, text, addToIndex: true });
      return { name: document.name, path: path.join(paths.memory, document.name) };
    },

    async 'leases.take'(run, { path: leased, minutes }: { path: string; minutes: number }) {
      await workspaceOf(run);
      return context.call('zones.takeLease', { instance: run.instance, path: leased, minutes });
    },

    async 'leases.grant'(run, { to, path: leased, minutes }: { to: string; path: string; minutes: number }) {
      await workspaceOf(run);
      if (to === run.instance) throw new LanesError('invalid-argument', `${run.instance} cannot grant a lease to itself: take one with \`leases.take\` on a common path.`);
      return context.call('zones.grantLease', { instance: to, path: leased, minutes, by: run.instance });
    },

    async 'leases.release'(run, { path: leased }: { path: string }) {
      await workspaceOf(run);
      const wanted = normalizeRepoPath(leased);
      const leases = await context.call('zones.leases', {});
      const mine = leases.live.find((lease) => lease.instance === run.instance && lease.path === wanted);
      if (!mine) {
        const held = leases.live.filter((lease) => lease.instance === run.instance).map((lease) => `\`${lease.path}\``);
        throw new LanesError('not-found', `${run.instance} holds no lease on \`${wanted}\`${held.length > 0 ? `; it holds ${held.join(', ')}` : ''}.`);
      }
      await context.call('zones.releaseLease', { id: mine.id, instance: run.instance });
      return { released: mine };
    },

    async 'progress.report'(run, { text, percent }: { text: string; percent?: number }) {
      await workspaceOf(run);
      const progress: AgentProgress = { instance: run.instance, text, percent: percent ?? null, at: new Date().toISOString() };
      reportProgress(progress);
      return progress;
    },
  };

  return async function runOperation(run: AgentRun, operation: string, rawArgs: unknown): Promise<unknown> {
    if (!isAgentOperation(operation)) {
      throw new LanesError('not-found', `The agents' API has no operation "${operation}". It has: ${Object.keys(agentOperations).join(', ')}.`);
    }
    const parsed = agentOperations[operation].args.safeParse(rawArgs);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((issue) => (issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message));
      throw new LanesError('invalid-argument', `${operation}: ${issues.join('; ')}`);
    }
    return (handlers[operation] as (run: AgentRun, args: unknown) => Promise<unknown>)(run, parsed.data);
  };
}
