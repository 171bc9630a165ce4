import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RadarState } from '../contract/radar';
import { openFolderWatches } from '../shared/folder-engine';
import { git, writeFiles } from '../../test/support/repo';
import { waitFor } from '../../test/support/wait';
import { commitAll, openWorkbench, type Workbench } from '../worktrees/test-support';

const LANES_YML = `version: 1
common:
  - package.json
instances:
  - name: alpha
    branch: lanes/alpha
    base: main
  - name: beta
    branch: lanes/beta
    base: main
`;

let bench: Workbench | null = null;
afterEach(async () => {
  await bench?.core.dispose();
  bench = null;
});

function radarEvents(workbench: Workbench): RadarState[] {
  return workbench.events.filter((event) => event.name === 'radar.changed').map((event) => event.payload as RadarState);
}

describe('the radar room', () => {
  it('scans first when asked, not when the workspace opens, then after every commit in a worktree without being asked', async () => {
    bench = await openWorkbench({ 'lanes.yml': LANES_YML, 'package.json': '{ "name": "web" }\n', 'src/app.ts': 'app\n' });
    const { root } = bench;
    git(root, 'branch', 'lanes/alpha');
    git(root, 'branch', 'lanes/beta');
    const alpha = path.join(bench.parent, 'alpha');
    const beta = path.join(bench.parent, 'beta');
    git(root, 'worktree', 'add', '-q', alpha, 'lanes/alpha');
    git(root, 'worktree', 'add', '-q', beta, 'lanes/beta');

    // Opening the workspace costs no merge: nothing has asked for the radar yet.
    await bench.call('workspace.current', {});
    expect(radarEvents(bench)).toEqual([]);
    const first = await bench.call('radar.state', {});
    expect(first.status).toBe('ready');
    expect(first.report!.cells.every((cell) => cell.outcome === 'clean')).toBe(true);

    writeFiles(alpha, { 'package.json': '{ "name": "web", "version": "2" }\n' });
    commitAll(alpha, 'alpha bumps the version');
    writeFiles(beta, { 'package.json': '{ "name": "web", "private": true }\n' });
    commitAll(beta, 'beta makes it private');

    const seen = await waitFor(
      () => radarEvents(bench!).find((state) => state.report?.cells.some((cell) => cell.other === 'beta' && cell.outcome === 'conflict')),
      'the radar to see the conflict after the commits',
    );
    expect(seen.report!.cells.find((cell) => cell.instance === 'alpha' && cell.other === 'beta')!.files).toEqual(['package.json']);
    expect(seen.report!.overlaps).toEqual([{ path: 'package.json', instances: ['alpha', 'beta'], common: true }]);
    expect((await bench.call('radar.state', {})).report!.lanes.map((lane) => lane.ahead)).toEqual([1, 1]);
  });

  it('follows lanes.yml: an instance added later is scanned, and a deleted branch shows as gone', async () => {
    bench = await openWorkbench({ 'lanes.yml': LANES_YML, 'a.txt': 'a\n' });
    const { root } = bench;
    git(root, 'branch', 'lanes/alpha');
    expect((await bench.call('radar.state', {})).report!.lanes[1]!.problem).toBe('The branch "lanes/beta" of "beta" no longer exists.');

    git(root, 'branch', 'lanes/beta');
    await waitFor(() => radarEvents(bench!).some((state) => state.report?.lanes[1]?.head !== null && state.report?.lanes[1]?.head !== undefined), 'the new branch to be seen');

    writeFiles(root, { 'lanes.yml': `${LANES_YML}  - name: gamma\n    branch: lanes/gamma\n    base: main\n` });
    await waitFor(() => radarEvents(bench!).some((state) => state.report?.lanes.length === 3), 'gamma to be scanned');

    git(root, 'branch', '-D', 'lanes/alpha');
    await waitFor(() => radarEvents(bench!).some((state) => state.report?.lanes[0]?.problem?.includes('"lanes/alpha" of "alpha" no longer exists')), 'the deleted branch to show');
  });

  it('frees its watches when the workspace closes', async () => {
    const before = openFolderWatches();
    bench = await openWorkbench({ 'lanes.yml': LANES_YML, 'a.txt': 'a\n' });
    await bench.call('radar.state', {});
    expect(openFolderWatches()).toBeGreaterThan(before);
    await bench.call('workspace.close', {});
    expect(openFolderWatches()).toBe(before);
  });
});
