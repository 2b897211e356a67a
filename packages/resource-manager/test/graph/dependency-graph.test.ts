import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  InMemorySpanExporter,
  TracerProvider as SdkTracerProvider,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace';
import { PeerCollector, ResourceManager } from '../../src/index';

describe('generateDependencyGraph', () => {
  it('joins registered resources with peers seen in real spans; the DOT renders with Graphviz dot', async () => {
    const manager = new ResourceManager({ intervalMillis: 60_000 });
    manager.register({ id: 'main-db', type: 'pg', resource: {}, peer: '127.0.0.1:5432', name: 'main "db"' });
    manager.register({ id: 'cache', type: 'ioredis', resource: {}, peer: '127.0.0.1:6379' });
    manager.register({ id: 'workers', type: 'custom', resource: {} });

    const exporter = new InMemorySpanExporter();
    const peers = new PeerCollector({ serviceName: 'checkout' });
    const provider = new SdkTracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'checkout' }),
      spanProcessors: [new SimpleSpanProcessor({ exporter }), peers],
    });
    const tracer = provider.getTracer('test');
    const client = (name: string, attributes: Record<string, string | number>, error = false) => {
      const span = tracer.startSpan(name, { kind: SpanKind.CLIENT, attributes });
      if (error) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    };
    client('SELECT', {
      'db.system.name': 'postgresql',
      'server.address': '127.0.0.1',
      'server.port': 5432,
      'db.namespace': 'test',
    });
    client('SELECT', { 'db.system': 'postgresql', 'server.address': '127.0.0.1', 'server.port': 5432 }, true);
    client('GET', { 'db.system': 'redis', 'server.address': '127.0.0.1', 'server.port': 6379 });
    client('orders publish', {
      'messaging.system': 'rabbitmq',
      'messaging.destination.name': 'orders',
      'server.address': '127.0.0.1',
      'server.port': 5672,
    });
    client('GET', { 'http.request.method': 'GET', 'url.full': 'http://payments.internal:8080/charge' });
    // Server spans are not peers.
    tracer.startSpan('GET /', { kind: SpanKind.SERVER, attributes: { 'http.request.method': 'GET' } }).end();
    await provider.forceFlush();

    const graph = manager.generateDependencyGraph({ serviceName: 'checkout', spanSource: peers });
    const edge = (to: string) => graph.edges.find((e) => e.to === to);
    expect(graph.nodes.find((n) => n.id === 'database:127.0.0.1:5432')).toMatchObject({
      kind: 'database',
      resources: ['main-db'],
    });
    expect(edge('database:127.0.0.1:5432')).toMatchObject({
      from: 'service:checkout',
      calls: 2,
      errors: 1,
      source: 'both',
    });
    expect(edge('cache:127.0.0.1:6379')).toMatchObject({ calls: 1, source: 'both' });
    expect(edge('resource:workers')).toMatchObject({ calls: 0, source: 'registered' });
    expect(edge('queue:rabbitmq:127.0.0.1:5672')).toMatchObject({ calls: 1, source: 'spans' });
    expect(edge('http:http:payments.internal:8080')).toMatchObject({ calls: 1, source: 'spans' });
    expect(graph.edges).toHaveLength(5);

    // The same graph from the exporter's finished spans.
    const fromSpans = manager.generateDependencyGraph({
      serviceName: 'checkout',
      spans: exporter.getFinishedSpans(),
    });
    expect(fromSpans.toJson()).toBe(graph.toJson());

    const dir = await mkdtemp(join(tmpdir(), 'otelkit-graph-'));
    try {
      const dot = join(dir, 'deps.dot');
      await graph.exportDot(dot);
      const svg = execFileSync('dot', ['-Tsvg', dot], { encoding: 'utf8' });
      expect(svg).toContain('<svg');
      expect(svg).toContain('main &quot;db&quot;');
      expect(svg).toContain('checkout');
      const jsonFile = join(dir, 'deps.json');
      await graph.exportJson(jsonFile);
      const json = JSON.parse(await readFile(jsonFile, 'utf8'));
      expect(json.nodes).toHaveLength(graph.nodes.length);
      expect(json.edges).toHaveLength(5);
    } finally {
      await rm(dir, { recursive: true, force: true });
      await provider.shutdown();
      await manager.shutdown();
    }
  }, 60_000);

  it('PeerCollector is bounded and counts what it drops; it never throws on odd spans', () => {
    const peers = new PeerCollector({ maxPeers: 2 });
    for (let i = 0; i < 5; i++)
      peers.onEnd({ kind: 2, attributes: { 'db.system': 'postgresql', 'server.address': `h${i}` } });
    peers.onEnd({ attributes: null as never });
    expect(peers.peers()).toHaveLength(2);
    expect(peers.dropped).toBe(3);
    expect(() => new PeerCollector({ maxPeers: 0 })).toThrow(/maxPeers must be an integer >= 1/);
  });
});
