import { ErrorBanner } from '../shell/Banners';
import { Message } from '../shell/Message';
import { EnforcementPanel } from './EnforcementPanel';
import { LeasesPanel } from './LeasesPanel';
import { OwnershipView } from './OwnershipView';
import { useZonesView } from './routes';
import { useZones } from './store';
import { ViolationLog } from './ViolationLog';
import { ZonesTabs } from './ZonesTabs';

/** The Zones screen of an open repository: its actions, banners, and the Ownership or Violations tab. */
export function ZoneEditor() {
  const { saved, dirty, analysis, saving, error, notice, save, discard, previewImport, dismiss } = useZones();
  const view = useZonesView();
  const blocked = (analysis?.patternProblems.length ?? 0) > 0;
  return (
    <section className="screen zones-screen" aria-labelledby="screen-title">
      <header className="screen-header">
        <div>
          <h1 id="screen-title">Zones</h1>
          <p className="muted">Drag a folder onto an instance to give it ownership, or a chip to another instance to move it.</p>
        </div>
        <div className="row">
          <button className="button" type="button" onClick={() => void previewImport()}>
            Import scope table…
          </button>
          <button className="button" type="button" onClick={discard} disabled={!dirty || saving}>
            Discard
          </button>
          <button className="button primary" type="button" onClick={() => void save()} disabled={!dirty || saving || blocked}>
            {saving ? 'Saving…' : 'Save zones'}
          </button>
        </div>
      </header>

      {error && <ErrorBanner message={error} onDismiss={dismiss} />}
      {notice && !error && (
        <div className="banner banner-info" role="status">
          <span>
            <Message text={notice} />
          </span>
          <button className="button small ghost" type="button" onClick={dismiss}>
            Dismiss
          </button>
        </div>
      )}
      <ZonesTabs />
      {view.tab === 'leases' ? (
        <LeasesPanel />
      ) : view.tab === 'violations' ? (
        <>
          <ViolationLog instance={view.instance} />
          {saved && <EnforcementPanel />}
        </>
      ) : (
        <OwnershipView />
      )}
    </section>
  );
}
