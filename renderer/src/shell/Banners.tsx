import { useWorkspace } from '../workspace/store';
import { Message } from './Message';
import { goTo } from './routes';

/** An error from main, shown until the user dismisses it. */
export function ErrorBanner({ message, onDismiss }: { message: string | null; onDismiss: () => void }) {
  if (!message) return null;
  return (
    <div className="banner banner-error" role="alert">
      <span className="grow">
        <Message text={message} />
      </span>
      <button className="button ghost small" type="button" onClick={onDismiss}>
        Dismiss
      </button>
    </div>
  );
}

/** What a screen shows while no repository is open: what it would show, and the way to open one. */
export function NoWorkspace({ title, what }: { title: string; what: string }) {
  // Main has not said yet whether a workspace is open (a page just loaded, git is slow): not "none".
  const loading = useWorkspace((state) => state.loading);
  if (loading) return <ScreenLoading title={title} what="Reading the workspace…" />;
  return (
    <section className="screen" aria-labelledby="screen-title">
      <header className="screen-header">
        <h1 id="screen-title">{title}</h1>
      </header>
      <div className="card empty">
        <p>{what}</p>
        <button className="button primary" type="button" onClick={() => goTo('workspace')}>
          Open a repository
        </button>
      </div>
    </section>
  );
}

/** A screen whose content is on its way: its title, and what Lanes is reading meanwhile. */
export function ScreenLoading({ title, what }: { title: string; what: string }) {
  return (
    <section className="screen" aria-labelledby="screen-title" aria-busy="true">
      <header className="screen-header">
        <h1 id="screen-title">{title}</h1>
      </header>
      <div className="card empty" role="status">
        <p>
          <span className="busy-dot" aria-hidden="true" /> {what}
        </p>
      </div>
    </section>
  );
}
