import { useEffect, useId, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import type { InstanceOptions } from '../../../main/contract/worktrees';
import { shortcutLabel } from '../shell/commands';
import { useWorkspace } from '../workspace/store';
import { CUSTOM_ROLE, EMPTY_FORM, NO_DEFAULTS, createArgs, shownBase, shownName, shownPrompt, type NewInstanceForm } from './new-instance-form';
import { NEW_INSTANCE_SHORTCUT, useWorktrees, type Creation } from './store';
import './worktrees.css';

/** Opens the form that creates an instance (name, role, agent, base; the rest under "More options") and follows its creation. */
export function NewInstanceButton() {
  const hasWorkspace = useWorkspace((state) => state.snapshot !== null);
  const open = useWorktrees((state) => state.dialogOpen);
  const buttonRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    useWorktrees.getState().countButton(1);
    return () => useWorktrees.getState().countButton(-1);
  }, []);
  return (
    <>
      <button
        ref={buttonRef}
        className="button primary"
        type="button"
        onClick={() => useWorktrees.getState().openDialog()}
        disabled={!hasWorkspace}
        aria-haspopup="dialog"
        title={`New instance (${shortcutLabel(NEW_INSTANCE_SHORTCUT)})`}
      >
        New instance
      </button>
      {open && (
        <NewInstanceDialog
          onClose={() => {
            useWorktrees.getState().closeDialog();
            buttonRef.current?.focus();
          }}
        />
      )}
    </>
  );
}

