import { describe, expect, it } from 'vitest';
import type { RequestPlan, RequestSummary } from '../../../main/contract/requests';
import { requestSummary } from '../requests/test-support';
import { NODE_WIDTH, layoutGraph } from './graph-layout';

const request = (file: string, status: RequestSummary['status'] = 'open') => requestSummary(file, { status, title: file.replace(/^(done\/)?\d+_|\.md$/g, '') });

const entry = (file: string, blockers: [string, string | null][], blocks: string[], inCycle = false) => ({
  file,
  blockers: blockers.map(([ref, target]) => ({ ref, file: target, problem: target === null ? `No request is named "${ref}".` : null })),
  blocks,
  inCycle,
  wave: null,
});

describe('layoutGraph', () => {
  const requests = [request('done/1_schema.md', 'done'), request('2_api.md'), request('3_ui.md'), request('4_alone.md'), request('5_a.md'), request('6_b.md')];
  const plan: RequestPlan = {
    requests: [
      entry('done/1_schema.md', [], ['2_api.md']),
      entry('2_api.md', [['schema', 'done/1_schema.md']], ['3_ui.md']),
      entry('3_ui.md', [['api', '2_api.md'], ['ghost', null]], []),
      entry('4_alone.md', [], []),
      entry('5_a.md', [['b', '6_b.md']], ['6_b.md'], true),
      entry('6_b.md', [['a', '5_a.md']], ['5_a.md'], true),
    ],
    cycles: [['5_a.md', '6_b.md']],
    waves: [['2_api.md'], ['3_ui.md']],
    unordered: [],
  };
  const graph = layoutGraph(plan, requests);
  const node = (id: string) => graph.nodes.find((candidate) => candidate.id === id)!;

  it('draws only requests with a dependency, and a node for each name that finds none', () => {
    expect(graph.nodes.map((candidate) => candidate.id).sort()).toEqual(['2_api.md', '3_ui.md', '5_a.md', '6_b.md', 'done/1_schema.md', 'missing:ghost']);
    expect(node('done/1_schema.md').kind).toBe('done');
    expect(node('2_api.md').kind).toBe('ready');
    expect(node('3_ui.md').kind).toBe('waiting');
    expect(node('missing:ghost')).toMatchObject({ kind: 'missing', problem: 'No request is named "ghost".' });
    expect(node('5_a.md').kind).toBe('cycle');
  });

  it('lays blockers out left of what waits on them, with routed edges, cycle edges marked', () => {
    expect(node('done/1_schema.md').x + NODE_WIDTH).toBeLessThan(node('2_api.md').x);
    expect(node('2_api.md').x + NODE_WIDTH).toBeLessThan(node('3_ui.md').x);
    const edges = graph.edges.map((edge) => `${edge.from}→${edge.to}${edge.cycle ? ' (cycle)' : ''}`).sort();
    expect(edges).toEqual(['2_api.md→3_ui.md', '5_a.md→6_b.md (cycle)', '6_b.md→5_a.md (cycle)', 'done/1_schema.md→2_api.md', 'missing:ghost→3_ui.md']);
    for (const edge of graph.edges) expect(edge.points.length).toBeGreaterThanOrEqual(2);
    expect(graph.width).toBeGreaterThan(3 * NODE_WIDTH);
  });
});
