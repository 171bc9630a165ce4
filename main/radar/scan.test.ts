import { statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RadarCell, RadarReport } from '../contract/radar';
import { git, makeGitRepo, writeFiles } from '../../test/support/repo';
import { scanRadar, type LaneSource } from './scan';

/** Makes `branch` from `from` with the files changed in one commit, without leaving the main checkout's branch. */
function branchWith(root: string, branch: string, from: string, files: Record<string, string>): void {
  git(root, 'checkout', '-q', '-b', branch, from);
  writeFiles(root, files);
  git(root, 'add', '-A');
  git(root, 'commit', '-q', '-m', `work on ${branch}`);
  git(root, 'checkout', '-q', 'main');
}

function cell(report: RadarReport, instance: string, other: string | null): RadarCell {
  const found = report.cells.find((candidate) => (candidate.instance === instance && candidate.other === other) || (candidate.instance === other && candidate.other === instance));
  if (!found) throw new Error(`no cell for ${instance} × ${other}`);
  return found;
}

const lane = (instance: string, branch: string | null = `lanes/${instance}`, base: string | null = 'main'): LaneSource => ({ instance, branch, base });

describe('the conflict radar', () => {
  it('predicts conflicts between branches and clean merges, and lists files changed by more than one instance', async () => {
    const root = makeGitRepo({ 'shared.txt': 'one\ntwo\nthree\n', 'docs/guide.md': 'title\na\nb\nc\nend\n', 'api/a.ts': 'a\n', 'web/b.ts': 'b\n' });
    branchWith(root, 'lanes/alpha', 'main', { 'shared.txt': 'one\nALPHA\nthree\n', 'api/a.ts': 'alpha\n', 'docs/guide.md': 'TITLE\na\nb\nc\nend\n' });
    branchWith(root, 'lanes/beta', 'main', { 'shared.txt': 'one\nBETA\nthree\n', 'web/b.ts': 'beta\n', 'docs/guide.md': 'title\na\nb\nc\nEND\n' });
    branchWith(root, 'lanes/gamma', 'main', { 'gamma.txt': 'gamma\n' });

    const report = await scanRadar(root, [lane('alpha'), lane('beta'), lane('gamma')], { common: ['docs'] });

    expect(cell(report, 'alpha', 'beta')).toMatchObject({ outcome: 'conflict', files: ['shared.txt'], problem: null });
    expect(cell(report, 'alpha', 'gamma')).toMatchObject({ outcome: 'clean', files: [] });
    expect(cell(report, 'beta', 'gamma')).toMatchObject({ outcome: 'clean', files: [] });
    for (const name of ['alpha', 'beta', 'gamma']) expect(cell(report, name, null)).toMatchObject({ outcome: 'clean', files: [] });
    expect(report.cells).toHaveLength(6);
    expect(report.lanes.find((entry) => entry.instance === 'alpha')).toMatchObject({ ahead: 1, behind: 0, changed: ['api/a.ts', 'docs/guide.md', 'shared.txt'], problem: null });
    expect(report.overlaps).toEqual([
      { path: 'docs/guide.md', instances: ['alpha', 'beta'], common: true },
      { path: 'shared.txt', instances: ['alpha', 'beta'], common: false },
    ]);
  });

  it('finds the conflict of a branch behind its base that changed what the base changed since', async () => {
    const root = makeGitRepo({ 'config.json': '{ "port": 1 }\n', 'other.txt': 'x\n' });
    branchWith(root, 'lanes/delta', 'main', { 'config.json': '{ "port": 2 }\n' });
    branchWith(root, 'lanes/omega', 'main', { 'other.txt': 'omega\n' });
    writeFiles(root, { 'config.json': '{ "port": 3 }\n' });
    git(root, 'commit', '-q', '-am', 'main moves on');

    const report = await scanRadar(root, [lane('delta'), lane('omega')]);

    expect(cell(report, 'delta', null)).toMatchObject({ outcome: 'conflict', files: ['config.json'] });
    expect(report.lanes[0]).toMatchObject({ ahead: 1, behind: 1 });
    expect(cell(report, 'omega', null)).toMatchObject({ outcome: 'clean' });
    expect(report.lanes[1]).toMatchObject({ ahead: 1, behind: 1 });
    expect(cell(report, 'delta', 'omega')).toMatchObject({ outcome: 'clean' });
  });

  it('says which branch is gone, and which lane has no branch or base, instead of failing the scan', async () => {
    const root = makeGitRepo({ 'a.txt': 'a\n' });
    branchWith(root, 'lanes/alpha', 'main', { 'a.txt': 'alpha\n' });
    branchWith(root, 'lanes/gone', 'main', { 'a.txt': 'gone\n' });
    git(root, 'branch', '-q', '-D', 'lanes/gone');

    const report = await scanRadar(root, [lane('alpha'), lane('gone'), lane('loose', null), lane('rootless', 'lanes/alpha', null)]);

    expect(report.lanes[1]).toMatchObject({ head: null, problem: 'The branch "lanes/gone" of "gone" no longer exists.' });
    expect(cell(report, 'alpha', 'gone')).toMatchObject({ outcome: 'unknown', problem: 'The branch "lanes/gone" of "gone" no longer exists.' });
    expect(cell(report, 'gone', null).outcome).toBe('unknown');
    expect(cell(report, 'loose', null).problem).toMatch(/"loose" has no branch/);
    expect(cell(report, 'rootless', null).problem).toMatch(/"rootless" has no base/);
    // Two lanes on the same branch merge cleanly; the lane without a base is still compared with the others.
    expect(cell(report, 'alpha', 'rootless')).toMatchObject({ outcome: 'clean' });
  });

  it('reports a base that does not exist and unrelated histories as unknown, with git’s reason', async () => {
    const root = makeGitRepo({ 'a.txt': 'a\n' });
    branchWith(root, 'lanes/alpha', 'main', { 'a.txt': 'alpha\n' });
    git(root, 'checkout', '-q', '--orphan', 'lanes/island');
    git(root, 'rm', '-q', '-rf', '.');
    writeFiles(root, { 'island.txt': 'island\n' });
    git(root, 'add', '-A');
    git(root, 'commit', '-q', '-m', 'island');
    git(root, 'checkout', '-q', 'main');

    const report = await scanRadar(root, [lane('alpha', 'lanes/alpha', 'release'), lane('island')]);

    expect(cell(report, 'alpha', null).problem).toBe('The base "release" of "alpha" no longer exists. Set another base in lanes.yml.');
    expect(report.lanes[1]!.problem).toMatch(/no common history/);
    const pair = cell(report, 'alpha', 'island');
    expect(pair.outcome).toBe('unknown');
    expect(pair.problem).toMatch(/^git could not merge them: .*unrelated histories/);
  });

  it('leaves every checkout, the index and the refs as they were', async () => {
    const root = makeGitRepo({ 'shared.txt': 'one\n' });
    branchWith(root, 'lanes/alpha', 'main', { 'shared.txt': 'alpha\n' });
    branchWith(root, 'lanes/beta', 'main', { 'shared.txt': 'beta\n' });
    const refsBefore = git(root, 'for-each-ref');
    const indexBefore = statSync(path.join(root, '.git', 'index')).mtimeMs;

    const report = await scanRadar(root, [lane('alpha'), lane('beta')]);

    expect(cell(report, 'alpha', 'beta').outcome).toBe('conflict');
    expect(statSync(path.join(root, '.git', 'index')).mtimeMs).toBe(indexBefore);
    expect(git(root, 'for-each-ref')).toBe(refsBefore);
    expect(git(root, 'status', '--porcelain')).toBe('');
  });
});
