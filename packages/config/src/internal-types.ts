import type { PartialLogOutput } from './slices/logging';
import type { PartialMetricExporter } from './slices/metrics';
import type { MonitoringParsed } from './slices/monitoring';
import type { TracingDraft } from './slices/tracing';
import type { OtelkitConfig } from './types';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export type { DraftOtlp } from './fields/otlp';

/** The merged config before derived defaults are filled in; the env layer edits it in place. */
export interface Draft {
  enabled: boolean;
  service: Mutable<Omit<OtelkitConfig['service'], 'attributes'>> & {
    attributes: Record<string, string | number | boolean>;
  };
  logging: Mutable<Omit<OtelkitConfig['logging'], 'outputs'>> & { outputs: PartialLogOutput[] };
  metrics: Mutable<Omit<OtelkitConfig['metrics'], 'exporters' | 'http' | 'shutdownTimeoutMillis'>> & {
    exporters: PartialMetricExporter[];
    http: { ignorePaths?: readonly string[]; serverSpans?: boolean };
    /** Unset unless a layer gives it: `finalize` takes the one budget, `shutdown.timeoutMillis`. */
    shutdownTimeoutMillis?: number;
  };
  tracing: TracingDraft;
  resources: Mutable<OtelkitConfig['resources']>;
  alerts: Mutable<OtelkitConfig['alerts']>;
  health: Mutable<OtelkitConfig['health']>;
  shutdown: Mutable<OtelkitConfig['shutdown']>;
  instrumentations: Mutable<OtelkitConfig['instrumentations']>;
  diagnostics: Mutable<OtelkitConfig['diagnostics']>;
  pools: OtelkitConfig['pools'];
  /** The monitoring slice's own fields as layers gave them; defaults filled in by `finalize`. */
  monitoring: MonitoringParsed['slice'];
  dashboard: Partial<Omit<OtelkitConfig['dashboard'], 'buffer'>> & {
    buffer?: Partial<Exclude<OtelkitConfig['dashboard']['buffer'], false>> | false;
  };
}
