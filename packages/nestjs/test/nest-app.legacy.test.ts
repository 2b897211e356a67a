// A real Nest 11 app on Express and on Fastify (legacy decorators + emitDecoratorMetadata, as Nest's own tsconfig
// has them), driven by real HTTP requests: RED metrics by route template through the Prometheus
// handler, spans from the memory exporter, log lines from the file output, terminus health.
import 'reflect-metadata';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  Controller,
  Get,
  type INestApplication,
  Inject,
  Injectable,
  Logger,
  Module,
  NotFoundException,
  Param,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { HealthCheck, HealthCheckService, TerminusModule } from '@nestjs/terminus';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { ATTR_CODE_FUNCTION_NAME, ATTR_HTTP_ROUTE, ATTR_URL_PATH } from '@opentelemetry/semantic-conventions';
import type { OtelkitConfigInput } from '@otelkit/config';
import { OTELKIT_MONITORING, OtelkitLogger, OtelkitModule } from '@otelkit/nestjs';
import { OtelkitHealthIndicator } from '@otelkit/nestjs/terminus';
import { getMonitoring, type Monitoring, monitored } from '@otelkit/service';

const dir = mkdtempSync(join(tmpdir(), 'otelkit-nest-'));
let logFile = join(dir, 'app.log');

const config: OtelkitConfigInput = {
  service: { name: 'nest-users' },
  logging: { level: 'debug', outputs: [{ type: 'file', path: join(dir, 'app.log') }] },
  metrics: { collectors: ['prometheus'], exporters: ['handler'] },
  tracing: { sampler: 'always_on', exporter: 'memory' },
  resources: { enabled: false },
  shutdown: { timeout: '3s', handleSignals: false },
  instrumentations: false,
};

class NotFoundUser extends RangeError {}

@Injectable()
@monitored()
class UsersService {
  async find(id: string): Promise<{ id: string }> {
    if (id === 'boom') throw new NotFoundUser('the store is down');
    return { id };
  }
}

@Controller('users')
class UsersController {
  private readonly log = new Logger(UsersController.name);
  constructor(private readonly users: UsersService) {}

  @Get(':id')
  async get(@Param('id') id: string): Promise<{ id: string }> {
    this.log.log(`looking up ${id}`);
    return this.users.find(id);
  }

  @Get(':id/orders')
  orders(@Param('id') id: string): never {
    throw new NotFoundException(`no orders for ${id}`);
  }
}

let dbUp = true;
let dbDegraded = false;

@Controller('health')
class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly otelkit: OtelkitHealthIndicator,
  ) {}

  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check([() => this.otelkit.isHealthy('otelkit', 'readiness')]);
  }
}

function appModule(log: string) {
  @Module({
    imports: [
      OtelkitModule.forRoot(
        { ...config, logging: { level: 'debug', outputs: [{ type: 'file', path: log }] } },
        { env: {}, file: false },
      ),
      TerminusModule,
    ],
    controllers: [UsersController, HealthController],
    providers: [UsersService, OtelkitHealthIndicator],
  })
  class AppModule {}
  return AppModule;
}

async function scrape(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  const server = createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  try {
    return await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  } finally {
    server.close();
  }
}

/** The `_count` series of one family in the 0.0.4 text, with their labels. */
function counts(text: string, family: string): { labels: string; count: number }[] {
  return text
    .split('\n')
    .filter((l) => l.startsWith(`${family}_count{`))
    .map((l) => ({
      labels: l.slice(l.indexOf('{'), l.lastIndexOf('}') + 1),
      count: Number(l.split(' ').pop()),
    }));
}

