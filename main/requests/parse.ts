import { parseDocument, LineCounter } from 'yaml';
import type { Level, RequestStatus, WhenUnblocked } from '../contract/requests';

/**
 * Reading a request file, as people and agents write them (see the field report):
 *
 *   # AI University: Allen AI UI Addition (Windows#67 → VSCode)
 *   ## What to add
 *   ...
 *
 * named `YYYYMMDD_slug.md`, with optional YAML front matter (`status`, `from`, `to`, `priority`,
 * `blocked_by`, `urgency`, `importance`, `when_unblocked`). Nothing here touches the disk; a file that cannot be understood still gives a
 * result, with warnings, and is marked not editable so Lanes never rewrites it.
 */
export interface ParsedRequest {
  readonly title: string;
  readonly heading: string | null;
  readonly from: string | null;
  readonly to: string | null;
  readonly date: string | null;
  readonly slug: string;
  readonly status: RequestStatus;
  readonly priority: string | null;
  readonly urgency: Level | null;
  readonly importance: Level | null;
  readonly blockedBy: string[];
  readonly whenUnblocked: WhenUnblocked;
  readonly hasFrontMatter: boolean;
  readonly warnings: string[];
  readonly editable: boolean;
  /** The text without byte-order mark (lossy for a file that is not UTF-8). */
  readonly text: string;
  readonly body: string;
  readonly bom: boolean;
}

export type FrontMatter =
  | { readonly kind: 'none' }
  | {
      readonly kind: 'ok';
      readonly data: Record<string, unknown>;
      /** The lines between the `---` delimiters, each with its own line end. */
      readonly lines: string[];
      readonly opening: string;
      readonly closing: string;
      /** Offset in the text where the body starts. */
      readonly bodyStart: number;
    }
  | { readonly kind: 'malformed'; readonly message: string };

const BOM = '\uFEFF';
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const FILE_NAME = /^(\d{4})(\d{2})(\d{2})[_-](.+)\.md$/i;
const PARTIES = /[(（]([^()（）]*?)(?:→|->|⇒|=>)([^()（）]*?)[)）]/g;

export function parseRequestFile(bytes: Uint8Array, name: string, inDone: boolean): ParsedRequest {
  const warnings: string[] = [];
  const { date, slug } = parseFileName(name);
  const fallbackTitle = slug.replace(/[_-]+/g, ' ').trim() || name;
  let editable = true;

  let decoded: string;
  if (bytes.includes(0)) {
    warnings.push('This looks like a binary file, not markdown. Lanes shows it but never rewrites it.');
    editable = false;
    decoded = Buffer.from(bytes).toString('utf8');
  } else {
    try {
      decoded = UTF8.decode(bytes);
    } catch {
      warnings.push('This file is not UTF-8 text. Lanes shows it but never rewrites it; convert it to UTF-8 to edit it here.');
      editable = false;
      decoded = Buffer.from(bytes).toString('utf8');
    }
  }
  const bom = decoded.startsWith(BOM);
  const text = bom ? decoded.slice(1) : decoded;

  const base = { date, slug, bom, text };
  if (!/\S/.test(text)) {
    warnings.push('This file is empty.');
    return { ...base, title: fallbackTitle, heading: null, from: null, to: null, status: inDone ? 'done' : 'open', priority: null, urgency: null, importance: null, blockedBy: [], whenUnblocked: 'notify', hasFrontMatter: false, warnings, editable, body: text };
  }

  const frontMatter = splitFrontMatter(text);
  let data: Record<string, unknown> = {};
  let body = text;
  if (frontMatter.kind === 'malformed') {
    warnings.push(`${frontMatter.message} Lanes shows the file but never rewrites it; fix the front matter by hand.`);
    editable = false;
  } else if (frontMatter.kind === 'ok') {
    data = frontMatter.data;
    body = text.slice(frontMatter.bodyStart);
  }

  const heading = findTitle(body);
  const parties = heading === null ? null : splitParties(heading);
  if (heading === null) warnings.push('This file has no `# title` line; the card shows its file name.');

  const from = stringField(data, 'from', warnings) ?? parties?.from ?? null;
  const to = stringField(data, 'to', warnings) ?? parties?.to ?? null;
  if (heading !== null && (from === null || to === null)) {
    warnings.push('The title names no sender and receiver; add `(From → To)` at its end.');
  }

  return {
    ...base,
    title: parties?.title || heading || fallbackTitle,
    heading,
    from,
    to,
    status: statusOf(data, inDone, warnings),
    priority: stringField(data, 'priority', warnings),
    urgency: levelField(data, 'urgency', warnings),
    importance: levelField(data, 'importance', warnings),
    blockedBy: listField(data, warnings),
    whenUnblocked: whenUnblockedField(data, warnings),
    hasFrontMatter: frontMatter.kind !== 'none',
    warnings,
    editable,
    body,
  };
}

