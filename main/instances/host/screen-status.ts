/**
 * Guesses an agent's status from its terminal, for agents without hooks: output flowing means
 * running; silence with a known prompt (or the cursor left on a line of text) means waiting for
 * input; long silence at the start of an empty line means idle.
 */
export type ScreenStatus = { status: 'running' | 'waiting' | 'idle'; detail: string | null };

const ANSI = /\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b\[[0-?]*[ -/]*[@-~]|\x1b[PX^_][^\x1b]*\x1b\\|\x1b[@-Z\\-_]|\x1b[()][0-9A-Za-z]/g;
const CONTROL = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/g;

/** Lines that ask the user something: questions, confirmations, shell and REPL prompts. */
export const PROMPT_PATTERNS: readonly RegExp[] = [
  /\?\s*$/,
  /[[(]\s*[yY](?:es)?\s*\/\s*[nN](?:o)?\s*[\])]\s*:?\s*$/,
  /\b(?:press|hit) (?:enter|return|any key)\b/i,
  /\b(?:password|passphrase|token|username)\s*:\s*$/i,
  /[$#>❯›»]\s*$/,
  /(?:^|\s)%\s*$/,
  /:\s*$/,
];

export function stripAnsi(text: string): string {
  return text.replace(ANSI, '').replace(CONTROL, '');
}

export interface ScreenTimings {
  /** Silence after which a prompt-looking last line counts as waiting. */
  readonly promptQuietMs: number;
  /** Silence after which any text left on the cursor's line counts as waiting. */
  readonly lineQuietMs: number;
  /** Silence after which an agent with the cursor on an empty line counts as idle. */
  readonly idleQuietMs: number;
}

export const SCREEN_TIMINGS: ScreenTimings = { promptQuietMs: 400, lineQuietMs: 2_000, idleQuietMs: 5_000 };

const TAIL_CHARS = 4096;
/** Bracketed paste on and off are this prefix followed by `h` or `l`. */
const PASTE_MODE = '\x1b[?2004';

export class ScreenStatusTracker {
  /** The last chunks of output, at least TAIL_CHARS of them; joined only when someone asks. */
  private chunks: string[] = [];
  private chunksChars = 0;
  private lastOutputAt = 0;
  /** Whether the program turned on bracketed paste (ESC[?2004h), so pasted text can be wrapped. */
  bracketedPaste = false;

  constructor(private readonly timings: ScreenTimings = SCREEN_TIMINGS) {}

  /** When the agent last printed (0 before its first output). */
  get lastOutput(): number {
    return this.lastOutputAt;
  }

  /** Runs on every chunk of a flood, so it only scans forward (indexOf is far faster than lastIndexOf) and copies nothing. */
  feed(data: string, now = Date.now()): void {
    this.lastOutputAt = now;
    if (data.length === 0) return;
    for (let at = data.indexOf(PASTE_MODE); at !== -1; at = data.indexOf(PASTE_MODE, at + PASTE_MODE.length)) {
      const mode = data[at + PASTE_MODE.length];
      if (mode === 'h') this.bracketedPaste = true;
      else if (mode === 'l') this.bracketedPaste = false;
    }
    this.chunks.push(data);
    this.chunksChars += data.length;
    while (this.chunks.length > 1 && this.chunksChars - this.chunks[0]!.length >= TAIL_CHARS) this.chunksChars -= this.chunks.shift()!.length;
  }

  private tail(): string {
    return this.chunks.join('').slice(-TAIL_CHARS);
  }

  /** The text on the cursor's line, as drawn (escape sequences removed, carriage returns applied). */
  currentLine(): string {
    const text = stripAnsi(this.tail().replace(/\r\n/g, '\n'));
    const line = text.slice(text.lastIndexOf('\n') + 1);
    const segments = line.split('\r').filter((segment) => segment.length > 0);
    return (segments[segments.length - 1] ?? '').replace(/\s+$/, (space) => (space.length > 0 ? ' ' : ''));
  }

  assess(now = Date.now()): ScreenStatus {
    const quiet = now - this.lastOutputAt;
    if (quiet < this.timings.promptQuietMs) return { status: 'running', detail: null };
    const line = this.currentLine();
    const shown = line.trim().slice(-120);
    if (shown !== '' && PROMPT_PATTERNS.some((pattern) => pattern.test(line))) return { status: 'waiting', detail: `asks: ${shown}` };
    if (shown !== '' && quiet >= this.timings.lineQuietMs) return { status: 'waiting', detail: `at: ${shown}` };
    if (quiet >= this.timings.idleQuietMs) return { status: 'idle', detail: null };
    return { status: 'running', detail: null };
  }
}
