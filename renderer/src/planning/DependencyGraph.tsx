import { useId, useMemo } from 'react';
import type { RequestBoard, RequestPlan, RequestSummary } from '../../../main/contract/requests';
import { NODE_HEIGHT, NODE_WIDTH, layoutGraph, type GraphNode } from './graph-layout';

const KIND_LABEL: Record<GraphNode['kind'], string> = { done: 'done', waiting: 'waiting', ready: 'can start', cycle: 'in a cycle', missing: 'not found' };

/** The `blocked_by` graph: each arrow runs from a blocker to the request waiting on it. */
export function DependencyGraph({ plan, board, onOpen }: { plan: RequestPlan; board: RequestBoard; onOpen(request: RequestSummary): void }) {
  const graph = useMemo(() => layoutGraph(plan, board.requests), [plan, board.requests]);
  const arrowId = useId().replace(/:/g, '');
  const byFile = useMemo(() => new Map(board.requests.map((request) => [request.file, request])), [board.requests]);

  if (graph.nodes.length === 0) {
    return (
      <p className="muted plan-empty" data-testid="graph-empty">
        No request names another in <code>blocked_by</code> yet. Add <code>blocked_by: [20260413_schema.md]</code> to a request's front matter to draw it here.
      </p>
    );
  }
  const open = (node: GraphNode) => {
    const request = byFile.get(node.id);
    if (request) onOpen(request);
  };
  return (
    <div className="plan-graph-scroll">
      <svg className="plan-graph" width={graph.width} height={graph.height} viewBox={`0 0 ${graph.width} ${graph.height}`} role="group" aria-label="Dependency graph" data-testid="dependency-graph">
        <defs>
          <marker id={`${arrowId}-arrow`} viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
            <path d="M 0 0 L 10 5 L 0 10 z" className="plan-arrow" />
          </marker>
        </defs>
        {graph.edges.map((edge) => (
          <path
            key={`${edge.from}→${edge.to}`}
            className={edge.cycle ? 'plan-edge plan-edge-cycle' : 'plan-edge'}
            d={edge.points.map((point, index) => `${index === 0 ? 'M' : 'L'} ${point.x} ${point.y}`).join(' ')}
            markerEnd={`url(#${arrowId}-arrow)`}
            data-testid="graph-edge"
            data-from={edge.from}
            data-to={edge.to}
          />
        ))}
        {graph.nodes.map((node) => (
          <g
            key={node.id}
            transform={`translate(${node.x} ${node.y})`}
            className={`plan-node plan-node-${node.kind}`}
            data-testid="graph-node"
            data-file={node.id}
            data-kind={node.kind}
            role={node.kind === 'missing' ? 'img' : 'button'}
            tabIndex={node.kind === 'missing' ? undefined : 0}
            aria-label={`${node.title}: ${KIND_LABEL[node.kind]}${node.problem ? `. ${node.problem}` : ''}`}
            onClick={() => open(node)}
            onKeyDown={(event) => {
              if (event.key === 'Enter' || event.key === ' ') {
                event.preventDefault();
                open(node);
              }
            }}
          >
            <title>{node.problem ?? node.title}</title>
            <rect width={NODE_WIDTH} height={NODE_HEIGHT} rx="8" />
            <text x="10" y="22" className="plan-node-title">
              {clip(node.title, 28)}
            </text>
            <text x="10" y="42" className="plan-node-meta">
              {node.kind === 'missing' ? 'no such request' : `${node.to ? `→ ${clip(node.to, 16)} · ` : ''}${KIND_LABEL[node.kind]}`}
            </text>
          </g>
        ))}
      </svg>
    </div>
  );
}

function clip(text: string, length: number): string {
  return text.length > length ? `${text.slice(0, length - 1)}…` : text;
}
