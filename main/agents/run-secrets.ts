import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../shared/atomic-file';
import { errnoCode } from '../shared/errors';

/** One agent run the API serves: which instance, in which workspace (its home), and its secret's hash. */
export interface AgentRun {
  readonly instance: string;
  readonly workspace: string;
  readonly secretHash: string;
  readonly issuedAt: string;
}

const FILE_NAME = 'runs.json';

/**
 * The secrets of the agent runs Lanes started, kept in a 0600 file in the API's 0700 folder so a
 * restarted Lanes still knows the agents that outlived it. Only a hash of each secret is stored:
 * the file proves nothing to whoever reads it. One run per instance: a new run's secret replaces
 * the last one's.
 */
export class RunSecrets {
  private runs: AgentRun[] | null = null;
  private writes: Promise<unknown> = Promise.resolve();

  constructor(private readonly folder: string) {}

  private get file(): string {
    return path.join(this.folder, FILE_NAME);
  }

  async load(): Promise<readonly AgentRun[]> {
    if (this.runs) return this.runs;
    try {
      const parsed: unknown = JSON.parse(await fs.readFile(this.file, 'utf8'));
      const runs = (parsed as { runs?: unknown }).runs;
      this.runs = Array.isArray(runs) ? runs.filter(isRun) : [];
    } catch (error) {
      // A missing or unreadable file means no run survives: their agents must be restarted.
      if (errnoCode(error) !== 'ENOENT') console.error(`Lanes could not read the agents' API secrets in ${this.file}:`, error);
      this.runs = [];
    }
    return this.runs;
  }

  /** A fresh 256-bit secret for a new run of `instance`; the previous run's stops working. */
  async issue(instance: string, workspace: string): Promise<string> {
    const secret = randomBytes(32).toString('base64url');
    const others = (await this.load()).filter((run) => run.instance !== instance);
    this.runs = [...others, { instance, workspace, secretHash: hashOf(secret), issuedAt: new Date().toISOString() }];
    await this.save();
    return secret;
  }

  async revoke(instance: string): Promise<void> {
    const runs = await this.load();
    if (!runs.some((run) => run.instance === instance)) return;
    this.runs = runs.filter((run) => run.instance !== instance);
    await this.save();
  }

  /** The run a secret belongs to, or null. */
  async find(secret: string): Promise<AgentRun | null> {
    const given = Buffer.from(hashOf(secret), 'hex');
    for (const run of await this.load()) {
      const expected = Buffer.from(run.secretHash, 'hex');
      if (expected.length === given.length && timingSafeEqual(expected, given)) return run;
    }
    return null;
  }

  /** Resolves once every save asked for so far has landed (or failed and been reported). */
  settled(): Promise<void> {
    return this.writes.then(() => undefined);
  }

  /** Saves are queued so two runs starting at once both land. */
  private save(): Promise<void> {
    const write = this.writes.then(() => writeFileAtomic(this.file, `${JSON.stringify({ runs: this.runs }, null, 2)}\n`, { mode: 0o600 }).then(() => undefined));
    this.writes = write.catch(() => undefined);
    return write;
  }
}

function hashOf(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

function isRun(value: unknown): value is AgentRun {
  if (typeof value !== 'object' || value === null) return false;
  const run = value as Record<string, unknown>;
  return typeof run.instance === 'string' && typeof run.workspace === 'string' && typeof run.secretHash === 'string' && /^[0-9a-f]{64}$/.test(run.secretHash);
}