describe.each(['express', 'fastify'] as const)('OtelkitModule in a real Nest 11 app (%s)', (platform) => {
  let app: INestApplication;
  let url: string;
  let monitoring: Monitoring;

  beforeAll(async () => {
    logFile = join(dir, `${platform}.log`);
    const AppModule = appModule(logFile);
    const options = { bufferLogs: true, abortOnError: false };
    app =
      platform === 'express'
        ? await NestFactory.create(AppModule, options)
        : await NestFactory.create(AppModule, new FastifyAdapter(), options);
    app.useLogger(app.get(OtelkitLogger));
    await app.listen(0, '127.0.0.1');
    url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    monitoring = app.get<Monitoring>(OTELKIT_MONITORING);
    monitoring.health.register({
      name: 'db',
      check: () => (dbDegraded ? { healthy: true, degraded: true, message: 'replica lagging' } : dbUp),
      cacheMillis: 0,
    });
    for (const id of ['1', '2', '3']) expect((await fetch(`${url}/users/${id}`)).status).toBe(200);
    expect((await fetch(`${url}/users/boom`)).status).toBe(500);
    expect((await fetch(`${url}/users/7/orders`)).status).toBe(404);
    expect((await fetch(`${url}/nowhere/9`)).status).toBe(404);
    expect((await fetch(`${url}/health/ready`)).status).toBe(200);
  });

  afterAll(async () => {
    await app?.close();
  });

  it('provides the running monitoring handle, started from the one config', () => {
    expect(monitoring).toBe(getMonitoring());
    expect(monitoring.config.service.name).toBe('nest-users');
  });

  it('records one http.server.request.duration stream per route template and status, never the raw URL', async () => {
    const text = await scrape(monitoring.metrics.handler);
    const lines = text.split('\n');
    expect(lines.filter((l) => l.startsWith('# HELP http_server_request_duration ')).length).toBe(1);
    const series = counts(text, 'http_server_request_duration');
    const ok = series.filter(
      (s) => s.labels.includes('http_route="/users/:id"') && s.labels.includes('status_code="200"'),
    );
    expect(ok).toHaveLength(1);
    expect(ok[0]!.count).toBe(3);
    const failed = series.filter((s) => s.labels.includes('status_code="500"'));
    expect(failed).toHaveLength(1);
    expect(failed[0]!.labels).toContain('http_route="/users/:id"');
    expect(failed[0]!.labels).toContain('error_type="NotFoundUser"');
    const notFound = series.filter((s) => s.labels.includes('status_code="404"'));
    expect(notFound.map((s) => /http_route="([^"]*)"/.exec(s.labels)?.[1]).sort()).toEqual([
      '/users/:id/orders',
      undefined,
    ]);
    expect(notFound.every((s) => !s.labels.includes('error_type'))).toBe(true);
    expect(text).not.toMatch(/users\/1"|users\/boom|nowhere/);
    // the health endpoint is on the ignored paths: never measured
    expect(text).not.toContain('/health');
  });

  it('makes one SERVER span per request, named by route, with the handler span and @monitored spans under it', () => {
    const spans = monitoring.tracing.memoryExporter!.getFinishedSpans();
    const server = spans.filter((s) => s.kind === SpanKind.SERVER);
    expect(server.map((s) => s.name).sort()).toEqual([
      'GET',
      'GET /users/:id',
      'GET /users/:id',
      'GET /users/:id',
      'GET /users/:id',
      'GET /users/:id/orders',
    ]);
    const first = server.find((s) => s.name === 'GET /users/:id')!;
    expect(first.attributes[ATTR_HTTP_ROUTE]).toBe('/users/:id');
    // the path as requested (Nest on Fastify strips it from the middleware's req.url)
    expect(first.attributes[ATTR_URL_PATH]).toMatch(/^\/users\/(1|2|3|boom)$/);
    const trace = spans.filter((s) => s.spanContext().traceId === first.spanContext().traceId);
    const handler = trace.find((s) => s.name === 'UsersController.get')!;
    expect(handler.kind).toBe(SpanKind.INTERNAL);
    expect(handler.attributes[ATTR_CODE_FUNCTION_NAME]).toBe('UsersController.get');
    expect(handler.parentSpanContext?.spanId).toBe(first.spanContext().spanId);
    const provider = trace.find((s) => s.name === 'UsersService.find')!;
    expect(provider.parentSpanContext?.spanId).toBe(handler.spanContext().spanId);

    const handlers = spans.filter((s) => s.name === 'UsersController.get');
    expect(handlers.map((s) => s.status.code).sort()).toEqual([
      SpanStatusCode.UNSET,
      SpanStatusCode.UNSET,
      SpanStatusCode.UNSET,
      SpanStatusCode.ERROR,
    ]);
    // requests on the ignored paths (the terminus endpoint here) get no handler span either
    expect(spans.filter((s) => s.name === 'HealthController.ready')).toEqual([]);
    // an expected 4xx (HttpException) is not a failure of the handler
    expect(spans.find((s) => s.name === 'UsersController.orders')!.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('is the Nest LoggerService: context as a field, lines correlated with the request trace', async () => {
    await monitoring.logger.flush();
    const lines = readFileSync(logFile, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const lookup = lines.find((l) => l.msg === 'looking up 1')!;
    expect(lookup.context).toBe('UsersController');
    expect(lookup.level).toBe(30);
    const spans = monitoring.tracing.memoryExporter!.getFinishedSpans();
    const handler = spans.find(
      (s) => s.name === 'UsersController.get' && s.spanContext().traceId === lookup.trace_id,
    );
    expect(handler).toBeDefined();
    expect(lookup.span_id).toBe(handler!.spanContext().spanId);
    // Nest's own bootstrap lines (buffered until useLogger) came through it too
    expect(lines.some((l) => l.context === 'RoutesResolver')).toBe(true);
    // the unhandled error Nest's exception filter logs
    const error = lines.find((l) => l.level === 50 && l.context === 'ExceptionsHandler');
    expect(error).toBeDefined();
  });

  it('reports the health registry through terminus: 200 while ready, 503 when a readiness check fails', async () => {
    const up = await fetch(`${url}/health/ready`);
    expect(up.status).toBe(200);
    const body = (await up.json()) as {
      status: string;
      info: Record<string, { status: string; checks: unknown }>;
    };
    expect(body.status).toBe('ok');
    expect(body.info.otelkit!.status).toBe('up');
    expect(body.info.otelkit!.checks).toMatchObject({ db: { status: 'pass' } });
    // degraded is still up (otelkit's own /health answers 200 with status warn)
    dbDegraded = true;
    const degraded = await fetch(`${url}/health/ready`);
    expect(degraded.status).toBe(200);
    const warned = (await degraded.json()) as typeof body;
    expect(warned.info.otelkit!.checks).toMatchObject({ db: { status: 'warn', message: 'replica lagging' } });
    dbDegraded = false;
    dbUp = false;
    const down = await fetch(`${url}/health/ready`);
    expect(down.status).toBe(503);
    const failed = (await down.json()) as {
      status: string;
      error: Record<string, { status: string; checks: unknown }>;
    };
    expect(failed.status).toBe('error');
    expect(failed.error.otelkit!.status).toBe('down');
    expect(failed.error.otelkit!.checks).toMatchObject({ db: { status: 'fail' } });
    dbUp = true;
  });
});

describe('OtelkitModule lifecycle', () => {
  it('forRootAsync starts monitoring from an injected config; app.close() shuts it down', async () => {
    @Module({ providers: [{ provide: 'SERVICE_NAME', useValue: 'nest-async' }], exports: ['SERVICE_NAME'] })
    class SettingsModule {}

    @Injectable()
    class Probe {
      constructor(@Inject(OTELKIT_MONITORING) readonly monitoring: Monitoring) {}
    }

    @Module({
      imports: [
        OtelkitModule.forRootAsync({
          imports: [SettingsModule],
          inject: ['SERVICE_NAME'],
          useFactory: async (name: string) => ({ ...config, service: { name } }),
          startOptions: { env: {}, file: false },
        }),
      ],
      providers: [Probe],
    })
    class AsyncModule {}

    const app = await NestFactory.create(AsyncModule, { logger: false, abortOnError: false });
    await app.init();
    const m = app.get(Probe).monitoring;
    expect(m.config.service.name).toBe('nest-async');
    expect(getMonitoring()).toBe(m);
    await app.close();
    expect(getMonitoring()).toBeUndefined();
  });

  it('a bad config fails app creation with the ConfigError naming the field', async () => {
    @Module({
      imports: [
        OtelkitModule.forRoot({ service: { name: 'x' }, tracing: { sampler: 7 } } as never, {
          env: {},
          file: false,
        }),
      ],
    })
    class BadModule {}
    await expect(NestFactory.create(BadModule, { logger: false, abortOnError: false })).rejects.toThrow(
      /tracing\.sampler/,
    );
    expect(getMonitoring()).toBeUndefined();
  });

  it('forRootAsync refuses unknown option keys and a missing factory', () => {
    expect(() => OtelkitModule.forRootAsync({ useFactory: () => ({}), injects: [] } as never)).toThrow(
      /injects/,
    );
    expect(() => OtelkitModule.forRootAsync({} as never)).toThrow(/useFactory/);
  });
});
