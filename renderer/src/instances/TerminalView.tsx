import { FitAddon } from '@xterm/addon-fit';
import { SearchAddon } from '@xterm/addon-search';
import { WebLinksAddon } from '@xterm/addon-web-links';
import { WebglAddon } from '@xterm/addon-webgl';
import { Terminal, type ITheme } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import { useEffect, useRef, useState, type KeyboardEvent as ReactKeyboardEvent } from 'react';
import { TERMINAL_ACK_CHARS } from '../../../main/contract/instances';
import { webglDevice } from './gpu';
import { terminalWrites } from './write-scheduler';
import { attachTerminal, onReconnect, terminalInput } from './store';

const ACK_CHARS = TERMINAL_ACK_CHARS;
const ACK_IDLE_MS = 100;

function themeFromPage(): ITheme {
  const style = getComputedStyle(document.documentElement);
  const read = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  const dark = window.matchMedia('(prefers-color-scheme: dark)').matches;
  return {
    background: read('--terminal-bg', dark ? '#0c0f14' : '#fbfbfc'),
    foreground: read('--fg', dark ? '#e4e8ee' : '#1c2330'),
    cursor: read('--accent', '#3d5afe'),
    cursorAccent: dark ? '#0c0f14' : '#fbfbfc',
    selectionBackground: dark ? '#3a4a7a' : '#c5d0ff',
    ...(dark
      ? {}
      : {
          // xterm's default palette is made for dark backgrounds; darker tones stay readable on light.
          black: '#1c2330',
          red: '#c62828',
          green: '#2e7d32',
          yellow: '#8a6d00',
          blue: '#1e4bd8',
          magenta: '#8e24aa',
          cyan: '#00796b',
          white: '#5f6b7a',
          brightBlack: '#5f6b7a',
          brightWhite: '#1c2330',
        }),
  };
}

/**
 * One instance's terminal: xterm.js with fit, search, web links and copy/paste. It draws the
 * recent output first, then live output, acknowledging what it drew so a flood cannot outrun
 * it. It uses WebGL only while on screen (browsers allow about 16 contexts) and on a GPU (see
 * gpu.ts), and the DOM renderer otherwise or when WebGL is unavailable.
 */
