import { promises as fs } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { RepositoryCommandArgs, TrustState } from '../contract/workspace';
import type { RepositoryCommand, RoomContext, TrustControl } from '../core/room';
import { ABSENT, readVersionedIfExists, writeFileAtomic, type FileVersion } from '../shared/atomic-file';
import { LanesError, errnoCode, isLanesError } from '../shared/errors';
import type { WorkspaceConfig } from './config';
import type { ConfigSubscription } from './config-service';
import { workspaceHome } from './home';

/**
 * Workspace trust, as VS Code's: a cloned repository's lanes.yml names commands (each instance's
 * `agent:`, the workspace's `setup:`), and Lanes runs one only after the user trusted that exact
 * command for that repository. Trust lives in Lanes' user data, never in the repository, so a
 * repository cannot trust itself.
 */

export const TRUST_FILE = 'trust.json';

/** Only the user may read or change what they trust. */
const TRUST_FILE_MODE = 0o600;

const storedCommandSchema = z.object({
  kind: z.enum(['agent', 'setup']),
  command: z.string(),
  instance: z.string().nullable(),
});
type StoredCommand = z.infer<typeof storedCommandSchema>;

const trustFileSchema = z.object({
  version: z.literal(1),
  /** By the repository's real path. */
  repositories: z.record(
    z.string(),
    z.object({
      /** Commands the user trusted to run. */
      trusted: z.array(storedCommandSchema),
      /** Commands the user was shown and chose not to trust ("Browse without running"): not asked about again. */
      declined: z.array(storedCommandSchema),
    }),
  ),
});
type TrustFile = z.infer<typeof trustFileSchema>;
type RepositoryTrust = TrustFile['repositories'][string];

/**
 * One command's identity: its kind, the instance it runs for and its exact text. A setup command
 * runs for every new worktree alike, so its instance is not part of it.
 */
function normalized(command: RepositoryCommand | RepositoryCommandArgs): StoredCommand {
  return { kind: command.kind, command: command.command, instance: command.kind === 'setup' ? null : (command.instance ?? null) };
}

function keyOf(command: RepositoryCommand | RepositoryCommandArgs): string {
  const { kind, instance, command: text } = normalized(command);
  return JSON.stringify([kind, instance, text]);
}

/** The commands lanes.yml would have Lanes run, in the file's order. */
export function repositoryCommands(config: WorkspaceConfig): StoredCommand[] {
  const commands: StoredCommand[] = config.instances.map((instance) => ({ kind: 'agent', command: instance.agent, instance: instance.name }));
  const setup = config.setup?.trim();
  if (setup) commands.push({ kind: 'setup', command: setup, instance: null });
  return commands;
}

/** What `requireTrusted` says when a command was not trusted: what Lanes held back and what to do. */
export function untrustedError(command: RepositoryCommand): LanesError {
  const what = command.kind === 'agent' && command.instance ? ` (the agent of "${command.instance}")` : command.kind === 'setup' ? ' (the setup command)' : '';
  return new LanesError(
    'untrusted',
    `Lanes has not run \`${command.command}\`${what} from this repository's lanes.yml: you have not trusted it. ` +
      'Choose "Review commands" in the Restricted mode bar at the top of Lanes and trust it first.',
    { kind: command.kind, command: command.command, instance: command.instance ?? null },
  );
}

/**
 * The trust file in Lanes' user data. Each change re-reads the file and is written atomically,
 * refused and retried if another Lanes (the desktop app beside `lanes serve`) changed it meanwhile.
 */
