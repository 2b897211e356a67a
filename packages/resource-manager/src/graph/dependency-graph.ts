import { writeFile } from 'node:fs/promises';
import type { ResourceRegistration } from '../types';
import { type ObservedPeer, PeerCollector, type SpanLike } from './peer-collector';

/** Options of `generateDependencyGraph`. */
export interface DependencyGraphOptions {
  /** The service owning the registered resources. @default 'service' */
  readonly serviceName?: string;
  /** Finished spans to read peers from (e.g. `InMemorySpanExporter.getFinishedSpans()`). */
  readonly spans?: Iterable<SpanLike>;
  /** A {@link PeerCollector} (or anything with `peers()`) fed by the tracer. */
  readonly spanSource?: { peers(): ObservedPeer[] };
}

export interface GraphNode {
  readonly id: string;
  readonly label: string;
  /** `service`, or the peer category (`database`, `cache`, `queue`, `http`, `pool`, `rpc`, `custom`). */
  readonly kind: string;
  /** Registered resource ids merged into this node. */
  readonly resources: readonly string[];
  readonly address?: string;
}

export interface GraphEdge {
  readonly from: string;
  readonly to: string;
  /** Calls seen in spans (0 for a registered resource never seen in a span). */
  readonly calls: number;
  readonly errors: number;
  /** `registered`, `spans`, or `both`. */
  readonly source: 'registered' | 'spans' | 'both';
}

const SHAPES: Readonly<Record<string, string>> = {
  service: 'box',
  database: 'cylinder',
  cache: 'box3d',
  queue: 'cds',
  http: 'ellipse',
  rpc: 'ellipse',
  pool: 'component',
  custom: 'note',
};

/** Registered resources and observed peers as nodes and edges; render with {@link toDot} or {@link toJson}. */
export class DependencyGraph {
  constructor(
    readonly nodes: readonly GraphNode[],
    readonly edges: readonly GraphEdge[],
  ) {}

  /** Graphviz DOT (`dot -Tsvg deps.dot > deps.svg`). Every id and label is quoted and escaped. */
  toDot(): string {
    const lines = ['digraph dependencies {', '  rankdir=LR;', '  node [fontname="Helvetica"];'];
    for (const n of this.nodes) {
      const label = n.address && !n.label.includes(n.address) ? `${n.label}\n${n.address}` : n.label;
      lines.push(`  ${q(n.id)} [label=${q(label)}, shape=${SHAPES[n.kind] ?? 'ellipse'}];`);
    }
    for (const e of this.edges) {
      const label = e.calls > 0 ? `${e.calls} calls${e.errors > 0 ? `, ${e.errors} errors` : ''}` : '';
      const style = e.source === 'registered' ? ', style=dashed' : '';
      lines.push(`  ${q(e.from)} -> ${q(e.to)} [label=${q(label)}${style}];`);
    }
    lines.push('}');
    return `${lines.join('\n')}\n`;
  }

  toJson(): string {
    return JSON.stringify({ nodes: this.nodes, edges: this.edges }, null, 2);
  }

  async exportDot(path: string): Promise<void> {
    await writeFile(path, this.toDot(), 'utf8');
  }

  async exportJson(path: string): Promise<void> {
    await writeFile(path, this.toJson(), 'utf8');
  }
}

function q(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\r?\n/g, '\\n')}"`;
}

export function buildDependencyGraph(
  resources: readonly ResourceRegistration[],
  options: DependencyGraphOptions,
): DependencyGraph {
  const service = options.serviceName ?? 'service';
  let peers: ObservedPeer[] = [];
  if (options.spanSource) peers = options.spanSource.peers();
  if (options.spans) {
    const c = new PeerCollector({ serviceName: service, maxPeers: 10_000 });
    c.add(options.spans);
    peers = peers.concat(c.peers());
  }
  const nodes = new Map<
    string,
    { id: string; label: string; kind: string; resources: string[]; address?: string }
  >();
  const edges = new Map<string, GraphEdge>();
  const serviceNode = (name: string) => {
    const id = `service:${name}`;
    if (!nodes.has(id)) nodes.set(id, { id, label: name, kind: 'service', resources: [] });
    return id;
  };
  const addEdge = (from: string, to: string, calls: number, errors: number, src: 'registered' | 'spans') => {
    const key = `${from}\u0000${to}`;
    const old = edges.get(key);
    edges.set(key, {
      from,
      to,
      calls: (old?.calls ?? 0) + calls,
      errors: (old?.errors ?? 0) + errors,
      source: old && old.source !== src ? 'both' : src,
    });
  };
  // Registered resources first, so a span peer with the same address joins the resource's node.
  const byAddress = new Map<string, string>();
  const home = serviceNode(service);
  for (const r of resources) {
    const id = r.peer ? `${r.category}:${r.peer}` : `resource:${r.id}`;
    const node = nodes.get(id);
    if (node) node.resources.push(r.id);
    else
      nodes.set(id, {
        id,
        label: r.name ?? r.id,
        kind: r.category ?? 'custom',
        resources: [r.id],
        ...(r.peer ? { address: r.peer } : {}),
      });
    if (r.peer) byAddress.set(`${r.category}:${r.peer}`, id);
    addEdge(home, id, 0, 0, 'registered');
  }
  for (const p of peers) {
    const from = serviceNode(p.service);
    const cat = p.category === 'rpc' ? 'http' : p.category;
    const id = (p.address && byAddress.get(`${cat}:${p.address}`)) || p.key;
    if (!nodes.has(id))
      nodes.set(id, {
        id,
        label: p.target && p.target !== p.address ? `${p.system} ${p.target}` : `${p.system}`,
        kind: p.category,
        resources: [],
        ...(p.address ? { address: p.address } : {}),
      });
    addEdge(from, id, p.calls, p.errors, 'spans');
  }
  return new DependencyGraph([...nodes.values()], [...edges.values()]);
}
