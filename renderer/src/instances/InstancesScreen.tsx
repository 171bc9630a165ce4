import { memo, useCallback, useEffect, useMemo, useState } from 'react';
import type { InstanceState, InstanceStatus } from '../../../main/contract/instances';
import { useWorkspace } from '../workspace/store';
import { AgentProgressLine, useAgentProgress } from '../agents/AgentProgressLine';
import { NewInstanceButton } from '../worktrees/NewInstanceButton';
import { WorktreePanel } from '../worktrees/WorktreePanel';
import { RequestBadge } from '../requests/RequestBadge';
import { ViolationBadge } from '../zones/ViolationBadge';
import { useWrapUpAction, useWrapUpCommands } from '../memory/wrap-up';
import { ALL_PENDING, useInstances, type Layout } from './store';
import { TerminalView } from './TerminalView';
import { webglDevice } from './gpu';
import './instances.css';
import { ErrorBanner, NoWorkspace } from '../shell/Banners';
import { useCommands, type PaletteCommand } from '../shell/commands';

const STATUS_LABELS: Record<InstanceStatus, string> = {
  stopped: 'Not started',
  starting: 'Starting',
  running: 'Running',
  waiting: 'Waiting for input',
  idle: 'Idle',
  exited: 'Exited',
  crashed: 'Crashed',
};

export function InstancesScreen() {
  const hasWorkspace = useWorkspace((state) => state.snapshot !== null);
  const { instances, configProblem, loading, error, layout, focused, pending, dismissError } = useInstances();
  const [details, setDetails] = useState(readDetailsSetting);
  const toggleDetails = useCallback(() => {
    setDetails(!details);
    localStorage.setItem(DETAILS_SETTING, details ? 'hidden' : 'shown');
  }, [details]);

  useEffect(() => {
    if (hasWorkspace) void useInstances.getState().load();
  }, [hasWorkspace]);
  useInstancesScreenCommands(layout, details, toggleDetails);
  useWrapUpCommands();
  const runningCount = instances.filter((instance) => isLive(instance.status)).length;
  const wrapUp = useWrapUpAction(runningCount);

  if (!hasWorkspace) {
    return <NoWorkspace title="Instances" what="Open a repository first: its instances come from its lanes.yml." />;
  }

  const focusedInstance = instances.find((instance) => instance.name === focused) ?? instances[0] ?? null;
  const waitingCount = instances.filter((instance) => instance.status === 'waiting').length;

  return (
    <section className="screen instances-screen" aria-labelledby="screen-title">
      <header className="screen-header">
        <div>
          <h1 id="screen-title">Instances</h1>
          <p className="muted" data-testid="instances-summary">
            {instances.length === 0 ? 'None yet' : `${runningCount} of ${instances.length} running`}
            {waitingCount > 0 && ` · ${waitingCount} waiting for you`}
          </p>
        </div>
        <div className="row">
          <NewInstanceButton />
          <button className="button" type="button" onClick={() => void useInstances.getState().startAll()} disabled={pending[ALL_PENDING] || instances.length === 0}>
            Start all
          </button>
          <button className="button" type="button" onClick={() => void useInstances.getState().stopAll()} disabled={pending[ALL_PENDING] || runningCount === 0}>
            Stop all
          </button>
          {wrapUp.button}
          <LayoutSwitch layout={layout} />
          <button className="button small ghost" type="button" aria-pressed={details} onClick={toggleDetails} title="Show or hide the column of instance details beside the terminals">
            Details
          </button>
          <GpuSwitch />
        </div>
      </header>

      {error && (
        <ErrorBanner message={error} onDismiss={dismissError} />
      )}
      {wrapUp.notice}
      {configProblem && (
        <div className="banner banner-warn" role="status">
          lanes.yml has a problem, so the instances below may be out of date: {configProblem}
        </div>
      )}

      {!loading && instances.length === 0 ? (
        <div className="card empty">
          <p>No instances yet. Create one with New instance, or list them under <code>instances:</code> in lanes.yml.</p>
        </div>
      ) : (
        <div className={`instances-body${details ? '' : ' details-hidden'}`}>
          {details && (
            <ul className="instance-list" aria-label="Instances">
              {instances.map((instance, index) => (
                <InstanceCard key={instance.name} instance={instance} lane={index} selected={layout === 'focus' && focusedInstance?.name === instance.name} />
              ))}
            </ul>
          )}
          <div className="instance-terminals">
            {layout === 'grid' ? (
              <div className="terminal-grid" data-count={Math.min(instances.length, 4)}>
                {instances.map((instance, index) => (
                  <TerminalTile key={instance.name} instance={instance} lane={index} />
                ))}
              </div>
            ) : (
              focusedInstance && (
                <div className="terminal-focus">
                  <TerminalTile instance={focusedInstance} lane={instances.indexOf(focusedInstance)} focused />
                  <WorktreePanel instance={focusedInstance.name} />
                </div>
              )
            )}
          </div>
        </div>
      )}
    </section>
  );
}

