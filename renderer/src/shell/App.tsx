import { useCallback, useEffect, useState } from 'react';
import { InstancesScreen } from '../instances/InstancesScreen';
import { useInstances } from '../instances/store';
import { MemoryScreen } from '../memory/MemoryScreen';
import { PlanningScreen } from '../planning/PlanningScreen';
import { RadarScreen } from '../radar/RadarScreen';
import { RequestsScreen } from '../requests/RequestsScreen';
import { WorkspaceScreen } from '../workspace/WorkspaceScreen';
import { useWorkspace } from '../workspace/store';
import { RestrictedModeBar, TrustDialog, TrustStatus } from '../trust/TrustDialog';
import { useTrust } from '../trust/store';
import { ZonesScreen } from '../zones/ZonesScreen';
import { WhoOwnsDialog } from '../zones/WhoOwnsDialog';
import { useApp } from './app-store';
import { CommandPalette } from './CommandPalette';
import { shortcutLabel } from './commands';
import { AboutDialog } from './AboutDialog';
import { useCommandsFromMain, useShellCommands, useShortcutKeys, useWaitingBadge } from './shell-commands';
import { ShortcutsSheet } from './ShortcutsSheet';
import { SCREENS, useScreen, type ScreenId } from './routes';

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
  const workspaceLoading = useWorkspace((state) => state.loading);
  const Screen = SCREEN_COMPONENTS[screen];

  useEffect(() => {
    void useApp.getState().load();
    void useWorkspace.getState().load();
    void useTrust.getState().load();
    // The window's title counts the agents waiting for the user, whichever screen is shown.
    void useInstances.getState().load();
  }, []);

  const [paletteOpen, setPaletteOpen] = useState(false);
  const [shortcutsOpen, setShortcutsOpen] = useState(false);
  const openPalette = useCallback(() => {
    setPaletteOpen(true);
    // The instances it offers are current even when their screen was never opened.
    void useInstances.getState().load();
  }, []);
  const openShortcuts = useCallback(() => setShortcutsOpen(true), []);
  const [aboutOpen, setAboutOpen] = useState(false);
  const openAbout = useCallback(() => setAboutOpen(true), []);
  const [whoOwnsOpen, setWhoOwnsOpen] = useState(false);
  const openWhoOwns = useCallback(() => setWhoOwnsOpen(true), []);
  useShellCommands({ openPalette, openShortcuts, openAbout, openWhoOwns });
  useShortcutKeys(openPalette);
  useCommandsFromMain();
  useWaitingBadge(workspaceName);

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
              <a href={`#/${item.id}`} aria-current={screen === item.id ? 'page' : undefined} title={`${item.label} (${shortcutLabel(`Alt+${item.key}`)})`}>
                {item.label}
              </a>
            </li>
          ))}
        </ul>
        <div className="nav-footer">
          {workspaceName ? <span title="Open workspace">{workspaceName}</span> : <span className="muted">{workspaceLoading ? 'Reading…' : 'No workspace'}</span>}
          <TrustStatus />
          <div className="nav-help">
            <button type="button" className="button ghost small" onClick={openPalette} title={`Every action (${shortcutLabel('Mod+K')})`}>
              Commands <kbd className="palette-kbd">{shortcutLabel('Mod+K')}</kbd>
            </button>
            <button type="button" className="button ghost small" onClick={openShortcuts} aria-label="Keyboard shortcuts" title={`Keyboard shortcuts (${shortcutLabel('Mod+/')})`}>
              ?
            </button>
          </div>
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
      <CommandPalette open={paletteOpen} onOpenChange={setPaletteOpen} />
      {shortcutsOpen && <ShortcutsSheet onClose={() => setShortcutsOpen(false)} />}
      {aboutOpen && <AboutDialog onClose={() => setAboutOpen(false)} />}
      {whoOwnsOpen && <WhoOwnsDialog onClose={() => setWhoOwnsOpen(false)} />}
    </div>
  );
}
