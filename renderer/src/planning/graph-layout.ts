import { Graph, layout } from '@dagrejs/dagre';
import type { RequestPlan, RequestSummary } from '../../../main/contract/requests';

export const NODE_WIDTH = 210;
export const NODE_HEIGHT = 58;

export interface GraphNode {
  /** A request file, or `missing:<name>` for a `blocked_by` name that finds no request. */
  id: string;
  title: string;
  /** The receiver as written, or null. */
  to: string | null;
  kind: 'done' | 'waiting' | 'ready' | 'cycle' | 'missing';
  /** Why the node is flagged (a missing name, a cycle), or null. */
  problem: string | null;
  x: number;
  y: number;
}

export interface GraphEdge {
  from: string;
  to: string;
  /** Both ends in one cycle. */
  cycle: boolean;
  /** The line dagre routed, from the blocker to the request that waits. */
  points: { x: number; y: number }[];
}

export interface GraphLayout {
  nodes: GraphNode[];
  edges: GraphEdge[];
  width: number;
  height: number;
}

/**
 * The `blocked_by` graph, laid out left to right by dagre: blockers on the left, the requests
 * waiting on them to their right. Only requests with a dependency either way are drawn.
 */
export function layoutGraph(plan: RequestPlan, requests: readonly RequestSummary[]): GraphLayout {
  const byFile = new Map(requests.map((request) => [request.file, request]));
  const cycleOf = new Map(plan.cycles.flatMap((cycle, index) => cycle.map((file) => [file, index] as const)));
  const nodes = new Map<string, Omit<GraphNode, 'x' | 'y'>>();
  const edges: Omit<GraphEdge, 'points'>[] = [];

  for (const entry of plan.requests) {
    const request = byFile.get(entry.file);
    if (!request || (entry.blockers.length === 0 && entry.blocks.length === 0)) continue;
    const waiting = entry.blockers.some((blocker) => blocker.file !== null && byFile.get(blocker.file)?.status !== 'done');
    nodes.set(entry.file, {
      id: entry.file,
      title: request.title,
      to: request.to,
      kind: request.status === 'done' ? 'done' : entry.inCycle ? 'cycle' : waiting ? 'waiting' : 'ready',
      problem: entry.inCycle ? 'In a cycle of blocked_by: none of these requests can start first.' : null,
    });
    for (const blocker of entry.blockers) {
      const from = blocker.file ?? `missing:${blocker.ref}`;
      if (blocker.file === null && !nodes.has(from)) nodes.set(from, { id: from, title: blocker.ref, to: null, kind: 'missing', problem: blocker.problem });
      const cycle = blocker.file !== null && cycleOf.has(blocker.file) && cycleOf.get(blocker.file) === cycleOf.get(entry.file);
      edges.push({ from, to: entry.file, cycle });
    }
  }

  const graph = new Graph({ multigraph: false });
  graph.setGraph({ rankdir: 'LR', nodesep: 18, ranksep: 56, marginx: 8, marginy: 8 });
  graph.setDefaultEdgeLabel(() => ({}));
  for (const node of nodes.values()) graph.setNode(node.id, { width: NODE_WIDTH, height: NODE_HEIGHT });
  for (const edge of edges) graph.setEdge(edge.from, edge.to);
  layout(graph);

  const label = graph.graph();
  return {
    nodes: [...nodes.values()].map((node) => {
      const placed = graph.node(node.id);
      return { ...node, x: placed.x - NODE_WIDTH / 2, y: placed.y - NODE_HEIGHT / 2 };
    }),
    edges: edges.map((edge) => ({ ...edge, points: graph.edge(edge.from, edge.to)?.points ?? [] })),
    width: label.width ?? 0,
    height: label.height ?? 0,
  };
}
