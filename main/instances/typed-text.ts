import { LanesError } from '../shared/errors';

/**
 * The one rule for text Lanes types into an agent's terminal (hand-off, wrap-up). A terminal
 * takes every character as a key press: a carriage return or line feed submits, ^C interrupts,
 * ^U erases the line, ESC starts a control sequence, and `ESC[201~` ends a bracketed paste early.
 * A file name or a lanes.yml path that held any of those could type a second message of its
 * choosing (in Claude Code, a line starting with `!` runs in the shell). So typed text is one
 * line of printable characters, built from parts each checked on its own, and only the single
 * Enter Lanes sends after it submits.
 */

/** C0 controls (NUL…US: ESC, CR, LF, TAB, ^C, ^U…), DEL, and C1 controls (U+0080…U+009F: CSI, ST…). */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const PASTE_START = '\x1b[200~';
const PASTE_END = '\x1b[201~';
/** The one key press that submits what was typed. */
export const SUBMIT = '\r';

/** A value to put into typed text, with what it is, so a refusal can name it. */
export interface TypedPart {
  readonly value: string;
  /** "the request file", "`paths.memory` in lanes.yml": how the user knows it. */
  readonly what: string;
}

export function part(value: string, what: string): TypedPart {
  return { value, what };
}

/**
 * Builds one line to type: the template's own text plus each part, every part checked first,
 * so a refusal names the part that holds the control character.
 *
 *   typedLine`Please handle ${part(file, 'the request file')} now.`
 */
export function typedLine(strings: TemplateStringsArray, ...parts: readonly TypedPart[]): string {
  for (const { value, what } of parts) refuseControls(value, what);
  const text = strings.reduce((line, literal, index) => line + literal + (index < parts.length ? parts[index]!.value : ''), '');
  return checkTypedLine(text);
}

/** Checks a whole line before it is typed; answers it unchanged, or throws a LanesError saying why not. */
export function checkTypedLine(text: string): string {
  if (text.includes(PASTE_END)) {
    throw new LanesError('invalid-argument', 'The text holds the end-of-paste marker (ESC[201~), which would let the rest of it run as separate key presses. Lanes did not type it.');
  }
  refuseControls(text, 'The text');
  if (text.trim() === '') throw new LanesError('invalid-argument', 'There is no text to type.');
  if (/^\s*[!/#]/.test(text)) {
    throw new LanesError('invalid-argument', `The text starts with \`${text.trim()[0]}\`, which an agent's prompt takes as a command rather than a message. Lanes did not type it.`);
  }
  return text;
}

/**
 * What to write into the terminal for a checked line, before the separate Enter: pasted as one
 * piece when the agent turned on bracketed paste, as typed keys otherwise.
 */
export function keystrokes(line: string, bracketedPaste: boolean): string {
  const checked = checkTypedLine(line);
  return bracketedPaste ? `${PASTE_START}${checked}${PASTE_END}` : checked;
}

function refuseControls(value: string, what: string): void {
  const found = CONTROL.exec(value);
  if (!found) return;
  const code = found[0].charCodeAt(0);
  throw new LanesError(
    'invalid-argument',
    `${capitalize(what)} \`${visible(value)}\` holds a control character (${controlName(code)}), which a terminal takes as a key press, not as text. ` +
      'Lanes did not type anything; rename it without control characters and try again.',
    { what, code },
  );
}

/** The value with every control character written as `\xNN`, so the message shows what is there. */
export function visible(value: string): string {
  return value.replace(new RegExp(CONTROL.source, 'g'), (char) => `\\x${char.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

function controlName(code: number): string {
  const names: Record<number, string> = { 0x1b: 'ESC', 0x0d: 'carriage return', 0x0a: 'line feed', 0x09: 'tab', 0x7f: 'DEL', 0x9b: 'CSI' };
  if (names[code]) return `${names[code]}, \\x${code.toString(16).padStart(2, '0')}`;
  if (code < 0x20) return `^${String.fromCharCode(code + 0x40)}, \\x${code.toString(16).padStart(2, '0')}`;
  return `\\x${code.toString(16).padStart(2, '0')}`;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
