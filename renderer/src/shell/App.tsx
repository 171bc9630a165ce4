import { useEffect } from 'react';
import { InstancesScreen } from '../instances/InstancesScreen';
import { MemoryScreen } from '../memory/MemoryScreen';
import { PlanningScreen } from '../planning/PlanningScreen';
import { RadarScreen } from '../radar/RadarScreen';
import { RequestsScreen } from '../requests/RequestsScreen';
import { WorkspaceScreen } from '../workspace/WorkspaceScreen';
import { useWorkspace } from '../workspace/store';
import { RestrictedModeBar, TrustDialog, TrustStatus } from '../trust/TrustDialog';
import { useTrust } from '../trust/store';
import { ZonesScreen } from '../zones/ZonesScreen';
import { useApp } from './app-store';
import { SCREENS, goTo, useScreen, type ScreenId } from './routes';

const SCREEN_COMPONENTS: Record<ScreenId, () => React.JSX.Element> = {
  workspace: WorkspaceScreen,
  instances: InstancesScreen,
  zones: ZonesScreen,
  requests: RequestsScreen,
  memory: MemoryScreen,
  plan: PlanningScreen,
  conflicts: RadarScreen,
};

export function App() {
  const screen = useScreen();
  const connected = useApp((state) => state.connected);
  const workspaceName = useWorkspace((state) => state.snapshot?.name ?? null);
  const Screen = SCREEN_COMPONENTS[screen];

  useEffect(() => {
    void useApp.getState().load();
    void useWorkspace.getState().load();
    void useTrust.getState().load();
  }, []);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (!event.altKey || event.ctrlKey || event.metaKey) return;
      const target = SCREENS.find((item) => item.key === event.key);
      if (target) {
        event.preventDefault();
        goTo(target.id);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  useEffect(() => {
    document.title = workspaceName ? `${workspaceName} — Lanes` : 'Lanes';
  }, [workspaceName]);

  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <nav className="nav" aria-label="Lanes">
        <div className="nav-brand">
          <span className="nav-logo" aria-hidden="true" />
          <span>Lanes</span>
        </div>
        <ul>
          {SCREENS.map((item) => (
            <li key={item.id}>
              <a href={`#/${item.id}`} aria-current={screen === item.id ? 'page' : undefined} title={`${item.label} (Alt+${item.key})`}>
                {item.label}
              </a>
            </li>
          ))}
        </ul>
        <div className="nav-footer">
          {workspaceName ? <span title="Open workspace">{workspaceName}</span> : <span className="muted">No workspace</span>}
          <TrustStatus />
        </div>
      </nav>
      <main id="main" className="main" tabIndex={-1}>
        {!connected && (
          <div className="banner banner-warn" role="status">
            Lost the connection to Lanes. Reconnecting…
          </div>
        )}
        <RestrictedModeBar />
        <Screen />
      </main>
      <TrustDialog />
    </div>
  );
}
