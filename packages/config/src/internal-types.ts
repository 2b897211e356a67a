import type { LoggingDraft } from './slices/logging';
import type { MetricsDraft } from './slices/metrics';
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
  logging: LoggingDraft;
  metrics: MetricsDraft;
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
