import { spawnSync } from 'node:child_process';
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';

const projectRoot = path.resolve(__dirname, '..', '..');
let bundled: Promise<string> | null = null;

/**
 * Bundles `lanes guard` and `lanes check` the way the build does, into a folder of their own, so
 * tests run the real scripts in real processes without touching the shared dist/ folder.
 * Dependencies are bundled in too, since the folder has no node_modules next to it.
 */
export function bundleZoneScripts(): Promise<string> {
  bundled ??= (async () => {
    const dir = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'lanes-zone-scripts-')));
    await Promise.all(
      ['guard', 'check'].map((name) =>
        build({
          entryPoints: [path.join(projectRoot, 'main', 'cli', 'commands', `${name}.ts`)],
          outfile: path.join(dir, `${name}.cjs`),
          bundle: true,
          platform: 'node',
          target: 'node20',
          format: 'cjs',
          logLevel: 'warning',
        }),
      ),
    );
    return dir;
  })();
  return bundled;
}

/** Removes the bundled scripts; call it in `afterAll`. */
export async function removeZoneScripts(): Promise<void> {
  if (!bundled) return;
  const dir = await bundled;
  bundled = null;
  rmSync(dir, { recursive: true, force: true });
}

export interface ScriptRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

export function runScript(file: string, args: readonly string[], options: { input?: string; cwd?: string } = {}): ScriptRun {
  const started = performance.now();
  const result = spawnSync(process.execPath, [file, ...args], { input: options.input ?? '', cwd: options.cwd, encoding: 'utf8', timeout: 15_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, ms: performance.now() - started };
}

export { FIELD_REPORT_CONFIG } from '../../test/support/field-report';