export function parseFileName(name: string): { date: string | null; slug: string } {
  const match = FILE_NAME.exec(name);
  if (match) {
    const [, year, month, day, slug] = match as unknown as [string, string, string, string, string];
    const date = `${year}-${month}-${day}`;
    const parsed = new Date(`${date}T00:00:00Z`);
    if (!Number.isNaN(parsed.getTime()) && parsed.toISOString().startsWith(date)) return { date, slug };
  }
  return { date: null, slug: name.replace(/\.md$/i, '') };
}

/**
 * Splits the YAML front matter off the text: a first line `---`, then YAML, then a line `---`
 * (or `...`). A file that opens with `---` but never closes it, or whose YAML is broken, is
 * `malformed`.
 */
export function splitFrontMatter(text: string): FrontMatter {
  const open = /^---[ \t]*(\r?\n)/.exec(text);
  if (!open) return { kind: 'none' };
  const lines: string[] = [];
  let offset = open[0].length;
  while (offset < text.length) {
    const end = text.indexOf('\n', offset);
    const line = end === -1 ? text.slice(offset) : text.slice(offset, end + 1);
    if (/^(?:---|\.\.\.)[ \t]*\r?\n?$/.test(line)) {
      const closing = { opening: open[0], closing: line, bodyStart: offset + line.length };
      const plain = plainFrontMatter(lines);
      if (plain !== null) return { kind: 'ok', data: plain, lines, ...closing };
      const raw = lines.join('');
      const lineCounter = new LineCounter();
      const document = parseDocument(raw, { lineCounter, prettyErrors: false, uniqueKeys: true });
      const error = document.errors[0];
      if (error) {
        const position = lineCounter.linePos(error.pos[0]);
        const message = error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
        return { kind: 'malformed', message: `The front matter is not valid YAML (line ${position.line + 1}): ${message}.` };
      }
      const data: unknown = document.toJS() ?? {};
      if (typeof data !== 'object' || data === null || Array.isArray(data)) {
        return { kind: 'malformed', message: 'The front matter must be `key: value` lines.' };
      }
      return { kind: 'ok', data: data as Record<string, unknown>, lines, ...closing };
    }
    lines.push(line);
    offset += line.length;
  }
  return { kind: 'malformed', message: 'The file starts with `---` but its front matter never ends with a `---` line.' };
}

