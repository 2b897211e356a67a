// What a Nest app with Nest's default tsconfig sees: `module: commonjs` (so `moduleResolution:
// node`, node10, which ignores `exports`) and here `skipLibCheck: false`, importing the package
// and its `/terminus` subpath, and `@otelkit/metrics/fastify` / `/express`. A tsc-only check
// against the workspace's built `.d.ts` (run `pnpm build` first): the packages are linked into a
// temp app's node_modules, and each resolves its own dependencies from the workspace. The packed
// tarballs installed with npm are test/consumer.test.ts's job.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const REPO = path.resolve(__dirname, '..', '..', '..');
const PKG = path.join(REPO, 'packages', 'nestjs');

const MAIN = `
import 'reflect-metadata';
import { Controller, Get, Inject, Injectable, Module, Param } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { HealthCheckService, TerminusModule } from '@nestjs/terminus';
import { expressMetrics } from '@otelkit/metrics/express';
import { fastifyMetrics } from '@otelkit/metrics/fastify';
import {
  OTELKIT_MONITORING,
  OtelkitLogger,
  OtelkitModule,
  type OtelkitModuleAsyncOptions,
} from '@otelkit/nestjs';
import { OtelkitHealthIndicator } from '@otelkit/nestjs/terminus';
import { type Monitoring, monitored } from '@otelkit/service';

@Injectable()
@monitored()
class UsersService {
  constructor(@Inject(OTELKIT_MONITORING) readonly monitoring: Monitoring) {}
  async find(id: string): Promise<{ id: string }> {
    return { id };
  }
}

@Controller('users')
class UsersController {
  constructor(
    private readonly users: UsersService,
    private readonly health: HealthCheckService,
    private readonly otelkit: OtelkitHealthIndicator,
  ) {}
  @Get(':id')
  get(@Param('id') id: string) {
    return this.users.find(id);
  }
  @Get('ready')
  ready() {
    return this.health.check([() => this.otelkit.isHealthy('otelkit', 'readiness')]);
  }
}

const asyncOptions: OtelkitModuleAsyncOptions = {
  inject: ['NAME'],
  useFactory: async (name: string) => ({ service: { name } }),
};

@Module({
  imports: [OtelkitModule.forRootAsync(asyncOptions), TerminusModule],
  controllers: [UsersController],
  providers: [UsersService, OtelkitHealthIndicator, { provide: 'NAME', useValue: 'users' }],
})
class AppModule {}

export async function bootstrap(): Promise<void> {
  const app = await NestFactory.create(AppModule, { bufferLogs: true });
  const logger: OtelkitLogger = app.get(OtelkitLogger);
  app.useLogger(logger);
  const monitoring = app.get<Monitoring>(OTELKIT_MONITORING);
  void expressMetrics(monitoring.metrics);
  void fastifyMetrics(monitoring.metrics);
  void OtelkitModule.forRoot({ service: { name: 'users' } });
  await app.listen(0);
}
`;

const link = (app: string, name: string, target: string) => {
  const at = path.join(app, 'node_modules', name);
  fs.mkdirSync(path.dirname(at), { recursive: true });
  fs.symlinkSync(fs.realpathSync(target), at, 'dir');
};

describe('a Nest app with the default tsconfig (moduleResolution: node, skipLibCheck: false)', () => {
  let app: string;
  beforeAll(() => {
    app = fs.mkdtempSync(path.join(os.tmpdir(), 'otelkit-nest-node10-'));
  });
  afterAll(() => {
    if (app) fs.rmSync(app, { recursive: true, force: true });
  });

  it('type-checks @otelkit/nestjs, @otelkit/nestjs/terminus and @otelkit/metrics/fastify imports', () => {
    expect(fs.existsSync(path.join(PKG, 'dist', 'terminus.d.ts'))).toBe(true); // built
    for (const name of ['nestjs', 'metrics', 'service']) {
      link(app, `@otelkit/${name}`, path.join(REPO, 'packages', name));
    }
    for (const name of ['@nestjs/common', '@nestjs/core', '@nestjs/terminus', 'reflect-metadata', 'rxjs']) {
      link(app, name, path.join(PKG, 'node_modules', name));
    }
    link(app, '@opentelemetry/api', path.join(PKG, 'node_modules', '@opentelemetry', 'api'));
    link(app, '@types/node', path.join(REPO, 'node_modules', '@types', 'node'));
    fs.writeFileSync(path.join(app, 'main.ts'), MAIN);
    fs.writeFileSync(
      path.join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          // Nest CLI's generated tsconfig, with module commonjs implying node10 resolution
          module: 'commonjs',
          moduleResolution: 'node',
          target: 'ES2023',
          declaration: true,
          emitDecoratorMetadata: true,
          experimentalDecorators: true,
          allowSyntheticDefaultImports: true,
          strictNullChecks: true,
          forceConsistentCasingInFileNames: true,
          noImplicitAny: false,
          skipLibCheck: false,
          noEmit: true,
          types: ['node'],
        },
        files: ['main.ts'],
      }),
    );
    const tsc = path.join(REPO, 'node_modules', 'typescript', 'bin', 'tsc');
    let output = '';
    try {
      output = execFileSync(process.execPath, [tsc, '-p', 'tsconfig.json'], {
        cwd: app,
        encoding: 'utf8',
        timeout: 120_000,
      });
    } catch (err) {
      output = String((err as { stdout?: string }).stdout ?? err);
    }
    expect(output).toBe('');
  }, 150_000);
});
