/**
 * Errors that cross the contract carry a stable code for programs and a message for people.
 * The message says what happened and what to do, in the user's words.
 */
export type LanesErrorCode =
  | 'invalid-argument'
  | 'not-found'
  | 'not-a-directory'
  | 'not-a-repository'
  | 'outside-workspace'
  | 'conflict'
  | 'already-exists'
  | 'malformed-file'
  /** A file bigger or more involved than Lanes reads (a 20 MB lanes.yml, aliases that expand without end). */
  | 'too-large'
  /** The workspace's commands (lanes.yml `agent:`, `setup:`) have not been trusted to run. */
  | 'untrusted'
  | 'git-failed'
  | 'unavailable'
  | 'no-workspace'
  | 'internal';

export class LanesError extends Error {
  readonly code: LanesErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: LanesErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'LanesError';
    this.code = code;
    this.details = details;
  }
}

export function isLanesError(error: unknown): error is LanesError {
  return error instanceof LanesError;
}

/** Node's fs errors carry a `code` such as ENOENT; this reads it without casts at every call site. */
export function errnoCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const code = (error as { code: unknown }).code;
    return typeof code === 'string' ? code : undefined;
  }
  return undefined;
}