/** `key: value` where the value is a word YAML can only read as that text (`in-progress`, `Windows#67`). */
const PLAIN_LINE = /^([A-Za-z][\w-]*): +([A-Za-z][\w.#-]*) *\r?\n?$/;
const TYPED_WORD = /^(?:null|true|false)$/i;

/**
 * Front matter made only of `key: word` lines, as Lanes and most agents write it (`status:
 * blocked`, `priority: high`), read without the YAML parser, which costs most of a 2,000-file
 * scan. Null for anything else (quotes, lists, numbers, comments, a repeated key, words YAML
 * types such as `true`), which YAML reads.
 */
function plainFrontMatter(lines: readonly string[]): Record<string, string> | null {
  if (lines.length === 0) return null;
  const data: Record<string, string> = {};
  for (const line of lines) {
    const match = PLAIN_LINE.exec(line);
    if (!match || TYPED_WORD.test(match[1]!) || TYPED_WORD.test(match[2]!) || Object.hasOwn(data, match[1]!)) return null;
    data[match[1]!] = match[2]!;
  }
  return data;
}

/** The first level-1 heading (`# Title`, or a line underlined with `===`) outside code blocks. */
export function findTitle(body: string): string | null {
  let fence: string | null = null;
  let offset = 0;
  let line = nextLine(body, offset);
  while (line !== null) {
    offset += line.length + 1;
    const next = nextLine(body, offset);
    const content = line.endsWith('\r') ? line.slice(0, -1) : line;
    const fenceMatch = /^ {0,3}(`{3,}|~{3,})/.exec(content);
    if (fenceMatch) {
      const marker = fenceMatch[1]!;
      if (fence === null) fence = marker;
      else if (marker[0] === fence[0] && marker.length >= fence.length) fence = null;
    } else if (fence === null) {
      const atx = /^ {0,3}#(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/.exec(content);
      if (atx) {
        const title = (atx[1] ?? '').trim();
        if (title !== '') return title;
      } else if (content.trim() !== '' && next !== null && /^ {0,3}=+[ \t]*\r?$/.test(next) && !/^ {0,3}[-*+>|#]/.test(content)) {
        return content.trim();
      }
    }
    line = next;
  }
  return null;
}

/** The line starting at `offset` without its "\n", or null past the end. */
function nextLine(text: string, offset: number): string | null {
  if (offset > text.length || (offset === text.length && offset > 0)) return null;
  const end = text.indexOf('\n', offset);
  return end === -1 ? text.slice(offset) : text.slice(offset, end);
}

/** `Allen AI UI (Windows#67 → VSCode)` → title `Allen AI UI`, from `Windows#67`, to `VSCode`. */
export function splitParties(heading: string): { title: string; from: string | null; to: string | null } {
  const matches = [...heading.matchAll(PARTIES)];
  const last = matches[matches.length - 1];
  if (!last) return { title: heading, from: null, to: null };
  const from = last[1]!.trim();
  const to = last[2]!.trim();
  const title = (heading.slice(0, last.index) + heading.slice(last.index! + last[0].length)).replace(/\s{2,}/g, ' ').replace(/[\s:—–-]+$/, '').trim();
  return { title: title || heading, from: from || null, to: to || null };
}

/**
 * The lanes.yml instance a sender or receiver names: `VSCode`, `vscode`, `Windows#67` and
 * `Windows版#67` all name the instance `Windows`/`VSCode`. Null when none matches.
 */
export function matchInstance(party: string | null, instances: readonly string[]): string | null {
  if (party === null) return null;
  const full = party.trim().toLowerCase();
  const base = full.replace(/\s*#.*$/, '').trim();
  const exact = instances.find((name) => name.toLowerCase() === full || name.toLowerCase() === base);
  if (exact) return exact;
  const byLength = [...instances].sort((a, b) => b.length - a.length);
  return (
    byLength.find((name) => {
      const lower = name.toLowerCase();
      return base.startsWith(lower) && !/[a-z0-9_]/i.test(base.charAt(lower.length));
    }) ?? null
  );
}

const STATUS_WORDS: Record<string, RequestStatus> = {
  open: 'open',
  todo: 'open',
  new: 'open',
  'in-progress': 'in-progress',
  inprogress: 'in-progress',
  doing: 'in-progress',
  wip: 'in-progress',
  blocked: 'blocked',
  done: 'done',
  closed: 'done',
};

export function normalizeStatus(value: string): RequestStatus | null {
  return STATUS_WORDS[value.trim().toLowerCase().replace(/[\s_]+/g, '-')] ?? null;
}

function statusOf(data: Record<string, unknown>, inDone: boolean, warnings: string[]): RequestStatus {
  if (inDone) return 'done';
  const raw = data.status;
  if (raw === undefined || raw === null) return 'open';
  const status = typeof raw === 'string' ? normalizeStatus(raw) : null;
  if (status === null) {
    warnings.push(`The front matter's status \`${String(raw)}\` is not one Lanes knows (open, in-progress, blocked); the card shows it as open.`);
    return 'open';
  }
  if (status === 'done') {
    warnings.push('The front matter says done but the file is not in `done/`; move it there to finish it.');
    return 'open';
  }
  return status;
}

function stringField(data: Record<string, unknown>, key: string, warnings: string[]): string | null {
  const value = data[key];
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') return value.trim() || null;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  warnings.push(`The front matter's \`${key}\` should be plain text.`);
  return null;
}

function listField(data: Record<string, unknown>, warnings: string[]): string[] {
  const value = data.blocked_by ?? data.blockedBy;
  if (value === undefined || value === null) return [];
  if (typeof value === 'string' || typeof value === 'number') return [String(value)];
  if (Array.isArray(value) && value.every((item) => typeof item === 'string' || typeof item === 'number')) return value.map(String);
  warnings.push('The front matter\'s `blocked_by` should be a name or a list of names.');
  return [];
}

const LEVELS: Record<string, Level> = { high: 'high', low: 'low' };

/** `urgency:` and `importance:` are `high` or `low`; anything else leaves the request unsorted. */
function levelField(data: Record<string, unknown>, key: 'urgency' | 'importance', warnings: string[]): Level | null {
  const value = data[key];
  if (value === undefined || value === null) return null;
  const level = typeof value === 'string' ? LEVELS[value.trim().toLowerCase()] : undefined;
  if (level === undefined) {
    warnings.push(`The front matter's \`${key}\` should be \`high\` or \`low\`; the Plan screen shows this request as unsorted.`);
    return null;
  }
  return level;
}

/** `when_unblocked: send` hands the request to its receiver once its last blocker is done; the default only tells. */
function whenUnblockedField(data: Record<string, unknown>, warnings: string[]): WhenUnblocked {
  const value = data.when_unblocked;
  if (value === undefined || value === null) return 'notify';
  if (value === 'send' || value === 'notify') return value;
  warnings.push('The front matter\'s `when_unblocked` should be `send` (hand the request to its receiver) or `notify`.');
  return 'notify';
}
