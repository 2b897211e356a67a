import {
  type DynamicModule,
  Global,
  Inject,
  type MiddlewareConsumer,
  Module,
  type NestModule,
  type OnApplicationShutdown,
  type Provider,
  RequestMethod,
} from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { checkOptionKeys } from '@otelkit/config';
import { type Monitoring, type StartMonitoringOptions, startMonitoring } from '@otelkit/service';
import { OtelkitHttpMiddleware } from './http-middleware';
import { OtelkitInterceptor } from './otelkit-interceptor';
import { OtelkitLogger } from './otelkit-logger';
import { OTELKIT_MONITORING } from './tokens';
import type { OtelkitModuleAsyncOptions, OtelkitModuleConfig } from './types';

const ASYNC_OPTION_KEYS = [
  'imports',
  'inject',
  'useFactory',
  'startOptions',
] as const satisfies readonly (keyof OtelkitModuleAsyncOptions)[];
// Compile-time: the list names every option (a new one that is not listed fails the build).
const _async_keys_complete: [
  Exclude<keyof OtelkitModuleAsyncOptions, (typeof ASYNC_OPTION_KEYS)[number]>,
] extends [never]
  ? true
  : never = true;
void _async_keys_complete;

function moduleOf(monitoring: Provider, imports: DynamicModule['imports'] = []): DynamicModule {
  return {
    module: OtelkitModule,
    global: true,
    imports,
    providers: [monitoring, OtelkitLogger, { provide: APP_INTERCEPTOR, useClass: OtelkitInterceptor }],
    exports: [OTELKIT_MONITORING, OtelkitLogger],
  };
}

/**
 * otelkit in a NestJS app, from the one otelkit config: starts monitoring (`startMonitoring`, the
 * same validation; a second module with the same config gets the running handle), provides the
 * handle under {@link OTELKIT_MONITORING} and the logger as {@link OtelkitLogger}, globally;
 * measures every request once (`http.server.request.duration` by route template, one SERVER span)
 * and gives each controller handler a span; shuts monitoring down when the app closes
 * (`app.close()`, or a signal with `app.enableShutdownHooks()`).
 *
 * @example
 * \@Module({ imports: [OtelkitModule.forRoot({ service: { name: 'users' } })], controllers: [UsersController] })
 * export class AppModule {}
 */
export class OtelkitModule implements NestModule, OnApplicationShutdown {
  constructor(private readonly _monitoring: Monitoring) {}

  /** Starts monitoring from `config` (and `options`: file, env, overrides) when Nest creates the app. */
  static forRoot(config: OtelkitModuleConfig = {}, options: StartMonitoringOptions = {}): DynamicModule {
    return moduleOf({ provide: OTELKIT_MONITORING, useFactory: () => startMonitoring(config, options) });
  }

  /**
   * Starts monitoring from the config a factory returns, with injected providers.
   *
   * @example
   * OtelkitModule.forRootAsync({
   *   imports: [ConfigModule],
   *   inject: [ConfigService],
   *   useFactory: (c: ConfigService) => ({ service: { name: c.get('SERVICE_NAME') } }),
   * })
   */
  static forRootAsync(options: OtelkitModuleAsyncOptions): DynamicModule {
    if (options === null || typeof options !== 'object')
      throw new Error('OtelkitModule.forRootAsync: options must be an object');
    checkOptionKeys(options, ASYNC_OPTION_KEYS, 'OtelkitModule.forRootAsync: options');
    const { useFactory, inject = [], imports = [], startOptions = {} } = options;
    if (typeof useFactory !== 'function')
      throw new Error(
        'OtelkitModule.forRootAsync: options.useFactory must be a function returning the config',
      );
    return moduleOf(
      {
        provide: OTELKIT_MONITORING,
        inject,
        useFactory: async (...args: unknown[]) => startMonitoring(await useFactory(...args), startOptions),
      },
      imports,
    );
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(OtelkitHttpMiddleware).forRoutes({ path: '{*path}', method: RequestMethod.ALL });
  }

  /** Flushes and shuts monitoring down (bounded by `config.shutdown.timeout`; never rejects). */
  async onApplicationShutdown(): Promise<void> {
    await this._monitoring.shutdown();
  }
}
// Applied as calls, not decorator syntax: the package compiles without experimentalDecorators.
Global()(OtelkitModule);
Module({})(OtelkitModule);
Inject(OTELKIT_MONITORING)(OtelkitModule, undefined, 0);
