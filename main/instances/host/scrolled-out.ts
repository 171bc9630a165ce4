/**
 * Output that scrolls out of a terminal's scrollback before anyone could see it need not be
 * parsed. A screen that falls behind a flood (terminal-screen.ts defers the parse while output
 * streams in) holds megabytes of lines of which only the last SCREEN_SCROLLBACK plus a screen's
 * worth can still be seen; parsing the rest cost the pty host 25–30 ms of CPU per MB, its largest
 * cost (bench/terminal.bench.ts, CPU per MB by process).
 *
 * Dropping text is only right when the terminal ends in exactly the state it would have reached
 * by parsing it. That holds when the dropped lines carry nothing but text, tabs, line ends and
 * colour changes (SGR), the colours being carried over, and the text kept has enough line feeds
 * to push everything before it (and whatever its own first line drew from an unknown cursor
 * position) out of the scrollback. Anything else (a cursor move, an erase, a mode, a title, a
 * control character) and nothing is dropped. The terminal's own state at the start is for the
 * caller to check (see TerminalScreen): its parser between sequences, the normal buffer, no
 * scroll region.
 */

/** ESC, and the C0 and C1 controls other than tab, line feed and carriage return. */
const STATEFUL = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]/g;
/** A colour or text-style change: `ESC [ params m`. */
const SGR = /\x1b\[([0-9;:]*)m/y;
/** Colour changes carried over past this many characters: dropping gains too little. */
const MAX_CARRIED_CHARS = 256 * 1024;

/**
 * `text` with the lines that `keepLines` later line feeds push out dropped: what is left
 * (the colour changes of the dropped part first, then the lines kept) and how many characters
 * went. Null when nothing may be dropped.
 */
export function dropScrolledOut(text: string, keepLines: number): { text: string; dropped: number } | null {
  // The cut is just after the line feed that `keepLines` line feeds follow, and the first line
  // kept must end in "\r\n": after it the cursor is at the start of a line whatever it was before.
  let cut = text.length;
  for (let count = 0; count <= keepLines; count += 1) {
    cut = text.lastIndexOf('\n', cut - 1);
    if (cut <= 0) return null;
  }
  let firstEnd = text.indexOf('\n', cut + 1);
  // A first line that ends in a bare line feed: move the cut to the next line, a few times at most.
  for (let tries = 0; firstEnd !== -1 && text.charCodeAt(firstEnd - 1) !== 0x0d; tries += 1) {
    if (tries === 4) return null;
    cut = firstEnd;
    firstEnd = text.indexOf('\n', cut + 1);
  }
  if (firstEnd === -1) return null;

  // The dropped part, [0, cut]: text, tabs, line ends and SGR sequences only. The colours in
  // effect at the cut are those of the SGRs since the last full reset, applied in order.
  let carried: string[] = [];
  let carriedChars = 0;
  STATEFUL.lastIndex = 0;
  for (let match = STATEFUL.exec(text); match !== null && match.index < cut; match = STATEFUL.exec(text)) {
    if (text.charCodeAt(match.index) !== 0x1b) return null;
    SGR.lastIndex = match.index;
    const sgr = SGR.exec(text);
    if (sgr === null || SGR.lastIndex > cut) return null;
    if (resets(sgr[1]!)) {
      carried = [];
      carriedChars = 0;
    }
    carried.push(sgr[0]);
    carriedChars += sgr[0].length;
    if (carriedChars > MAX_CARRIED_CHARS) return null;
    STATEFUL.lastIndex = SGR.lastIndex;
  }
  const kept = text.slice(cut + 1);
  return { text: carried.join('') + kept, dropped: text.length - kept.length - carriedChars };
}

/** Whether an SGR starts from the default colours and style: its first parameter is 0 or empty. */
function resets(params: string): boolean {
  return /^0*(?:;|$)/.test(params);
}
