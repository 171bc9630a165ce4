import { useEffect, useMemo, useState } from 'react';
import type { WrapUpState } from '../../../main/contract/memory';
import { errorMessage, lanes } from '../client';
import { ErrorBanner } from '../shell/Banners';
import { useCommands, type PaletteCommand } from '../shell/commands';
import { relativeTime } from '../shell/format';
import { useMemory } from './store';

/**
 * The session wrap-up where the agents are watched: a button on the Instances screen, a notice
 * of what it did, and the palette's wrap-up commands (the Memory screen offers the same ones and
 * the full panel).
 */

async function sendWrapUp(instance: string | null): Promise<WrapUpState> {
  const wrapUp = await lanes.call('memory.wrapUp', { instance });
  useMemory.setState({ wrapUp });
  return wrapUp;
}

/** Reads the wrap-up state when the calling screen opens, if no screen has yet. */
function useWrapUpState(): WrapUpState | null {
  const wrapUp = useMemory((state) => state.wrapUp);
  useEffect(() => {
    if (!useMemory.getState().wrapUp) void useMemory.getState().loadWrapUp();
  }, []);
  return wrapUp;
}

/** The palette's wrap-up commands: every running instance at once, and each one as the Memory panel offers it. */
export function useWrapUpCommands(): void {
  const wrapUp = useWrapUpState();
  const commands = useMemo<PaletteCommand[]>(() => {
    const send = (instance: string | null) => useMemory.getState().sendWrapUp(instance);
    // An agent that takes typed instructions is wrapped up while it runs; any other shows the instruction to paste.
    const instances = wrapUp?.available ? wrapUp.instances : [];
    return [
      {
        id: 'memory.wrapUpAll',
        title: 'Wrap up all running instances',
        group: 'Memory',
        keywords: ['session', 'end'],
        enabled: instances.some((instance) => instance.running),
        run: () => send(null),
      },
      ...instances.map((instance) => ({
        id: `memory.wrapUp.${instance.name}`,
        title: instance.takesInstructions ? `Wrap up ${instance.name}` : `Show wrap-up for ${instance.name}`,
        group: 'Memory',
        keywords: ['session', 'end'],
        enabled: instance.running || !instance.takesInstructions,
        run: () => send(instance.name),
      })),
    ];
  }, [wrapUp]);
  useCommands('memory.wrapUp', commands);
}

/**
 * "Wrap up" on the Instances screen: a button that types the wrap-up into every running agent,
 * and the notice of what it did, for the screen to place.
 */
export function useWrapUpAction(running: number) {
  const wrapUp = useWrapUpState();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  /** The wrap-up whose notice the user closed. */
  const [dismissed, setDismissed] = useState<string | null>(null);
  const [sentHere, setSentHere] = useState(false);

  const wrapUpAll = async () => {
    setBusy(true);
    setError(null);
    try {
      await sendWrapUp(null);
      setSentHere(true);
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setBusy(false);
    }
  };

  const last = wrapUp?.last ?? null;
  const showNotice = sentHere && last !== null && last.sentAt !== dismissed;
  return {
    button: (
      <button
        className="button"
        type="button"
        disabled={busy || running === 0 || wrapUp?.available === false}
        onClick={() => void wrapUpAll()}
        title="Types the wrap-up instruction into every running agent: record what worked and what to avoid as memory files, and note the state in the shared-state file"
      >
        Wrap up
      </button>
    ),
    notice: (
      <>
        <ErrorBanner message={error} onDismiss={() => setError(null)} />
        {showNotice && (
          <div className="banner banner-info" role="status" data-testid="wrap-up-notice">
            <span className="grow">
              {last.sentTo.length > 0 ? `Wrap-up typed into ${last.sentTo.join(', ')}` : 'Wrap-up prepared'} {relativeTime(last.sentAt)}.{' '}
              {last.changed.length === 0 ? 'No memory file has changed since yet.' : `${last.changed.length} memory ${last.changed.length === 1 ? 'file has' : 'files have'} changed since.`}
              {last.toPaste.length > 0 && ` ${last.toPaste.map((instruction) => instruction.instance).join(', ')} ${last.toPaste.length === 1 ? 'needs' : 'need'} the instruction pasted.`}{' '}
              <a href="#/memory">Review on Memory</a>
            </span>
            <button className="button ghost small" type="button" onClick={() => setDismissed(last.sentAt)}>
              Dismiss
            </button>
          </div>
        )}
      </>
    ),
  };
}
