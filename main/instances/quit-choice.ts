import { promises as fs } from 'node:fs';
import path from 'node:path';
import { quitChoiceSchema, type QuitChoice } from '../contract/instances';
import { writeFileAtomic } from '../shared/atomic-file';

const DEFAULT_CHOICE: QuitChoice = { choice: 'keep', remembered: false };

/**
 * What happens to running agents when Lanes quits or closes their workspace: they keep running
 * in the pty host (the default) or stop. Remembered in the user-data folder once the user ticks
 * "remember"; unremembered, the desktop app asks again at the next quit.
 */
export class QuitChoiceFile {
  private readonly file: string;

  constructor(userDataDir: string) {
    this.file = path.join(userDataDir, 'instances', 'quit-choice.json');
  }

  async read(): Promise<QuitChoice> {
    let text: string;
    try {
      text = await fs.readFile(this.file, 'utf8');
    } catch {
      return DEFAULT_CHOICE;
    }
    const parsed = quitChoiceSchema.safeParse(safeJson(text));
    if (!parsed.success) {
      console.error(`Lanes ignored ${this.file}: it is not a quit choice (${parsed.error.issues[0]?.message}). The default, keep agents running, applies.`);
      return DEFAULT_CHOICE;
    }
    return parsed.data;
  }

  async write(choice: QuitChoice): Promise<void> {
    await fs.mkdir(path.dirname(this.file), { recursive: true });
    await writeFileAtomic(this.file, `${JSON.stringify(choice, null, 2)}\n`, { mode: 0o600 });
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}
