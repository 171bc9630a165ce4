import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';
import { quote } from 'shell-quote';
import { LanesError } from '../shared/errors';

const SHELL_OPERATORS = new Set(['|', '&', ';', '<', '>', '(', ')', '`']);

/**
 * Splits an agent command line from lanes.yml into a program and its arguments, with POSIX
 * quoting ('single', "double", backslash). Lanes runs the result without a shell, so shell
 * syntax (pipes, `&&`, redirections, `$(...)`) is refused with a way out rather than passed
 * along as literal text the user did not mean.
 */
export function splitCommandLine(line: string): string[] {
  const words: string[] = [];
  let current = '';
  let inWord = false;
  let quote: "'" | '"' | null = null;
  for (let index = 0; index < line.length; index += 1) {
    const char = line[index]!;
    if (quote === "'") {
      if (char === "'") quote = null;
      else current += char;
      continue;
    }
    if (quote === '"') {
      if (char === '"') quote = null;
      else if (char === '\\' && index + 1 < line.length && '"\\$`'.includes(line[index + 1]!)) current += line[++index];
      else if (char === '`' || (char === '$' && line[index + 1] === '(')) throw shellSyntax(line, char === '`' ? '`' : '$(');
      else current += char;
      continue;
    }
    if (char === "'" || char === '"') {
      quote = char;
      inWord = true;
    } else if (char === '\\') {
      if (index + 1 < line.length) current += line[++index];
      inWord = true;
    } else if (/\s/.test(char)) {
      if (inWord) words.push(current);
      current = '';
      inWord = false;
    } else if (SHELL_OPERATORS.has(char) || (char === '$' && line[index + 1] === '(')) {
      throw shellSyntax(line, char === '$' ? '$(' : char);
    } else {
      current += char;
      inWord = true;
    }
  }
  if (quote) throw new LanesError('invalid-argument', `The agent command \`${line}\` has an unclosed ${quote} quote. Close it in lanes.yml.`);
  if (inWord) words.push(current);
  if (words.length === 0) throw new LanesError('invalid-argument', 'The agent command is empty. Set `agent:` in lanes.yml, for example `agent: claude`.');
  return words;
}

function shellSyntax(line: string, operator: string): LanesError {
  return new LanesError(
    'invalid-argument',
    `The agent command \`${line}\` uses shell syntax (\`${operator}\`), and Lanes runs agents without a shell. ` +
      `Quote the character, put the command in a script, or write it as \`bash -c '…'\`.`,
  );
}

/**
 * The full path of the program to run, looked up the way a shell would: a name with a slash
 * relative to the working folder, a bare name on PATH (with PATHEXT on Windows).
 */
export function resolveProgram(program: string, cwd: string, env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): string {
  const expanded = program.startsWith('~/') && env.HOME ? path.join(env.HOME, program.slice(2)) : program;
  const extensions = platform === 'win32' ? ['', ...(env.PATHEXT ?? '.COM;.EXE;.BAT;.CMD').split(';')] : [''];
  const hasSlash = expanded.includes('/') || (platform === 'win32' && expanded.includes('\\'));
  const folders = hasSlash ? [cwd] : (env.PATH ?? env.Path ?? '').split(path.delimiter).filter(Boolean);
  for (const folder of folders) {
    for (const extension of extensions) {
      const candidate = path.resolve(folder, expanded + extension);
      if (isExecutableFile(candidate, platform)) return candidate;
    }
  }
  throw new LanesError(
    'not-found',
    hasSlash
      ? `The agent program \`${program}\` does not exist in \`${cwd}\` or is not executable. Check \`agent:\` in lanes.yml.`
      : `The agent program \`${program}\` was not found on PATH. Install it, or put its full path in \`agent:\` in lanes.yml.`,
  );
}

function isExecutableFile(candidate: string, platform: NodeJS.Platform): boolean {
  try {
    if (!statSync(candidate).isFile()) return false;
    if (platform !== 'win32') accessSync(candidate, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Quotes one word for a POSIX shell (used only for commands Lanes writes into hook settings). */
export function shellQuote(word: string): string {
  return quote([word]);
}
