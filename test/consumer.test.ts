/**
 * What a user gets: every package packed as its tarball (`pnpm pack` writes the real versions for
 * `workspace:*` and `catalog:`), installed with npm outside the monorepo next to the newest
 * `@opentelemetry/api` 1.x, then loaded by an ES module entry and a CommonJS entry that start
 * monitoring, trace, log, serve /metrics and shut down — on whichever Node runs the suite (CI runs
 * it on 24 and 22). The install must hold one copy of the OpenTelemetry SDK, and the ESM entry
 * must type-check against the shipped .d.ts files (nodenext, skipLibCheck: false). A Nest 11 app
 * with Nest's default tsconfig (node10 resolution) type-checks, compiles and runs against them too.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const REPO = path.resolve(__dirname, '..');
const PNPM = ['-y', 'pnpm@10.34.8'];
const exec = (cmd: string, args: string[], cwd: string, timeout = 240_000) =>
  execFileSync(cmd, args, { cwd, encoding: 'utf8', timeout, stdio: ['ignore', 'pipe', 'pipe'] });

const packages = fs
  .readdirSync(path.join(REPO, 'packages'))
  .filter((d) => fs.existsSync(path.join(REPO, 'packages', d, 'package.json')));

let app: string;

beforeAll(() => {
  app = fs.mkdtempSync(path.join(os.tmpdir(), 'otelkit-consumer-'));
  const tarballs = path.join(app, 'tarballs');
  fs.mkdirSync(tarballs);
  for (const d of packages) {
    exec('npx', [...PNPM, 'pack', '--pack-destination', tarballs], path.join(REPO, 'packages', d), 120_000);
  }
  // A Nest 11 app's own dependencies next to it (the @otelkit/nestjs app below; npm would add
  // @nestjs/common, @nestjs/core, rxjs and reflect-metadata as peers anyway), and fastify for the
  // type-check of @otelkit/metrics/fastify (an optional peer).
  const dependencies: Record<string, string> = {
    '@opentelemetry/api': '^1',
    '@nestjs/common': '^11',
    '@nestjs/core': '^11',
    '@nestjs/platform-express': '^11',
    '@nestjs/terminus': '^11',
    fastify: '^5',
    'reflect-metadata': '^0.2',
    rxjs: '^7',
  };
  for (const file of fs.readdirSync(tarballs)) {
    const name = `@otelkit/${file.replace(/^otelkit-/, '').replace(/-\d+\.\d+\.\d+\.tgz$/, '')}`;
    dependencies[name] = `file:tarballs/${file}`;
  }
  fs.writeFileSync(
    path.join(app, 'package.json'),
    JSON.stringify({ name: 'consumer', private: true, version: '1.0.0', dependencies }, null, 2),
  );
  exec('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], app, 480_000);
}, 600_000);

afterAll(() => {
  if (app) fs.rmSync(app, { recursive: true, force: true });
});

const MAIN = (kind: 'esm' | 'cjs') => `
${kind === 'esm' ? "import http from 'node:http';\nimport { startMonitoring } from '@otelkit/service';\nimport { withSpan } from '@otelkit/tracing';" : "const http = require('node:http');\nconst { startMonitoring } = require('@otelkit/service');\nconst { withSpan } = require('@otelkit/tracing');"}
const m = startMonitoring(
  {
    service: { name: 'consumer-${kind}' },
    logging: { level: 'info', outputs: [] },
    metrics: { collectors: ['prometheus'], exporters: ['handler'] },
    tracing: { exporter: 'memory' },
    resources: { enabled: false },
    shutdown: { handleSignals: false },
    instrumentations: false,
  },
  { env: {}, file: false },
);
(async () => {
  await withSpan('consumer-work', async () => m.logger.info('inside'));
  const spans = m.tracing.memoryExporter.getFinishedSpans().map((s) => s.name);
  const server = http.createServer(m.metrics.handler);
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const text = await (await fetch('http://127.0.0.1:' + server.address().port + '/metrics')).text();
  server.close();
  await m.shutdown();
  process.stdout.write(JSON.stringify({ node: process.version, spans, exposition: text.includes('target_info') }) + '\\n');
})();
`;

describe('the tarballs as published', () => {
  const tarballs = () => fs.readdirSync(path.join(app, 'tarballs')).map((f) => path.join(app, 'tarballs', f));

  it('one per package, each with the LICENSE and without build caches', () => {
    expect(tarballs()).toHaveLength(packages.length);
    const license = fs.readFileSync(path.join(REPO, 'LICENSE'), 'utf8');
    expect(license).toMatch(/Apache License\s+Version 2\.0/);
    for (const tgz of tarballs()) {
      const files = exec('tar', ['tzf', tgz], app).split('\n');
      expect([path.basename(tgz), files.filter((f) => f.endsWith('.tsbuildinfo'))]).toEqual([
        path.basename(tgz),
        [],
      ]);
      expect(exec('tar', ['xzf', tgz, '-O', 'package/LICENSE'], app)).toBe(license);
    }
  });

  it.each(packages)(
    '%s: publint --strict and arethetypeswrong (node10, node16 CJS/ESM, bundler) are clean',
    (d) => {
      const tgz = tarballs().find((t) => path.basename(t).startsWith(`otelkit-${d}-`))!;
      const bin = (name: string) => path.join(REPO, 'node_modules', '.bin', name);
      const run = (cmd: string, args: string[]) => {
        try {
          exec(cmd, args, app, 120_000);
          return 'ok';
        } catch (err) {
          const e = err as { stdout?: string; stderr?: string };
          return `${e.stdout ?? ''}${e.stderr ?? ''}`;
        }
      };
      expect(run(bin('publint'), ['run', tgz, '--strict'])).toBe('ok');
      expect(run(bin('attw'), ['--format', 'ascii', '--no-emoji', tgz])).toBe('ok');
    },
    150_000,
  );
});

describe('packed tarballs installed with npm into an app outside the monorepo', () => {
  it('installs one copy of the OpenTelemetry SDK next to the newest @opentelemetry/api 1.x', () => {
    const ls = JSON.parse(exec('npm', ['ls', '--all', '--json'], app)) as Tree;
    const versions = new Map<string, Set<string>>();
    walk(ls, versions);
    expect(versions.get('@otelkit/service')?.size).toBe(1);
    for (const name of [
      '@opentelemetry/api',
      '@opentelemetry/core',
      '@opentelemetry/resources',
      '@opentelemetry/sdk-trace',
      '@opentelemetry/sdk-metrics',
      '@opentelemetry/sdk-logs',
    ]) {
      expect([name, [...(versions.get(name) ?? [])]]).toEqual([name, [expect.any(String)]]);
    }
    expect(versions.has('@opentelemetry/sdk-trace-base')).toBe(false);
    expect([...(versions.get('@opentelemetry/api') ?? [])][0]).toMatch(/^1\.(1\d|[2-9]\d)\./);
  });

  it.each(['esm', 'cjs'] as const)(
    'a %s entry starts monitoring, traces, serves metrics and shuts down',
    (kind) => {
      const file = path.join(app, kind === 'esm' ? 'main.mjs' : 'main.cjs');
      fs.writeFileSync(file, MAIN(kind));
      const out = JSON.parse(exec(process.execPath, [file], app, 60_000).trim().split('\n').pop()!);
      expect(out).toEqual({ node: process.version, spans: ['consumer-work'], exposition: true });
    },
    90_000,
  );

  it('the cloud resource detectors are optional peers: not installed, and naming one is a ConfigError naming the package', () => {
    const manifest = JSON.parse(
      fs.readFileSync(path.join(app, 'node_modules', '@otelkit', 'service', 'package.json'), 'utf8'),
    ) as {
      peerDependencies: Record<string, string>;
      peerDependenciesMeta: Record<string, { optional: boolean }>;
    };
    expect(manifest.peerDependencies['@opentelemetry/resource-detector-aws']).toBe('^3.0.0');
    expect(manifest.peerDependenciesMeta['@opentelemetry/resource-detector-aws']).toEqual({ optional: true });
    expect(fs.existsSync(path.join(app, 'node_modules', '@opentelemetry', 'resource-detector-aws'))).toBe(
      false,
    );
    const file = path.join(app, 'cloud.cjs');
    fs.writeFileSync(
      file,
      [
        "const { startMonitoring } = require('@otelkit/service');",
        'try {',
        "  startMonitoring({ service: { detectors: ['all', 'aws'] }, logging: { outputs: [] }, tracing: { exporter: 'none' }, metrics: { exporters: [] }, resources: { enabled: false }, shutdown: { handleSignals: false } }, { env: {}, file: false });",
        "  let where; try { where = require.resolve('@opentelemetry/resource-detector-aws', { paths: [require.resolve('@otelkit/service')] }); } catch (e) { where = e.code; }",
        '  console.log(JSON.stringify({ threw: false, where }));',
        '} catch (err) {',
        '  console.log(JSON.stringify({ threw: err.name, issues: err.issues }));',
        '}',
      ].join('\n'),
    );
    // Not through the workspace's NODE_PATH (pnpm's `node` shim points it at the store, where the
    // detectors are installed as devDependencies): an app outside the monorepo has none.
    const { NODE_PATH: _, ...env } = process.env;
    const out = JSON.parse(
      execFileSync(process.execPath, [file], { cwd: app, encoding: 'utf8', timeout: 60_000, env })
        .trim()
        .split('\n')
        .pop()!,
    ) as {
      threw: string;
      issues: { path: string; message: string }[];
    };
    expect(out).toMatchObject({ threw: 'ConfigError' });
    expect(out.issues).toEqual([
      expect.objectContaining({
        path: 'service.detectors',
        message: expect.stringMatching(/"aws" needs @opentelemetry\/resource-detector-aws.*npm install/),
      }),
    ]);
  }, 90_000);

  it('type-checks a TypeScript ES module against the shipped .d.ts (nodenext, skipLibCheck: false)', () => {
    fs.writeFileSync(
      path.join(app, 'main.mts'),
      [
        "import { startMonitoring, type Monitoring } from '@otelkit/service';",
        "import { loadConfig } from '@otelkit/config';",
        "const config = loadConfig({ config: { service: { name: 'typed' } }, env: {}, file: false });",
        'const m: Monitoring = startMonitoring(config);',
        'void m.shutdown();',
        '',
      ].join('\n'),
    );
    fs.writeFileSync(
      path.join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'nodenext',
          moduleResolution: 'nodenext',
          target: 'es2022',
          strict: true,
          noEmit: true,
          skipLibCheck: false,
          types: ['node'],
        },
        files: ['main.mts'],
      }),
    );
    // @types/node from the monorepo (the app has none of its own)
    fs.mkdirSync(path.join(app, 'node_modules', '@types'), { recursive: true });
    const typesNode = path.join(app, 'node_modules', '@types', 'node');
    if (!fs.existsSync(typesNode))
      fs.symlinkSync(path.join(REPO, 'node_modules', '@types', 'node'), typesNode);
    const tsc = path.join(REPO, 'node_modules', 'typescript', 'bin', 'tsc');
    let output = '';
    try {
      output = exec(process.execPath, [tsc, '-p', 'tsconfig.json'], app, 120_000);
    } catch (err) {
      output = String((err as { stdout?: string }).stdout ?? err);
    }
    expect(output).toBe('');
  }, 150_000);
});

// A Nest app as `nest new` sets it up: CommonJS with legacy decorators and decorator metadata, and
// no moduleResolution (module commonjs means node10, which ignores `exports`: the subpaths resolve
// through `typesVersions`). Decorators applied the usual way, so the metadata is what Nest reads.
const NEST_MAIN = `
import 'reflect-metadata';
import * as http from 'node:http';
import { Controller, Get, Injectable, Module, Param } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { HealthCheck, HealthCheckService, TerminusModule } from '@nestjs/terminus';
import { fastifyMetrics } from '@otelkit/metrics/fastify';
import { OTELKIT_MONITORING, OtelkitLogger, OtelkitModule } from '@otelkit/nestjs';
import { OtelkitHealthIndicator } from '@otelkit/nestjs/terminus';
import { type Monitoring, monitored } from '@otelkit/service';

@Injectable()
@monitored()
class UsersService {
  async find(id: string): Promise<{ id: string }> {
    return { id };
  }
}

@Controller('users')
class UsersController {
  constructor(private readonly users: UsersService) {}
  @Get(':id')
  get(@Param('id') id: string) {
    return this.users.find(id);
  }
}

@Controller('health')
class HealthController {
  constructor(private readonly health: HealthCheckService, private readonly otelkit: OtelkitHealthIndicator) {}
  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check([() => this.otelkit.isHealthy('otelkit', 'readiness')]);
  }
}

@Module({
  imports: [
    OtelkitModule.forRoot(
      {
        service: { name: 'consumer-nest' },
        logging: { level: 'warn', outputs: [] },
        metrics: { collectors: ['prometheus'], exporters: ['handler'] },
        tracing: { exporter: 'memory' },
        resources: { enabled: false },
        shutdown: { handleSignals: false },
        instrumentations: false,
      },
      { env: {}, file: false },
    ),
    TerminusModule,
  ],
  controllers: [UsersController, HealthController],
  providers: [UsersService, OtelkitHealthIndicator],
})
class AppModule {}

async function main(): Promise<void> {
  const app = await NestFactory.create(AppModule, { bufferLogs: true });
  app.useLogger(app.get(OtelkitLogger));
  await app.listen(0, '127.0.0.1');
  const base = 'http://127.0.0.1:' + app.getHttpServer().address().port;
  const user = await (await fetch(base + '/users/7')).json();
  const ready = (await fetch(base + '/health/ready')).status;
  const m = app.get<Monitoring>(OTELKIT_MONITORING);
  void fastifyMetrics;
  const scrape = http.createServer(m.metrics.handler);
  await new Promise<void>((resolve) => scrape.listen(0, '127.0.0.1', resolve));
  const text = await (await fetch('http://127.0.0.1:' + (scrape.address() as { port: number }).port + '/metrics')).text();
  scrape.close();
  const spans = m.tracing.memoryExporter!.getFinishedSpans().map((s) => s.name).sort();
  await app.close();
  process.stdout.write(JSON.stringify({ user, ready, spans, route: text.includes('http_route="/users/:id"') }) + '\\n');
}
void main();
`;

describe('a Nest 11 app with the default tsconfig (moduleResolution node10, skipLibCheck: false)', () => {
  it('type-checks against the shipped .d.ts, compiles and serves RED metrics, spans and terminus health', () => {
    const dir = path.join(app, 'nest');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'main.ts'), NEST_MAIN);
    fs.writeFileSync(
      path.join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'commonjs',
          declaration: true,
          removeComments: true,
          emitDecoratorMetadata: true,
          experimentalDecorators: true,
          allowSyntheticDefaultImports: true,
          target: 'ES2023',
          sourceMap: true,
          outDir: './dist',
          strictNullChecks: true,
          forceConsistentCasingInFileNames: true,
          noImplicitAny: false,
          skipLibCheck: false,
          types: ['node'],
        },
        files: ['main.ts'],
      }),
    );
    fs.mkdirSync(path.join(app, 'node_modules', '@types'), { recursive: true });
    const typesNode = path.join(app, 'node_modules', '@types', 'node');
    if (!fs.existsSync(typesNode))
      fs.symlinkSync(path.join(REPO, 'node_modules', '@types', 'node'), typesNode);
    const tsc = path.join(REPO, 'node_modules', 'typescript', 'bin', 'tsc');
    let output = '';
    try {
      output = exec(process.execPath, [tsc, '-p', 'tsconfig.json'], dir, 150_000);
    } catch (err) {
      output = String((err as { stdout?: string }).stdout ?? err);
    }
    expect(output).toBe('');
    const out = JSON.parse(
      exec(process.execPath, [path.join(dir, 'dist', 'main.js')], dir, 60_000)
        .trim()
        .split('\n')
        .pop()!,
    );
    expect(out).toEqual({
      user: { id: '7' },
      ready: 200,
      spans: ['GET /users/:id', 'UsersController.get', 'UsersService.find'],
      route: true,
    });
  }, 240_000);
});

interface Tree {
  version?: string;
  dependencies?: Record<string, Tree>;
}

function walk(tree: Tree, out: Map<string, Set<string>>): void {
  for (const [name, child] of Object.entries(tree.dependencies ?? {})) {
    if (child.version !== undefined) {
      const set = out.get(name) ?? new Set<string>();
      set.add(child.version);
      out.set(name, set);
    }
    walk(child, out);
  }
}