export class TrustStore {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly userDataDir: string) {}

  get file(): string {
    return path.join(this.userDataDir, TRUST_FILE);
  }

  /** What the user decided for a repository; nothing when the file is missing. */
  async repository(root: string): Promise<RepositoryTrust> {
    return (await this.read()).data.repositories[await realRoot(root)] ?? { trusted: [], declined: [] };
  }

  /** Applies `change` to the repository's entry and saves the file. */
  update(root: string, change: (entry: RepositoryTrust) => RepositoryTrust): Promise<RepositoryTrust> {
    const run = this.queue.then(async () => {
      const key = await realRoot(root);
      for (let attempt = 0; ; attempt += 1) {
        const { data, version } = await this.read();
        const entry = change(data.repositories[key] ?? { trusted: [], declined: [] });
        const repositories = { ...data.repositories, [key]: entry };
        if (entry.trusted.length === 0 && entry.declined.length === 0) delete repositories[key];
        await fs.mkdir(this.userDataDir, { recursive: true, mode: 0o700 });
        try {
          await writeFileAtomic(this.file, `${JSON.stringify({ version: 1, repositories }, null, 2)}\n`, { expected: version, mode: TRUST_FILE_MODE });
          return entry;
        } catch (error) {
          if (!(isLanesError(error) && error.code === 'conflict') || attempt >= 2) throw error;
        }
      }
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async read(): Promise<{ data: TrustFile; version: FileVersion }> {
    const { text, version } = await readVersionedIfExists(this.file);
    if (text === null) return { data: { version: 1, repositories: {} }, version: ABSENT };
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw this.malformed();
    }
    const result = trustFileSchema.safeParse(parsed);
    if (!result.success) throw this.malformed();
    return { data: result.data, version };
  }

  private malformed(): LanesError {
    return new LanesError(
      'malformed-file',
      `Lanes cannot read the list of commands you trusted, \`${this.file}\`, so it trusts none. Fix the file, or delete it and trust the commands again.`,
      { path: this.file },
    );
  }
}

/** Trust follows the repository, not the path it was opened by: a symlink to it is the same repository. */
async function realRoot(root: string): Promise<string> {
  try {
    return await fs.realpath(root);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return path.resolve(root);
    throw error;
  }
}

/** The trust state the UI shows: every command lanes.yml names, whether it is trusted, and whether to ask now. */
export function trustState(root: string, commands: StoredCommand[], entry: RepositoryTrust, ask: boolean): TrustState {
  const trusted = new Set(entry.trusted.map(keyOf));
  const declined = new Set(entry.declined.map(keyOf));
  const seen = new Set<string>();
  const listed = commands.filter((command) => {
    const key = keyOf(command);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const states = listed.map((command) => {
    const key = keyOf(command);
    return { ...command, trusted: trusted.has(key), declined: !trusted.has(key) && declined.has(key) };
  });
  return { root, commands: states, ask: ask && states.some((command) => !command.trusted && !command.declined) };
}

export function isTrusted(entry: RepositoryTrust, command: RepositoryCommand): boolean {
  const key = keyOf(command);
  return entry.trusted.some((candidate) => keyOf(candidate) === key);
}

/** The entry with these commands trusted (and no longer declined). */
export function withTrusted(entry: RepositoryTrust, commands: readonly RepositoryCommandArgs[]): RepositoryTrust {
  const keys = new Set(commands.map(keyOf));
  const kept = entry.trusted.filter((candidate) => !keys.has(keyOf(candidate)));
  return { trusted: [...kept, ...dedupe(commands.map(normalized))], declined: entry.declined.filter((candidate) => !keys.has(keyOf(candidate))) };
}

/** The entry with these commands declined: shown to the user, who chose to browse without running them. */
export function withDeclined(entry: RepositoryTrust, commands: readonly RepositoryCommandArgs[]): RepositoryTrust {
  const keys = new Set(commands.map(keyOf));
  return { trusted: entry.trusted, declined: [...entry.declined.filter((candidate) => !keys.has(keyOf(candidate))), ...dedupe(commands.map(normalized))] };
}

/** The entry without trust in these commands (all of them when `commands` is null). */
export function withRevoked(entry: RepositoryTrust, commands: readonly RepositoryCommandArgs[] | null): RepositoryTrust {
  if (commands === null) return { trusted: [], declined: [...entry.declined, ...entry.trusted] };
  const keys = new Set(commands.map(keyOf));
  return {
    trusted: entry.trusted.filter((candidate) => !keys.has(keyOf(candidate))),
    declined: [...entry.declined, ...entry.trusted.filter((candidate) => keys.has(keyOf(candidate)))],
  };
}

function dedupe(commands: StoredCommand[]): StoredCommand[] {
  const seen = new Set<string>();
  return commands.filter((command) => {
    const key = keyOf(command);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * The open repository's trust: the service rooms ask before they run a command from lanes.yml,
 * and what the trust calls and the `trust.changed` event show. It asks (the UI's modal) once per
 * opening, about commands the user was never asked about; a command that changes later is
 * untrusted until the user trusts its new text.
 */
export class WorkspaceTrust implements TrustControl {
  private readonly store: TrustStore;
  /** The workspace was just opened and the user has not answered yet. */
  private asking = false;
  private subscription: ConfigSubscription | null = null;

  constructor(private readonly context: RoomContext) {
    this.store = new TrustStore(context.userDataDir);
  }

  async requireTrusted(command: RepositoryCommand): Promise<void> {
    if (!isTrusted(await this.store.repository(this.repository()), command)) throw untrustedError(command);
  }

  async opened(): Promise<void> {
    this.asking = true;
    this.subscription?.dispose();
    this.subscription = this.context.workspaceConfig().onDidChange(() => {
      void this.publish().catch((error: unknown) => console.error('Lanes could not tell the window which commands are trusted:', error));
    });
    await this.publish();
  }

  closed(): void {
    this.subscription?.dispose();
    this.subscription = null;
    this.asking = false;
    this.context.emit('trust.changed', null);
  }

  async state(): Promise<TrustState | null> {
    const workspace = this.context.currentWorkspace();
    if (!workspace) return null;
    const repository = workspaceHome(workspace.root);
    let entry: RepositoryTrust = { trusted: [], declined: [] };
    try {
      entry = await this.store.repository(repository);
    } catch (error) {
      // An unreadable trust file trusts nothing; trusting or revoking says what is wrong with it.
      if (!isLanesError(error)) throw error;
    }
    const state = trustState(repository, await this.commands(), entry, this.asking);
    if (!state.ask) this.asking = false;
    return state;
  }

  async trustChosen(command: RepositoryCommand): Promise<void> {
    await this.grant([{ kind: command.kind, command: command.command, instance: command.instance ?? null }]);
  }

  async grant(commands: readonly RepositoryCommandArgs[]): Promise<TrustState> {
    await this.store.update(this.repository(), (entry) => withTrusted(entry, commands));
    return this.publish();
  }

  async decline(commands: readonly RepositoryCommandArgs[]): Promise<TrustState> {
    await this.store.update(this.repository(), (entry) => withDeclined(entry, commands));
    return this.publish();
  }

  async revoke(commands: readonly RepositoryCommandArgs[] | null): Promise<TrustState> {
    await this.store.update(this.repository(), (entry) => withRevoked(entry, commands));
    return this.publish();
  }

  /** The repository trust belongs to: its main checkout, whichever of its worktrees is open. */
  private repository(): string {
    return workspaceHome(this.context.requireWorkspace().root);
  }

  private async publish(): Promise<TrustState> {
    const state = await this.state();
    if (!state) throw new LanesError('no-workspace', 'No workspace is open. Open a git repository on the Workspace screen first.');
    this.context.emit('trust.changed', state);
    return state;
  }

  /** What lanes.yml names now; none while it cannot be read (then nothing can start either). */
  private async commands(): Promise<StoredCommand[]> {
    try {
      return repositoryCommands((await this.context.workspaceConfig().read()).config);
    } catch (error) {
      if (isLanesError(error)) return [];
      throw error;
    }
  }
}
