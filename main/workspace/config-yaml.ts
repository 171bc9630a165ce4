import { CST, Lexer, LineCounter, parseDocument, type Document } from 'yaml';
import type { LanesError } from '../shared/errors';
import { configError, decodeConfigText, position, type ConfigProblem } from './config-file';

/**
 * How much YAML lanes.yml may hold. A real one has a few hundred values; these bounds keep a
 * hostile or broken file from taking the process's memory and time (1 MB of `1,` took 7 s to
 * parse; nine lines of aliases expand to a billion values).
 */
export const CONFIG_LIMITS = {
  /** Scalars, collections, list items and aliases. */
  values: 20_000,
  aliases: 100,
  /** Brackets inside brackets. Indented nesting is bounded by the size limit (each level is one more space on every line). */
  nesting: 64,
} as const;

export interface ParsedConfigYaml {
  readonly document: Document.Parsed;
  readonly lineCounter: LineCounter;
}

/**
 * Parses the text of lanes.yml into a YAML document (comments and layout kept, for edits), after
 * a scan that stops at the first limit passed, so a file too big to parse is never parsed.
 * Throws a `too-large` or `malformed-file` LanesError that names the line.
 */
export function parseConfigYaml(text: string): ParsedConfigYaml {
  checkLimits(text);
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const firstError = document.errors[0];
  if (firstError) {
    const where = lineCounter.linePos(firstError.pos[0]);
    throw malformedYaml({ message: yamlMessage(firstError.message), line: where.line, column: where.col });
  }
  return { document, lineCounter };
}

/** The document as plain data, refusing aliases that expand to more than a config holds. */
export function configValue(document: Document.Parsed): unknown {
  try {
    return document.toJS({ maxAliasCount: CONFIG_LIMITS.aliases });
  } catch (error) {
    if (error instanceof ReferenceError && /alias/i.test(error.message)) {
      throw configError(
        'too-large',
        'lanes.yml uses aliases (`*name`) that expand to far more data than a workspace config holds, as files written to exhaust memory do. Lanes left the file untouched; write the values out, then reload.',
      );
    }
    throw error;
  }
}

/**
 * lanes.yml's bytes (from `readConfigBytesSync`) as plain data, by the core's rules: strict
 * UTF-8, the limits, no aliases that expand without end. For the guard and `lanes check`, which
 * need neither the document nor zod; they load this module only when their cache misses.
 */
export function configData(bytes: Uint8Array): unknown {
  return configValue(parseConfigYaml(decodeConfigText(bytes)).document);
}

/** The "lanes.yml is not valid (line …): …" refusal every reader of the file gives. */
export function malformedYaml(problem: ConfigProblem): LanesError {
  return configError('malformed-file', `lanes.yml is not valid${position(problem)}: ${problem.message}. Lanes left the file untouched; fix it and reload.`, problem);
}

const NOT_IN_SOURCE = new Set([CST.DOCUMENT, CST.FLOW_END, CST.SCALAR]);
const COUNTED = new Set(['scalar', 'single-quoted-scalar', 'double-quoted-scalar', 'flow-map-start', 'flow-seq-start', 'alias', 'seq-item-ind', 'explicit-key-ind']);

function checkLimits(text: string): void {
  let values = 0;
  let aliases = 0;
  let nesting = 0;
  let offset = 0;
  const where = () => {
    const before = text.slice(0, offset);
    const lineStart = before.lastIndexOf('\n') + 1;
    return { line: before.split('\n').length, column: offset - lineStart + 1 };
  };
  const refuse = (what: string): never => {
    const at = where();
    throw configError('too-large', `lanes.yml ${what}${position(at)}, more than a workspace config needs. Lanes left the file untouched; make it simpler, then reload.`, at);
  };
  for (const token of new Lexer().lex(text)) {
    const type = CST.tokenType(token);
    if (type && COUNTED.has(type) && ++values > CONFIG_LIMITS.values) refuse(`holds more than ${CONFIG_LIMITS.values.toLocaleString('en-US')} values`);
    if (type === 'alias' && ++aliases > CONFIG_LIMITS.aliases) refuse(`uses more than ${CONFIG_LIMITS.aliases} aliases (\`*name\`)`);
    if (type === 'flow-map-start' || type === 'flow-seq-start') {
      if (++nesting > CONFIG_LIMITS.nesting) refuse(`nests more than ${CONFIG_LIMITS.nesting} levels deep`);
    } else if (type === 'flow-map-end' || type === 'flow-seq-end' || type === 'flow-error-end') {
      nesting = Math.max(0, nesting - 1);
    }
    if (!NOT_IN_SOURCE.has(token)) offset += token.length;
  }
}

function yamlMessage(message: string): string {
  return lowerFirst(message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '').replace(/\.$/, ''));
}

export function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
