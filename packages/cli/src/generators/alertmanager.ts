/**
 * `alertmanager.yml` from the `monitoring.alertmanager` slice: routing by severity — critical
 * alerts page (the receivers listed for `critical`), warnings go to a channel (the receivers for
 * `warning`), anything else to `default` — and a warning is inhibited while the critical alert of
 * the same name fires for the same job and instance.
 */
import { formatPromDuration, type OtelkitConfig, type ReceiverConfig } from '@otelkit/config';

export interface AlertmanagerRoute {
  readonly receiver: string;
  readonly matchers?: readonly string[];
  readonly group_by?: readonly string[];
  readonly group_wait?: string;
  readonly group_interval?: string;
  readonly repeat_interval?: string;
  readonly continue?: boolean;
  readonly routes?: readonly AlertmanagerRoute[];
}

export interface AlertmanagerConfigFile {
  readonly global: { readonly resolve_timeout: string };
  readonly route: AlertmanagerRoute;
  readonly receivers: ReadonlyArray<{
    readonly name: string;
    readonly webhook_configs?: ReadonlyArray<{
      readonly url: string;
      readonly send_resolved: boolean;
      readonly max_alerts: number;
    }>;
  }>;
  readonly inhibit_rules: ReadonlyArray<{
    readonly source_matchers: readonly string[];
    readonly target_matchers: readonly string[];
    readonly equal: readonly string[];
  }>;
}

function routesFor(
  receivers: readonly ReceiverConfig[],
  severity: 'critical' | 'warning',
  repeatMillis: number,
): AlertmanagerRoute[] {
  const matching = receivers.filter((r) => r.severities.includes(severity));
  return matching.map((r, i) => ({
    receiver: r.name,
    matchers: [`severity="${severity}"`],
    // critical pages again at most every hour while it lasts; warnings at the configured pace
    repeat_interval: formatPromDuration(
      severity === 'critical' ? Math.min(repeatMillis, 3_600_000) : repeatMillis,
    ),
    // more than one receiver per severity: each gets it
    ...(i < matching.length - 1 ? { continue: true } : {}),
  }));
}

export function generateAlertmanagerConfig(config: OtelkitConfig): AlertmanagerConfigFile {
  const a = config.monitoring.alertmanager;
  return {
    global: { resolve_timeout: '5m' },
    route: {
      receiver: 'default',
      group_by: [...a.groupBy],
      group_wait: formatPromDuration(a.groupWaitMillis),
      group_interval: formatPromDuration(a.groupIntervalMillis),
      repeat_interval: formatPromDuration(a.repeatIntervalMillis),
      routes: [
        ...routesFor(a.receivers, 'critical', a.repeatIntervalMillis),
        ...routesFor(a.receivers, 'warning', a.repeatIntervalMillis),
      ],
    },
    receivers: [
      // not routed anywhere else: visible in the Alertmanager UI and Grafana, sent nowhere
      { name: 'default' },
      ...a.receivers.map((r) => ({
        name: r.name,
        webhook_configs: [{ url: r.url, send_resolved: r.sendResolved, max_alerts: 20 }],
      })),
    ],
    inhibit_rules: [
      // the warning of an alert is moot while its critical level fires
      {
        source_matchers: ['severity="critical"'],
        target_matchers: ['severity="warning"'],
        equal: ['alertname', 'job', 'instance'],
      },
      // the baseline pairs: a blocked event loop also raises the delay warning; a service that
      // cannot be scraped has no latency worth a warning
      {
        source_matchers: ['alertname="OtelkitEventLoopBlocked"'],
        target_matchers: ['alertname="OtelkitEventLoopDelayHigh"'],
        equal: ['job', 'instance'],
      },
      {
        source_matchers: ['alertname="OtelkitTargetDown"'],
        target_matchers: ['severity="warning"'],
        equal: ['job'],
      },
    ],
  };
}

/** The Alertmanager config with webhook URLs reduced to their origin, for printing. */
export function maskAlertmanagerConfig(file: AlertmanagerConfigFile): AlertmanagerConfigFile {
  return {
    ...file,
    receivers: file.receivers.map((r) =>
      r.webhook_configs
        ? {
            ...r,
            webhook_configs: r.webhook_configs.map((w) => ({ ...w, url: `${new URL(w.url).origin}/***` })),
          }
        : r,
    ),
  };
}
