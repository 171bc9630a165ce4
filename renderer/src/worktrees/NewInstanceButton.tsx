import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import type { CreateInstanceArgs, InstanceOptions } from '../../../main/contract/worktrees';
import { useWorkspace } from '../workspace/store';
import { useWorktrees, type Creation } from './store';
import './worktrees.css';

/** Opens the form that creates an instance (name, role, agent, branch, worktree) and follows its creation. */
export function NewInstanceButton() {
  const hasWorkspace = useWorkspace((state) => state.snapshot !== null);
  const [open, setOpen] = useState(false);
  const buttonRef = useRef<HTMLButtonElement>(null);
  return (
    <>
      <button ref={buttonRef} className="button primary" type="button" onClick={() => setOpen(true)} disabled={!hasWorkspace} aria-haspopup="dialog">
        New instance
      </button>
      {open && (
        <NewInstanceDialog
          onClose={() => {
            setOpen(false);
            buttonRef.current?.focus();
          }}
        />
      )}
    </>
  );
}

type WorktreeMode = 'default' | 'path' | 'none';

function NewInstanceDialog({ onClose }: { onClose: () => void }) {
  const dialogRef = useRef<HTMLDialogElement>(null);
  const { options, optionsError, creation, loadOptions, suggest, createInstance, resetCreation } = useWorktrees();
  const id = useId();

  const [name, setName] = useState('');
  const [role, setRole] = useState('frontend');
  const [prompt, setPrompt] = useState<string | null>(null);
  const [agent, setAgent] = useState('claude');
  const [command, setCommand] = useState('');
  const [takesInstructions, setTakesInstructions] = useState(false);
  const [base, setBase] = useState('');
  const [branch, setBranch] = useState('');
  const [mode, setMode] = useState<WorktreeMode>('default');
  const [folder, setFolder] = useState('');
  const [runSetup, setRunSetup] = useState(true);
  const [suggestion, setSuggestion] = useState<{ branch: string; path: string } | null>(null);

  useEffect(() => {
    resetCreation();
    void loadOptions();
    dialogRef.current?.showModal();
  }, [loadOptions, resetCreation]);

  useEffect(() => {
    let current = true;
    const timer = setTimeout(() => {
      void suggest(name.trim() || 'instance').then((value) => current && setSuggestion(value));
    }, 150);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [name, suggest]);

  const rolePrompt = options?.roles.find((preset) => preset.id === role)?.prompt ?? '';
  const shownPrompt = prompt ?? rolePrompt;
  const busy = creation?.busy ?? false;
  const finished = creation?.result ?? null;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    const args: Omit<CreateInstanceArgs, 'operation'> = {
      name,
      role,
      prompt: shownPrompt,
      agent: agent === 'custom' ? { command } : { preset: agent },
      ...(agent === 'custom' && takesInstructions ? { takesInstructions: true } : {}),
      worktree: mode === 'path' ? { mode: 'path', path: folder } : { mode },
      runSetup,
      ...(base.trim() ? { base: base.trim() } : {}),
      ...(branch.trim() ? { branch: branch.trim() } : {}),
    };
    void createInstance(args);
  };

  return (
    <dialog
      ref={dialogRef}
      className="worktrees-dialog"
      aria-labelledby={`${id}-title`}
      onCancel={(event) => {
        if (busy) event.preventDefault();
      }}
      onClose={onClose}
    >
      <form method="dialog" className="worktrees-form" onSubmit={submit} aria-busy={busy}>
        <header className="worktrees-dialog-header">
          <h2 id={`${id}-title`}>New instance</h2>
        </header>
        {optionsError && (
          <p className="form-error" role="alert">
            {optionsError}
          </p>
        )}
        {finished ? (
          <CreatedSummary creation={creation!} />
        ) : (
          <fieldset className="worktrees-fields" disabled={busy}>
            <label htmlFor={`${id}-name`}>Name</label>
            <input
              id={`${id}-name`}
              className="input"
              value={name}
              onChange={(event) => setName(event.target.value)}
              placeholder="Frontend"
              autoComplete="off"
              spellCheck={false}
              required
              maxLength={64}
              autoFocus
            />

            <label htmlFor={`${id}-role`}>Role</label>
            <select
              id={`${id}-role`}
              className="input"
              value={role}
              onChange={(event) => {
                setRole(event.target.value);
                setPrompt(event.target.value === 'custom' ? '' : null);
              }}
            >
              {options?.roles.map((preset) => (
                <option key={preset.id} value={preset.id}>
                  {preset.label}
                </option>
              ))}
              <option value="custom">Custom prompt</option>
            </select>
            <label htmlFor={`${id}-prompt`}>Role prompt</label>
            <textarea
              id={`${id}-prompt`}
              className="input"
              rows={4}
              value={shownPrompt}
              onChange={(event) => setPrompt(event.target.value)}
              placeholder="What this instance is responsible for, and what it must not touch."
              required
            />

            <label htmlFor={`${id}-agent`}>Agent</label>
            <select id={`${id}-agent`} className="input" value={agent} onChange={(event) => setAgent(event.target.value)}>
              {(options?.agents ?? [{ id: 'claude', label: 'Claude Code', command: 'claude' }]).map((preset) => (
                <option key={preset.id} value={preset.id}>
                  {preset.label}
                  {preset.command ? ` (${preset.command})` : ''}
                </option>
              ))}
            </select>
            {agent === 'custom' && (
              <>
                <label htmlFor={`${id}-command`}>Command line</label>
                <input
                  id={`${id}-command`}
                  className="input mono"
                  value={command}
                  onChange={(event) => setCommand(event.target.value)}
                  placeholder="my-agent --flag"
                  spellCheck={false}
                  required
                />
                <label className="worktrees-radio">
                  <input type="checkbox" checked={takesInstructions} onChange={(event) => setTakesInstructions(event.target.checked)} />
                  <span>
                    This command reads typed instructions
                    <span className="muted worktrees-path">
                      Lanes then types hand-offs and wrap-ups into its terminal. Leave it off for a shell, which would run them as commands.
                    </span>
                  </span>
                </label>
              </>
            )}

            <fieldset className="worktrees-choice">
              <legend>Where it works</legend>
              <label className="worktrees-radio">
                <input type="radio" name={`${id}-mode`} checked={mode === 'default'} onChange={() => setMode('default')} />
                <span>
                  New worktree beside the repository
                  {suggestion && <span className="mono muted worktrees-path">{suggestion.path}</span>}
                </span>
              </label>
              <label className="worktrees-radio">
                <input type="radio" name={`${id}-mode`} checked={mode === 'path'} onChange={() => setMode('path')} />
                <span>New worktree in another folder</span>
              </label>
              {mode === 'path' && (
                <input
                  aria-label="Worktree folder"
                  className="input mono"
                  value={folder}
                  onChange={(event) => setFolder(event.target.value)}
                  placeholder={suggestion?.path ?? '../my-worktree'}
                  spellCheck={false}
                  required
                />
              )}
              <label className="worktrees-radio">
                <input type="radio" name={`${id}-mode`} checked={mode === 'none'} onChange={() => setMode('none')} />
                <span>No worktree: run in the main checkout</span>
              </label>
            </fieldset>

            {mode !== 'none' && (
              <div className="worktrees-pair">
                <div>
                  <label htmlFor={`${id}-base`}>Base</label>
                  <input
                    id={`${id}-base`}
                    className="input mono"
                    list={`${id}-refs`}
                    value={base}
                    onChange={(event) => setBase(event.target.value)}
                    placeholder={options?.currentBranch ?? options?.currentCommit ?? 'main'}
                    aria-describedby={`${id}-base-hint`}
                    spellCheck={false}
                    autoComplete="off"
                  />
                  <datalist id={`${id}-refs`}>
                    {[...(options?.branches ?? []), ...(options?.otherRefs ?? [])].map((ref) => (
                      <option key={ref} value={ref} />
                    ))}
                  </datalist>
                  <p id={`${id}-base-hint`} className="muted worktrees-hint" data-testid="base-hint">
                    {base.trim() !== '' ? 'A branch, tag, remote branch or commit.' : defaultBaseText(options)}
                  </p>
                </div>
                <div>
                  <label htmlFor={`${id}-branch`}>New branch</label>
                  <input
                    id={`${id}-branch`}
                    className="input mono"
                    value={branch}
                    onChange={(event) => setBranch(event.target.value)}
                    placeholder={suggestion?.branch ?? 'lanes/instance'}
                    spellCheck={false}
                    autoComplete="off"
                  />
                </div>
              </div>
            )}
            {mode !== 'none' && options?.setup && (
              <label className="worktrees-radio">
                <input type="checkbox" checked={runSetup} onChange={(event) => setRunSetup(event.target.checked)} />
                <span>
                  Run the setup command <code>{options.setup}</code> in the new worktree
                </span>
              </label>
            )}
            {mode !== 'none' && options?.hasWorktreeInclude && <p className="muted">Files listed in .worktreeinclude are copied from the main checkout.</p>}
          </fieldset>
        )}

        {creation && <CreationProgress creation={creation} />}

        <footer className="worktrees-dialog-footer">
          {finished ? (
            <button className="button primary" type="button" onClick={() => dialogRef.current?.close()}>
              Done
            </button>
          ) : (
            <>
              <button className="button" type="button" onClick={() => dialogRef.current?.close()} disabled={busy}>
                Cancel
              </button>
              <button className="button primary" type="submit" disabled={busy || name.trim() === ''}>
                {busy ? 'Creating…' : 'Create instance'}
              </button>
            </>
          )}
        </footer>
      </form>
    </dialog>
  );
}

