import { useEffect, useMemo } from 'react';
import { showTerminal } from '../instances/store';
import { NoWorkspace } from '../shell/Banners';
import { useCommands, type PaletteCommand } from '../shell/commands';
import { useWorkspace } from '../workspace/store';
import { useLeases } from './leases-store';
import { LEASES_LINK, violationsLink } from './routes';
import { useZones } from './store';
import { ZoneEditor } from './ZoneEditor';
import './zones.css';

/** Loads the zones of the open repository (again when another one opens). */
export function ZonesScreen() {
  const root = useWorkspace((state) => state.snapshot?.root ?? null);
  const load = useZones((state) => state.load);
  const loadLeases = useLeases((state) => state.load);
  useEffect(() => {
    if (!root) return;
    void load(root);
    void loadLeases(root);
  }, [root, load, loadLeases]);
  useZonesCommands();

  if (!root) {
    return <NoWorkspace title="Zones" what="Open a repository to edit who owns which of its files." />;
  }
  return <ZoneEditor />;
}

/**
 * The Zones screen's actions in the command palette, and "go to the owner" of every folder and
 * file the tree has read: typing part of a path finds who owns it, and Enter shows their terminal.
 */
function useZonesCommands(): void {
  const analysis = useZones((state) => state.analysis);
  const draft = useZones((state) => state.draft);
  const dirty = useZones((state) => state.dirty);
  const saving = useZones((state) => state.saving);
  const commands = useMemo<PaletteCommand[]>(() => {
    const zones = () => useZones.getState();
    const blocked = (analysis?.patternProblems.length ?? 0) > 0;
    const instances = new Set(draft.filter((instance) => !instance.isNew).map((instance) => instance.name));
    const entries = Object.values(analysis?.folders ?? {}).flatMap((folder) => folder.children);
    const owners = entries.flatMap((entry) =>
      entry.owners
        .filter((owner) => instances.has(owner.name))
        .map((owner): PaletteCommand => {
          const shown = entry.kind === 'folder' ? `${entry.path}/` : entry.path;
          return {
            id: `zones.owner.${owner.name}.${entry.path}`,
            title: `Go to the owner of ${shown}: ${owner.name}`,
            group: 'Zones',
            keywords: ['owner', entry.path],
            run: () => showTerminal(owner.name),
          };
        }),
    );
    return [
      { id: 'zones.import', title: 'Import scope table…', group: 'Zones', keywords: ['shared state', 'table'], run: () => zones().previewImport() },
      { id: 'zones.save', title: 'Save zones', group: 'Zones', enabled: dirty && !saving && !blocked, run: () => zones().save() },
      { id: 'zones.discard', title: 'Discard zone edits', group: 'Zones', enabled: dirty && !saving, run: () => zones().discard() },
      {
        id: 'zones.violations',
        title: 'Show zone violations',
        group: 'Zones',
        run: () => {
          window.location.hash = violationsLink();
        },
      },
      {
        id: 'zones.leases',
        title: 'Show leases',
        group: 'Zones',
        run: () => {
          window.location.hash = LEASES_LINK;
        },
      },
      ...owners,
    ];
  }, [analysis, draft, dirty, saving]);
  useCommands('zones', commands);
}