/** Whether the side column of instance details is shown (the terminals take the width without it). */
const DETAILS_SETTING = 'lanes.instances.details';

function readDetailsSetting(): boolean {
  return localStorage.getItem(DETAILS_SETTING) !== 'hidden';
}

/** Shells the user runs as an "agent": their prompt is not a question, and their status says so. */
const SHELLS = new Set(['bash', 'zsh', 'sh', 'dash', 'fish', 'ksh', 'tcsh', 'csh', 'nu', 'pwsh', 'powershell', 'cmd']);

function isShell(instance: InstanceState): boolean {
  const program = instance.agent.trim().split(/\s+/)[0] ?? '';
  return SHELLS.has(program.split(/[\\/]/).pop()!.replace(/\.exe$/i, '').toLowerCase());
}

function cannotStart(problem: string): string {
  return `Cannot start: ${problem}.`;
}

function isLive(status: InstanceStatus): boolean {
  return status === 'starting' || status === 'running' || status === 'waiting' || status === 'idle';
}

function LayoutSwitch({ layout }: { layout: Layout }) {
  const setLayout = useInstances((state) => state.setLayout);
  return (
    <div className="segmented" role="radiogroup" aria-label="Terminal layout">
      {(['grid', 'focus'] as const).map((option) => (
        <button
          key={option}
          type="button"
          role="radio"
          aria-checked={layout === option}
          className={`button small ${layout === option ? 'primary' : 'ghost'}`}
          onClick={() => setLayout(option)}
        >
          {option === 'grid' ? 'Grid' : 'Focus'}
        </button>
      ))}
    </div>
  );
}

function GpuSwitch() {
  const gpu = useInstances((state) => state.gpu);
  const setGpu = useInstances((state) => state.setGpu);
  const device = webglDevice();
  const software = device?.software === true;
  return (
    <span className="gpu-switch muted">
      <label title="Draw visible terminals with WebGL when this machine has a GPU; turn off if terminals look wrong on this machine">
        <input type="checkbox" checked={gpu} onChange={(event) => setGpu(event.target.checked)} /> GPU terminals
      </label>
      {gpu && software ? (
        <span className="gpu-note" data-testid="gpu-note" title={`WebGL here runs in software (${device.name}), which draws terminals more slowly than without it. Lanes draws them without the GPU.`}>
          · no GPU found, drawn without it
        </span>
      ) : null}
    </span>
  );
}

export function StatusBadge({ instance }: { instance: InstanceState }) {
  const shell = isShell(instance) && isLive(instance.status);
  const label = shell ? (instance.status === 'running' ? 'shell · running' : 'shell · idle') : STATUS_LABELS[instance.status];
  const code = instance.status === 'exited' && instance.exitCode !== null ? ` (${instance.exitCode})` : '';
  return (
    <span className={`status status-${instance.status}`} data-testid={`status-${instance.name}`} data-status={instance.status} title={`${label}${code}`}>
      <span className="status-dot" aria-hidden="true" />
      <span className="status-label">
        {label}
        {code}
      </span>
    </span>
  );
}

function usageText(usage: InstanceState['usage']): string | null {
  if (!usage) return null;
  const megabytes = usage.memory / (1024 * 1024);
  return `${Math.round(usage.cpu)}% CPU · ${megabytes >= 1024 ? `${(megabytes / 1024).toFixed(1)} GB` : `${Math.round(megabytes)} MB`} · ${usage.processes} ${usage.processes === 1 ? 'process' : 'processes'}`;
}

function Controls({ instance }: { instance: InstanceState }) {
  const busy = useInstances((state) => Boolean(state.pending[instance.name] || state.pending[ALL_PENDING]));
  const { start, stop, restart } = useInstances.getState();
  const live = isLive(instance.status);
  return (
    <div className="row instance-controls">
      {live ? (
        <>
          <button className="button small" type="button" onClick={() => void stop(instance.name)} disabled={busy} aria-label={`Stop ${instance.name}`}>
            Stop
          </button>
          <button className="button small ghost" type="button" onClick={() => void restart(instance.name)} disabled={busy} aria-label={`Restart ${instance.name}`}>
            Restart
          </button>
        </>
      ) : (
        <button className="button small primary" type="button" onClick={() => void start(instance.name)} disabled={busy || instance.problem !== null} aria-label={`Start ${instance.name}`}>
          Start
        </button>
      )}
    </div>
  );
}