function NewInstanceDialog({ onClose }: { onClose: () => void }) {
  const dialogRef = useRef<HTMLDialogElement>(null);
  const nameRef = useRef<HTMLInputElement>(null);
  const { options, optionsError, creation, loadOptions, suggest, createInstance } = useWorktrees();
  const id = useId();
  const [form, setForm] = useState<NewInstanceForm>(EMPTY_FORM);
  const change = (patch: Partial<NewInstanceForm>) => setForm((current) => ({ ...current, ...patch }));
  const [suggestion, setSuggestion] = useState<{ branch: string; path: string } | null>(null);

  useEffect(() => {
    void loadOptions();
    dialogRef.current?.showModal();
    nameRef.current?.focus();
  }, [loadOptions]);

  const defaults = options ?? NO_DEFAULTS;
  const name = shownName(form, defaults);
  const base = shownBase(form, defaults);
  const prompt = shownPrompt(form, defaults);
  const custom = form.role === CUSTOM_ROLE;

  // The suggested name arrives with the options: select it, so typing replaces it.
  useEffect(() => {
    if (options && form.name === null && document.activeElement === nameRef.current) nameRef.current?.select();
  }, [options, form.name]);

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

  const busy = creation?.busy ?? false;
  const finished = creation?.result ?? null;

  // Created: Enter (or Esc) closes.
  const doneRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (finished) doneRef.current?.focus();
  }, [finished]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (busy || finished) return;
    void createInstance(createArgs(form, defaults));
  };

  // Enter submits from a list too, as it does from a text field; a text area keeps its new lines.
  const submitOnEnter = (event: KeyboardEvent<HTMLFormElement>) => {
    if (event.key !== 'Enter' || event.shiftKey || event.altKey || event.ctrlKey || event.metaKey) return;
    if (!(event.target instanceof HTMLSelectElement)) return;
    event.preventDefault();
    event.currentTarget.requestSubmit();
  };

  const promptField = (
    <>
      <label htmlFor={`${id}-prompt`}>Role prompt{custom ? '' : ' (optional)'}</label>
      <textarea
        id={`${id}-prompt`}
        className="input"
        rows={4}
        value={prompt}
        onChange={(event) => change({ prompt: event.target.value })}
        placeholder={custom ? 'What this instance is responsible for, and what it must not touch.' : 'Empty: the role’s own prompt.'}
        required={custom}
      />
    </>
  );

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
      <form method="dialog" className="worktrees-form" onSubmit={submit} onKeyDown={submitOnEnter} aria-busy={busy}>
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
            <div className="worktrees-grid">
              <label htmlFor={`${id}-name`}>Name</label>
              <input
                ref={nameRef}
                id={`${id}-name`}
                className="input"
                value={name}
                onChange={(event) => change({ name: event.target.value })}
                autoComplete="off"
                spellCheck={false}
                required
                maxLength={64}
              />

              <label htmlFor={`${id}-role`}>Role</label>
              <select id={`${id}-role`} className="input" value={form.role} onChange={(event) => change({ role: event.target.value, prompt: null })}>
                {options?.roles.map((preset) => (
                  <option key={preset.id} value={preset.id}>
                    {preset.label}
                  </option>
                ))}
                <option value={CUSTOM_ROLE}>Custom prompt</option>
              </select>

              <label htmlFor={`${id}-agent`}>Agent</label>
              <select id={`${id}-agent`} className="input" value={form.agent} onChange={(event) => change({ agent: event.target.value })}>
                {(options?.agents ?? [{ id: 'claude', label: 'Claude Code', command: 'claude' }]).map((preset) => (
                  <option key={preset.id} value={preset.id}>
                    {preset.label}
                    {preset.command ? ` (${preset.command})` : ''}
                  </option>
                ))}
              </select>

              {form.agent === 'custom' && (
                <>
                  <label htmlFor={`${id}-command`}>Command line</label>
                  <input
                    id={`${id}-command`}
                    className="input mono"
                    value={form.command}
                    onChange={(event) => change({ command: event.target.value })}
                    placeholder="my-agent --flag"
                    spellCheck={false}
                    required
                  />
                  <label className="worktrees-radio worktrees-span">
                    <input type="checkbox" checked={form.takesInstructions} onChange={(event) => change({ takesInstructions: event.target.checked })} />
                    <span>
                      This command reads typed instructions
                      <span className="muted worktrees-path">
                        Lanes then types hand-offs and wrap-ups into its terminal. Leave it off for a shell, which would run them as commands.
                      </span>
                    </span>
                  </label>
                </>
              )}

              {form.mode !== 'none' && (
                <>
                  <label htmlFor={`${id}-base`}>Base</label>
                  <div className="worktrees-field">
                    <input
                      id={`${id}-base`}
                      className="input mono"
                      list={`${id}-refs`}
                      value={base}
                      onChange={(event) => change({ base: event.target.value })}
                      placeholder={options?.currentCommit ?? 'main'}
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
                      {baseHint(base.trim(), options)}
                    </p>
                  </div>
                </>
              )}
            </div>

            {custom && promptField}

            <p className="muted worktrees-where" data-testid="create-where">
              <WhereItWorks form={form} suggestion={suggestion} setup={options?.setup ?? null} />
            </p>

            <details className="worktrees-more">
              <summary>More options</summary>
              <div className="worktrees-more-body">
                {!custom && promptField}

                <fieldset className="worktrees-choice">
                  <legend>Where it works</legend>
                  <label className="worktrees-radio">
                    <input type="radio" name={`${id}-mode`} checked={form.mode === 'default'} onChange={() => change({ mode: 'default' })} />
                    <span>New worktree beside the repository</span>
                  </label>
                  <label className="worktrees-radio">
                    <input type="radio" name={`${id}-mode`} checked={form.mode === 'path'} onChange={() => change({ mode: 'path' })} />
                    <span>New worktree in another folder</span>
                  </label>
                  {form.mode === 'path' && (
                    <input
                      aria-label="Worktree folder"
                      className="input mono"
                      value={form.folder}
                      onChange={(event) => change({ folder: event.target.value })}
                      placeholder={suggestion?.path ?? '../my-worktree'}
                      spellCheck={false}
                      required
                    />
                  )}
                  <label className="worktrees-radio">
                    <input type="radio" name={`${id}-mode`} checked={form.mode === 'none'} onChange={() => change({ mode: 'none' })} />
                    <span>No worktree: run in the main checkout</span>
                  </label>
                </fieldset>

                {form.mode !== 'none' && (
                  <>
                    <label htmlFor={`${id}-branch`}>New branch</label>
                    <input
                      id={`${id}-branch`}
                      className="input mono"
                      value={form.branch}
                      onChange={(event) => change({ branch: event.target.value })}
                      placeholder={suggestion?.branch ?? 'lanes/instance'}
                      spellCheck={false}
                      autoComplete="off"
                    />
                  </>
                )}
                {form.mode !== 'none' && options?.setup && (
                  <label className="worktrees-radio">
                    <input type="checkbox" checked={form.runSetup} onChange={(event) => change({ runSetup: event.target.checked })} />
                    <span>
                      Run the setup command <code>{options.setup}</code> in the new worktree
                    </span>
                  </label>
                )}
                {form.mode !== 'none' && options?.hasWorktreeInclude && <p className="muted">Files listed in .worktreeinclude are copied from the main checkout.</p>}
              </div>
            </details>
          </fieldset>
        )}

        {creation && <CreationProgress creation={creation} />}

        <footer className="worktrees-dialog-footer">
          {finished ? (
            <button ref={doneRef} className="button primary" type="button" onClick={() => dialogRef.current?.close()}>
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

/** One line on where the instance will work, so the defaults are visible without opening More options. */
function WhereItWorks({ form, suggestion, setup }: { form: NewInstanceForm; suggestion: { branch: string; path: string } | null; setup: string | null }) {
  if (form.mode === 'none') return <>Runs in the main checkout, without a worktree of its own.</>;
  const folder = form.mode === 'path' ? form.folder.trim() : (suggestion?.path ?? '');
  const branch = form.branch.trim() || suggestion?.branch || '';
  return (
    <>
      Works in a new worktree{folder && <> at <span className="mono">{folder}</span></>}
      {branch && <> on branch <span className="mono">{branch}</span></>}.
      {setup && form.runSetup && (
        <>
          {' '}
          Then runs <code>{setup}</code> there.
        </>
      )}
    </>
  );
}

/** What the base field holds, or what leaving it empty means, said before the user creates anything. */
function baseHint(base: string, options: InstanceOptions | null): string {
  if (base !== '' && base === options?.currentBranch) return 'The main checkout’s branch. Or type another branch, a tag, a remote branch or a commit.';
  if (base !== '') return 'A branch, tag, remote branch or commit.';
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
