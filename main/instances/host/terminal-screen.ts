import * as serializeModule from '@xterm/addon-serialize';
import * as headlessModule from '@xterm/headless';

/** Lines of scrollback each terminal keeps for a viewer that opens it (or Lanes after a restart). */
export const SCREEN_SCROLLBACK = 10_000;

// Both packages are CommonJS: bundled, their exports are the namespace; loaded as ES modules
// (tsx, in tests), they sit under `default`.
const { Terminal } = ('Terminal' in headlessModule ? headlessModule : (headlessModule as unknown as { default: typeof headlessModule }).default) as typeof headlessModule;
const { SerializeAddon } = ('SerializeAddon' in serializeModule ? serializeModule : (serializeModule as unknown as { default: typeof serializeModule }).default) as typeof serializeModule;

/**
 * An agent's terminal as drawn, kept in the host with a headless xterm (as VS Code's pty host
 * does): a viewer that opens it gets the screen and scrollback, colours and modes included,
 * rather than the last bytes of output, which may begin mid-sequence or miss a full-screen
 * program's earlier drawing.
 */
export class TerminalScreen {
  private readonly terminal: headlessModule.Terminal;
  private readonly serializer = new SerializeAddon();

  constructor(cols: number, rows: number) {
    this.terminal = new Terminal({ cols, rows, scrollback: SCREEN_SCROLLBACK, allowProposedApi: true });
    this.terminal.loadAddon(this.serializer);
  }

  write(data: string): void {
    this.terminal.write(data);
  }

  resize(cols: number, rows: number): void {
    this.terminal.resize(cols, rows);
  }

  /**
   * The escape sequences that redraw the screen and its scrollback, once everything written so
   * far is parsed, and nothing written after: xterm calls a write's callback as soon as that
   * write is parsed, before the next one.
   */
  serialize(): Promise<string> {
    return new Promise((resolve) => this.terminal.write('', () => resolve(this.serializer.serialize({ scrollback: SCREEN_SCROLLBACK }))));
  }

  dispose(): void {
    this.terminal.dispose();
  }
}
