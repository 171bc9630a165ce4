import { useRef, useState } from 'react';
import { Message } from '../shell/Message';
import './requests.css';

/**
 * An instruction Lanes did not type into an agent's terminal (its agent does not take prose: a
 * shell would run it as a command), shown with why and a Copy button, for the user to paste
 * where it belongs. Used by the request hand-off and the memory wrap-up.
 */
export function InstructionToPaste({ instance, text, reason }: { instance: string; text: string; reason: string }) {
  const [copy, setCopy] = useState<'idle' | 'copied' | 'failed'>('idle');
  const area = useRef<HTMLTextAreaElement>(null);

  const copyText = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setCopy('copied');
    } catch {
      // No clipboard (a page served over plain HTTP from another machine): select it for Ctrl+C.
      area.current?.focus();
      area.current?.select();
      setCopy('failed');
    }
  };

  return (
    <section className="banner banner-warn paste-instruction" aria-label={`Instruction for ${instance}`} data-testid="instruction-to-paste">
      <p className="paste-instruction-reason">
        Lanes did not type this: <Message text={reason} />
      </p>
      <textarea
        ref={area}
        className="input mono paste-instruction-text"
        readOnly
        rows={4}
        value={text}
        aria-label={`Instruction for ${instance}, to paste`}
        onFocus={(event) => event.currentTarget.select()}
      />
      <div className="row">
        <button type="button" className="button small" onClick={() => void copyText()}>
          {copy === 'copied' ? 'Copied' : 'Copy'}
        </button>
        {copy === 'failed' && <span className="muted">Lanes cannot reach the clipboard here; the text is selected, press Ctrl+C.</span>}
      </div>
    </section>
  );
}
