import { checkOptionKeys } from '@otelkit/config';
import type { ResourceCategory } from '../types';

/** The parts of a finished span the graph reads (an SDK `ReadableSpan` fits). */
export interface SpanLike {
  readonly name?: string;
  /** `SpanKind`: 2 = CLIENT, 4 = PRODUCER, 3 = SERVER, 5 = CONSUMER. */
  readonly kind?: number;
  readonly attributes: Readonly<Record<string, unknown>>;
  readonly status?: { readonly code?: number };
  readonly resource?: { readonly attributes: Readonly<Record<string, unknown>> };
}

/** A peer a service talks to, as seen in a span. */
export interface ObservedPeer {
  /** Stable key: `<category>:<system>:<address>`. */
  readonly key: string;
  readonly service: string;
  readonly category: ResourceCategory | 'rpc';
  /** `postgresql`, `redis`, `rabbitmq`, `http`… */
  readonly system: string;
  /** `host:port` when known. */
  readonly address: string;
  /** Database name, queue / topic, or host. */
  readonly target?: string;
  calls: number;
  errors: number;
}

const CACHE_SYSTEMS = new Set(['redis', 'memcached']);

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 ? v : typeof v === 'number' ? String(v) : undefined;
}

/** Reads the peer of a CLIENT/PRODUCER span from its semantic-convention attributes; undefined when none. */
export function peerOfSpan(
  span: SpanLike,
  defaultService: string,
): Omit<ObservedPeer, 'calls' | 'errors'> | undefined {
  const a = span.attributes ?? {};
  const kind = span.kind;
  if (kind !== undefined && kind !== 2 && kind !== 4) return undefined;
  const service = str(span.resource?.attributes?.['service.name']) ?? defaultService;
  const host = str(a['server.address']) ?? str(a['net.peer.name']) ?? str(a['network.peer.address']);
  const port = str(a['server.port']) ?? str(a['net.peer.port']) ?? str(a['network.peer.port']);
  let address = host ? (port ? `${host}:${port}` : host) : '';
  const dbSystem = str(a['db.system.name']) ?? str(a['db.system']);
  const msgSystem = str(a['messaging.system']);
  let category: ObservedPeer['category'];
  let system: string;
  let target: string | undefined;
  if (dbSystem) {
    system = dbSystem;
    category = CACHE_SYSTEMS.has(dbSystem) ? 'cache' : 'database';
    target = str(a['db.namespace']) ?? str(a['db.name']);
  } else if (msgSystem) {
    system = msgSystem;
    category = 'queue';
    target = str(a['messaging.destination.name']);
  } else if (str(a['http.request.method']) ?? str(a['http.method'])) {
    system = 'http';
    category = 'http';
    if (!address) {
      const url = str(a['url.full']) ?? str(a['http.url']);
      if (url) {
        try {
          const u = new URL(url);
          address = u.port ? `${u.hostname}:${u.port}` : u.hostname;
        } catch {
          /* not a URL: leave the address empty */
        }
      }
    }
    target = address || undefined;
  } else if (str(a['rpc.system'])) {
    system = str(a['rpc.system'])!;
    category = 'rpc';
    target = str(a['rpc.service']);
  } else {
    return undefined;
  }
  if (!address && !target) return undefined;
  return {
    key: `${category}:${system}:${address || target}`,
    service,
    category,
    system,
    address,
    ...(target ? { target } : {}),
  };
}

/**
 * A span processor that remembers which peers each service called (bounded), for
 * `generateDependencyGraph({ spanSource })`. Wire it when the TracerProvider is built
 * (`new SdkTracerProvider({ spanProcessors: [collector] })`).
 *
 * @example
 * const peers = new PeerCollector({ serviceName: 'checkout' });
 * const provider = new SdkTracerProvider({ spanProcessors: [peers, exportProcessor] });
 * manager.generateDependencyGraph({ spanSource: peers }).exportDot('deps.dot');
 */
export class PeerCollector {
  private readonly _peers = new Map<string, ObservedPeer>();
  private readonly _max: number;
  private readonly _service: string;
  /** Peers not kept because `maxPeers` was reached. */
  dropped = 0;

  constructor(options: { serviceName?: string; maxPeers?: number } = {}) {
    checkOptionKeys(options, ['serviceName', 'maxPeers'], 'PeerCollector');
    this._service = options.serviceName ?? 'service';
    this._max = options.maxPeers ?? 1000;
    if (!Number.isInteger(this._max) || this._max < 1)
      throw new Error(
        `PeerCollector: options.maxPeers must be an integer >= 1, got ${String(options.maxPeers)}`,
      );
  }

  /** Adds spans (also what `onEnd` does). */
  add(spans: Iterable<SpanLike>): void {
    for (const span of spans) this.onEnd(span);
  }

  onStart(): void {}

  onEnd(span: SpanLike): void {
    try {
      const peer = peerOfSpan(span, this._service);
      if (!peer) return;
      const id = `${peer.service}\u0000${peer.key}`;
      let p = this._peers.get(id);
      if (!p) {
        if (this._peers.size >= this._max) {
          this.dropped++;
          return;
        }
        p = { ...peer, calls: 0, errors: 0 };
        this._peers.set(id, p);
      }
      p.calls++;
      if (span.status?.code === 2) p.errors++;
    } catch {
      // never throw into the tracer
    }
  }

  /** Peers seen so far. */
  peers(): ObservedPeer[] {
    return [...this._peers.values()].map((p) => ({ ...p }));
  }

  async forceFlush(): Promise<void> {}
  async shutdown(): Promise<void> {}
}
