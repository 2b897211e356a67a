import { resourceFromAttributes } from '@opentelemetry/resources';
import { checkOptionKeys, loadConfig, toResourceAttributes } from '@otelkit/config';
import { createLogger, type OtelkitLogger } from '@otelkit/logging';
import { getMonitoring } from '../start-monitoring';

/** Options of {@link ElasticLogger}: the seed's `index` and `hosts`, plus what otelkit adds. */
export interface ElasticLoggerOptions {
  /** Index (or, with `dataStream: true`, data stream) the lines go to. */
  readonly index: string;
  /**
   * The Elasticsearch node, as the seed writes it: `['elasticsearch:9200']`. `host:port` without a
   * scheme means `http://`; a URL (`https://es.internal:9200`) is taken as it is. One node:
   * otelkit's shipper has no failover between nodes, so a list of several is refused.
   * @default ['localhost:9200']
   */
  readonly hosts?: readonly string[] | string;
  /** Write with `create` into a data stream instead of `index` into an index. @default false */
  readonly dataStream?: boolean;
  /** @default the running monitoring's `logging.level`, else 'info' */
  readonly level?: string;
  /** Line format. @default 'ecs' */
  readonly format?: 'ecs' | 'json';
  /** `service.name` of the lines. @default the running monitoring's, else the config's (`OTEL_SERVICE_NAME`) */
  readonly serviceName?: string;
  /** Also write each line to stdout. @default false */
  readonly console?: boolean;
}

const OPTION_KEYS = [
  'index',
  'hosts',
  'dataStream',
  'level',
  'format',
  'serviceName',
  'console',
] as const satisfies readonly (keyof ElasticLoggerOptions)[];

/** `elasticsearch:9200` → `http://elasticsearch:9200`; URLs unchanged. */
export function elasticsearchNode(host: string): string {
  if (typeof host !== 'string' || host.trim().length === 0)
    throw new Error('ElasticLogger: each host must be a non-empty "host:port" or URL');
  const h = host.trim();
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(h) ? h : `http://${h}`;
}

/**
 * The seed's `ElasticLogger(index=…, hosts=[…])` (Monitoring Setup Guide, "ELK Stack
 * Integration"): a thin facade over `createLogger` of `@otelkit/logging` with one Elasticsearch
 * output, in ECS. The logger is the instance itself (`logger.info(…)`, `logger.child(…)`), plus
 * `flush()` and `shutdown()`; the config it runs is the one `loadConfig` builds from
 * `{ logging: { format: 'ecs', outputs: [{ type: 'elasticsearch', node, index, dataStream }] } }`,
 * environment included.
 *
 * @example
 * const logger = new ElasticLogger({ index: 'service-logs', hosts: ['elasticsearch:9200'] });
 * logger.info({ orderId: 'o-1' }, 'order placed');
 * await logger.shutdown();
 */
export class ElasticLogger {
  /** The pino logger the facade wraps. */
  readonly logger: OtelkitLogger;
  /** The first node (where shipping starts). */
  readonly node: string;
  /** Every node given, as URLs (`host:port` gets `http://`). */
  readonly nodes: readonly string[];
  readonly index: string;

  constructor(options: ElasticLoggerOptions) {
    if (!options || typeof options !== 'object')
      throw new Error('ElasticLogger: options must be an object with an index');
    checkOptionKeys(options, OPTION_KEYS, 'ElasticLogger');
    if (typeof options.index !== 'string' || options.index.length === 0)
      throw new Error('ElasticLogger: index must be a non-empty string');
    const hosts = options.hosts === undefined ? ['localhost:9200'] : [options.hosts].flat();
    if (hosts.length === 0) throw new Error('ElasticLogger: hosts must name at least one node');
    // Several hosts are the nodes of one cluster: a failed _bulk is retried on the next one.
    this.nodes = hosts.map((h) => elasticsearchNode(h));
    this.node = this.nodes[0]!;
    this.index = options.index;
    const running = getMonitoring()?.config;
    const config = loadConfig({
      config: {
        ...(options.serviceName !== undefined
          ? { service: { name: options.serviceName } }
          : running
            ? { service: { name: running.service.name } }
            : {}),
        logging: {
          level: (options.level ?? running?.logging.level ?? 'info') as never,
          format: options.format ?? 'ecs',
          outputs: [
            ...(options.console ? [{ type: 'console' as const }] : []),
            {
              type: 'elasticsearch',
              ...(this.nodes.length > 1 ? { nodes: [...this.nodes] } : { node: this.node }),
              index: options.index,
              dataStream: options.dataStream ?? false,
            },
          ],
        },
      },
    });
    this.logger = createLogger(config.logging, resourceFromAttributes(toResourceAttributes(config.service)), {
      handleSignals: false,
    });
  }

  trace(obj: unknown, msg?: string): void {
    this.logger.trace(obj as object, msg);
  }
  debug(obj: unknown, msg?: string): void {
    this.logger.debug(obj as object, msg);
  }
  info(obj: unknown, msg?: string): void {
    this.logger.info(obj as object, msg);
  }
  warn(obj: unknown, msg?: string): void {
    this.logger.warn(obj as object, msg);
  }
  /** `warning`, as Python's logging spells it. */
  warning(obj: unknown, msg?: string): void {
    this.logger.warn(obj as object, msg);
  }
  error(obj: unknown, msg?: string): void {
    this.logger.error(obj as object, msg);
  }
  fatal(obj: unknown, msg?: string): void {
    this.logger.fatal(obj as object, msg);
  }
  /** A child pino logger with bindings on every line. */
  child(bindings: Record<string, unknown>): ReturnType<OtelkitLogger['child']> {
    return this.logger.child(bindings);
  }
  /** Sends what is buffered. Never rejects. */
  flush(): Promise<void> {
    return this.logger.flush();
  }
  /** Flushes, then closes the output. Idempotent, never rejects. */
  shutdown(): Promise<void> {
    return this.logger.shutdown();
  }
}
