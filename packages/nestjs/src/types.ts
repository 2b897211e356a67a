import type { FactoryProvider, ModuleMetadata } from '@nestjs/common';
import type { OtelkitConfig, OtelkitConfigInput } from '@otelkit/config';
import type { StartMonitoringOptions } from '@otelkit/service';

/** What `OtelkitModule.forRoot` / `forRootAsync` start monitoring from: the one otelkit config. */
export type OtelkitModuleConfig = OtelkitConfigInput | OtelkitConfig;

/** Options of `OtelkitModule.forRootAsync`: the config comes from a factory with injected providers. */
export interface OtelkitModuleAsyncOptions {
  /** Modules whose exported providers `inject` names (e.g. `ConfigModule`). */
  imports?: ModuleMetadata['imports'];
  /** Providers passed to `useFactory`, in order. */
  inject?: FactoryProvider['inject'];
  /** Returns the config (or a promise of it); monitoring starts from it, validated as `startMonitoring` does. */
  // biome-ignore lint/suspicious/noExplicitAny: the injected providers, whatever `inject` names (as Nest's FactoryProvider)
  useFactory: (...args: any[]) => OtelkitModuleConfig | Promise<OtelkitModuleConfig>;
  /** The other config sources and the summary, as `startMonitoring`'s second argument. */
  startOptions?: StartMonitoringOptions;
}