/** A card redraws when its own instance changes (the store keeps unchanged instances' objects), not whenever any does. */
const InstanceCard = memo(function InstanceCard({ instance, lane, selected }: { instance: InstanceState; lane: number; selected: boolean }) {
  const focus = useInstances((state) => state.focus);
  const usage = usageText(instance.usage);
  const progress = useAgentProgress(instance.name);
  const detail = instance.statusDetail && !isShell(instance) ? instance.statusDetail : null;
  // What a waiting agent asks comes first; otherwise the agent's own report says more than the
  // detail (which stays in the tooltip).
  const asks = instance.status === 'waiting';
  // A running agent's problem (taken out of lanes.yml, say) does not stop it; a stopped one's does.
  const problem = instance.problem && (isLive(instance.status) ? instance.problem : cannotStart(instance.problem));
  return (
    <li className={`instance-card card${selected ? ' selected' : ''}`} style={{ ['--lane' as string]: `var(--lane-${(lane % 8) + 1})` }} data-testid={`instance-${instance.name}`}>
      <div className="row instance-head">
        <button className="instance-name" type="button" onClick={() => focus(instance.name)} aria-current={selected ? 'true' : undefined} title="Show this terminal large">
          {instance.name}
        </button>
        {instance.role !== 'custom' && <span className="tag" title={instance.role}>{instance.role}</span>}
        <RequestBadge instance={instance.name} />
        <ViolationBadge instance={instance.name} />
        <span className="grow" />
        <StatusBadge instance={instance} />
      </div>
      {/* Always one line, empty or not, with why the instance cannot start, or else the status's
          detail and the agent's last report: a card that grew or shrank as its agent changed
          status, first reported or had a problem moved every card below it, and a click on their
          buttons could miss (pressed on Start, released beside it once the button had moved).
          A problem's whole text is in the tooltip, and in the terminal's place while stopped. */}
      <p className="instance-detail" title={problem ?? detail ?? undefined}>
        {problem ? (
          <span className="instance-problem" data-testid={`problem-${instance.name}`}>{problem}</span>
        ) : (
          <>
            {detail && (!progress || asks) && <span className="muted instance-detail-text">{detail}</span>}
            {progress && <AgentProgressLine instance={instance.name} progress={progress} compact={asks && detail !== null} />}
          </>
        )}
      </p>
      <p className="instance-meta muted mono" title={instance.cwd}>
        {instance.agent}
      </p>
      <div className="row instance-footer">
        <span className="muted instance-usage" title={usage ?? undefined}>
          {usage ?? (instance.zones.length > 0 ? `Zones: ${instance.zones.join(', ')}` : 'No zones yet')}
        </span>
        <Controls instance={instance} />
      </div>
    </li>
  );
});

const TerminalTile = memo(function TerminalTile({ instance, lane, focused = false }: { instance: InstanceState; lane: number; focused?: boolean }) {
  const focus = useInstances((state) => state.focus);
  const gpu = useInstances((state) => state.gpu);
  const [searching, setSearching] = useState(false);
  const running = instance.status !== 'stopped';
  return (
    <article className={`terminal-tile${focused ? ' focused' : ''}`} style={{ ['--lane' as string]: `var(--lane-${(lane % 8) + 1})` }} aria-label={`${instance.name} terminal`}>
      <header className="terminal-tile-header row">
        {focused ? <strong>{instance.name}</strong> : (
          <button className="instance-name" type="button" onClick={() => focus(instance.name)} title="Show this terminal large">
            {instance.name}
          </button>
        )}
        <StatusBadge instance={instance} />
        <ViolationBadge instance={instance.name} />
        <span className="grow" />
        {running && (
          <button className="button ghost small" type="button" aria-pressed={searching} onClick={() => setSearching(!searching)} title="Search this terminal (Ctrl+Shift+F)">
            Search
          </button>
        )}
        <Controls instance={instance} />
      </header>
      {!running ? (
        <div className="terminal-placeholder muted">
          {instance.problem ? cannotStart(instance.problem) : 'Not started yet. Start it to see its terminal here.'}
        </div>
      ) : (
        <TerminalView name={instance.name} autoFocus={focused} gpu={gpu} searching={searching} onSearching={setSearching} />
      )}
    </article>
  );
});

/** The Instances screen's own actions in the command palette (each instance's start and stop are the shell's). */
function useInstancesScreenCommands(layout: Layout, details: boolean, toggleDetails: () => void): void {
  const gpu = useInstances((state) => state.gpu);
  const commands = useMemo<PaletteCommand[]>(() => {
    const store = () => useInstances.getState();
    return [
      { id: 'instances.layout.grid', title: 'Show terminals in a grid', group: 'Instances', keywords: ['layout'], enabled: layout !== 'grid', run: () => store().setLayout('grid') },
      { id: 'instances.layout.focus', title: 'Show one terminal large', group: 'Instances', keywords: ['layout', 'focus'], enabled: layout !== 'focus', run: () => store().setLayout('focus') },
      { id: 'instances.details', title: details ? 'Hide instance details' : 'Show instance details', group: 'Instances', keywords: ['cards', 'side panel'], run: toggleDetails },
      { id: 'instances.gpu', title: gpu ? 'Draw terminals without the GPU' : 'Draw terminals with the GPU', group: 'Instances', keywords: ['webgl'], run: () => store().setGpu(!gpu) },
    ];
  }, [layout, details, toggleDetails, gpu]);
  useCommands('instances.screen', commands);
}