/** What an empty base means, said before the user creates anything. */
function defaultBaseText(options: InstanceOptions | null): string {
  if (!options) return '';
  if (options.currentBranch) return `Empty: the main checkout's branch ${options.currentBranch}. Or type a tag, remote branch or commit.`;
  if (options.currentCommit) return `Empty: current commit ${options.currentCommit} (detached HEAD). Or type a branch, tag or commit.`;
  return 'The repository has no commit yet: make one first.';
}

function CreationProgress({ creation }: { creation: Creation }) {
  return (
    <div className="worktrees-progress">
      {creation.busy && (
        <div role="status" aria-live="polite" data-testid="create-progress">
          <span>{creation.message ?? 'Starting…'}</span>
          {creation.step === 'worktree' && creation.percent !== null && (
            <progress max={100} value={creation.percent} aria-label="Checking out files">
              {creation.percent}%
            </progress>
          )}
        </div>
      )}
      {creation.error && (
        <p className="form-error" role="alert" data-testid="create-error">
          {creation.error}
        </p>
      )}
      {creation.setupOutput !== '' && (
        <pre className="worktrees-output" aria-label="Setup output" tabIndex={0}>
          {creation.setupOutput}
        </pre>
      )}
    </div>
  );
}

function CreatedSummary({ creation }: { creation: Creation }) {
  const result = creation.result!;
  const setup = result.setup;
  return (
    <div className="worktrees-summary" role="status" data-testid="create-result">
      <p>
        <strong>{result.instance}</strong> is ready{' '}
        {result.worktree ? (
          <>
            in <span className="mono">{result.worktree}</span> on branch <span className="mono">{result.branch}</span> from{' '}
            <span className="mono">{/^[0-9a-f]{40}$/.test(result.base ?? '') ? result.base!.slice(0, 7) : result.base}</span>.
          </>
        ) : (
          'in the main checkout.'
        )}
      </p>
      {result.copied.length > 0 && (
        <p className="muted">
          Copied from the main checkout: <span className="mono">{result.copied.join(', ')}</span>
        </p>
      )}
      {result.setupNotRun && (
        <p className="form-error" data-testid="setup-exit">
          Setup not run: {result.setupNotRun}
        </p>
      )}
      {setup && (
        <p className={setup.exitCode === 0 ? 'muted' : 'form-error'} data-testid="setup-exit">
          Setup <code>{setup.command}</code>{' '}
          {setup.exitCode === 0 ? 'finished.' : setup.exitCode === null ? `was stopped (${setup.signal ?? 'could not start'}).` : `exited with code ${setup.exitCode}.`}
        </p>
      )}
    </div>
  );
}