export function TerminalView({
  name,
  autoFocus = false,
  gpu = true,
  searching,
  onSearching,
}: {
  name: string;
  autoFocus?: boolean;
  gpu?: boolean;
  /** The search bar is open; its Search button lives in the tile's header, off the terminal's rows. */
  searching: boolean;
  onSearching(open: boolean): void;
}) {
  const hostRef = useRef<HTMLDivElement>(null);
  const searchRef = useRef<SearchAddon | null>(null);
  const terminalRef = useRef<Terminal | null>(null);
  const openSearchRef = useRef(onSearching);
  openSearchRef.current = onSearching;
  const [query, setQuery] = useState('');
  const [renderer, setRenderer] = useState<'webgl' | 'dom'>('dom');

  useEffect(() => {
    const host = hostRef.current;
    if (!host) return;
    setRenderer('dom');
    const terminal = new Terminal({
      scrollback: 10_000,
      fontFamily: getComputedStyle(document.documentElement).getPropertyValue('--font-mono').trim() || 'monospace',
      fontSize: 13,
      theme: themeFromPage(),
      allowProposedApi: true,
      // A steady cursor, as VS Code's terminal has by default. The DOM renderer blinks it with a
      // CSS animation that redraws the page 60 times a second while the terminal has the keyboard:
      // 25 ms of the page's main thread a second while idle, and each echo drawn a frame later
      // (a bare xterm.js page: keystroke → echo drawn p50 5 ms steady, 27 ms blinking). A program
      // that asks for a blinking cursor (DECSCUSR) still gets one.
      cursorBlink: false,
    });
    terminalRef.current = terminal;
    const fit = new FitAddon();
    const search = new SearchAddon();
    searchRef.current = search;
    terminal.loadAddon(fit);
    terminal.loadAddon(search);
    terminal.loadAddon(new WebLinksAddon((event, url) => {
      event.preventDefault();
      terminalInput.openLink(url);
    }));
    terminal.open(host);

    let disposed = false;
    let lastSeq = Number.POSITIVE_INFINITY; // nothing is drawn until the snapshot arrives
    let early: Array<{ data: string; seq: number }> = [];
    let unacked = 0;
    let ackTimer: number | null = null;
    // Main paces the agent by each view's acknowledgements; a new snapshot makes a new view.
    let viewer: string | null = null;
    const acknowledge = () => {
      if (ackTimer !== null) window.clearTimeout(ackTimer);
      ackTimer = null;
      if (unacked > 0 && viewer !== null) void terminalInput.ack(name, viewer, unacked);
      unacked = 0;
    };
    // Output goes through the page's one write scheduler, so floods in other terminals cannot
    // hold up this one while the user types into it.
    const writes = terminalWrites.add({
      write: (data, parsed) => terminal.write(data, parsed),
      isForeground: () => host.contains(document.activeElement),
    });
    const draw = (data: string, seq: number) => {
      if (seq <= lastSeq) return;
      lastSeq = seq;
      writes.write(data, (chars) => {
        unacked += chars;
        if (unacked >= ACK_CHARS) acknowledge();
        else if (ackTimer === null) ackTimer = window.setTimeout(acknowledge, ACK_IDLE_MS);
      });
    };
    const connection = attachTerminal(name, {
      output(data, seq) {
        if (lastSeq === Number.POSITIVE_INFINITY) early.push({ data, seq });
        else draw(data, seq);
      },
    });
    const replay = async () => {
      lastSeq = Number.POSITIVE_INFINITY;
      const snapshot = await connection.snapshot().catch(() => null);
      if (disposed) {
        if (snapshot) void terminalInput.detach(name, snapshot.viewer);
        return;
      }
      if (!snapshot) return;
      if (viewer !== null) void terminalInput.detach(name, viewer);
      viewer = snapshot.viewer;
      writes.clear(); // the snapshot holds what still waited to be drawn
      unacked = 0; // drawn under the old view; the new one starts even
      terminal.reset();
      terminal.write(snapshot.data);
      lastSeq = snapshot.seq;
      for (const chunk of early) draw(chunk.data, chunk.seq);
      early = [];
      fitNow();
    };
    void replay();
    const stopReconnect = onReconnect(() => void replay());

    terminal.onData((data) => {
      terminalWrites.typed(); // background terminals wait while its echo comes back
      void terminalInput.write(name, data);
    });
    terminal.onResize(({ cols, rows }) => void terminalInput.resize(name, cols, rows));
    terminal.attachCustomKeyEventHandler((event) => {
      if (event.type !== 'keydown') return true;
      const mod = event.ctrlKey || event.metaKey;
      if (mod && event.shiftKey && event.code === 'KeyC') {
        const selection = terminal.getSelection();
        if (selection) void navigator.clipboard?.writeText(selection).catch(() => undefined);
        return false;
      }
      if (mod && event.shiftKey && event.code === 'KeyV') {
        void navigator.clipboard?.readText().then((text) => terminal.paste(text), () => undefined);
        return false;
      }
      if (mod && event.shiftKey && event.code === 'KeyF') {
        openSearchRef.current(true);
        return false;
      }
      return true;
    });

    let frame: number | null = null;
    function fitNow() {
      if (disposed || host!.clientWidth === 0 || host!.clientHeight === 0) return;
      try {
        fit.fit();
      } catch {
        // not laid out yet
      }
    }
    const resizeObserver = new ResizeObserver(() => {
      if (frame !== null) cancelAnimationFrame(frame);
      frame = requestAnimationFrame(() => {
        frame = null;
        fitNow();
      });
    });
    resizeObserver.observe(host);

    let webgl: WebglAddon | null = null;
    const releaseWebgl = () => {
      webgl?.dispose();
      webgl = null;
      setRenderer('dom');
    };
    const visibility = new IntersectionObserver(([entry]) => {
      if (gpu && entry?.isIntersecting && !webgl && webglDevice()?.software !== true) {
        try {
          const addon = new WebglAddon();
          addon.onContextLoss(releaseWebgl);
          terminal.loadAddon(addon);
          webgl = addon;
          setRenderer('webgl');
        } catch {
          releaseWebgl(); // no WebGL here: the DOM renderer carries on
        }
      } else if (!entry?.isIntersecting && webgl) releaseWebgl();
    });
    visibility.observe(host);

    const scheme = window.matchMedia('(prefers-color-scheme: dark)');
    const retheme = () => (terminal.options.theme = themeFromPage());
    scheme.addEventListener('change', retheme);
    if (autoFocus) terminal.focus();

    return () => {
      disposed = true;
      writes.remove();
      acknowledge();
      if (viewer !== null) void terminalInput.detach(name, viewer);
      connection.detach();
      stopReconnect();
      scheme.removeEventListener('change', retheme);
      visibility.disconnect();
      resizeObserver.disconnect();
      if (frame !== null) cancelAnimationFrame(frame);
      webgl?.dispose();
      terminal.dispose();
      terminalRef.current = null;
      searchRef.current = null;
    };
  }, [name, autoFocus, gpu]);

  const find = (backwards: boolean) => {
    if (!query) return;
    const options = { caseSensitive: false, decorations: { matchOverviewRuler: '#888', activeMatchColorOverviewRuler: '#f0b429', matchBackground: '#f0b42955', activeMatchBackground: '#f0b429' } };
    if (backwards) searchRef.current?.findPrevious(query, options);
    else searchRef.current?.findNext(query, options);
  };
  const closeSearch = () => {
    onSearching(false);
    searchRef.current?.clearDecorations();
    terminalRef.current?.focus();
  };
  const onSearchKey = (event: ReactKeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'Enter') find(event.shiftKey);
    if (event.key === 'Escape') closeSearch();
  };

  return (
    <div className="terminal-view" data-renderer={renderer}>
      {searching ? (
        <div className="terminal-search row" role="search" aria-label={`Search the terminal of ${name}`}>
          <input
            className="input small grow"
            aria-label={`Search the terminal of ${name}`}
            placeholder="Search (Enter: next, Shift+Enter: previous, Esc: close)"
            value={query}
            onChange={(event) => setQuery(event.target.value)}
            onKeyDown={onSearchKey}
            autoFocus
          />
          <button className="button small" type="button" onClick={() => find(true)}>
            Previous
          </button>
          <button className="button small" type="button" onClick={() => find(false)}>
            Next
          </button>
          <button className="button ghost small" type="button" onClick={closeSearch}>
            Close
          </button>
        </div>
      ) : null}
      <div className="terminal-host" ref={hostRef} role="group" aria-label={`Terminal of ${name}`} data-testid={`terminal-${name}`} />
    </div>
  );
}
