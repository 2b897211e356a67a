/**
 * Grafana dashboards from `monitoring.visualization.dashboards` (the seed's "Performance" and
 * "Resources" by default): one panel per configured panel, typed (timeseries / gauge / stat /
 * table / heatmap / logs), its PromQL from the metric catalog on both naming paths (refId A: the
 * direct scrape, B: through the Collector; only one returns data for a given service), units from
 * the catalog, thresholds from the config's alerts on the same metric, template variables
 * `service`, `instance` and `route`, exemplars (linked to the Jaeger datasource by the Prometheus
 * datasource's provisioning), and logs from Elasticsearch with a link to Kibana by `trace.id`.
 *
 * The objects are checked against `@grafana/schema`'s `Dashboard` type when this file compiles
 * (`satisfies`), so a Grafana schema change that breaks them fails the build.
 */
import type { Dashboard, ThresholdsMode } from '@grafana/schema';
import {
  catalogPromQL,
  findCatalogEntry,
  type GrafanaDashboardConfig,
  type MetricCatalogEntry,
  type OtelkitConfig,
  type PanelConfig,
  type PrometheusPath,
} from '@otelkit/config';

export interface GrafanaOptions {
  /** uid of the Prometheus datasource. @default 'prometheus' */
  readonly prometheusUid?: string;
  /** uid of the Elasticsearch datasource (logs). @default 'elasticsearch' */
  readonly elasticsearchUid?: string;
  /** uid of the Jaeger datasource (traces). @default 'jaeger' */
  readonly jaegerUid?: string;
  /** Kibana's base URL, for the logs links. @default 'http://localhost:5601' */
  readonly kibanaUrl?: string;
}

/** A generated dashboard (the JSON Grafana provisions). */
export interface GrafanaDashboard {
  readonly uid: string;
  readonly title: string;
  readonly tags: readonly string[];
  readonly schemaVersion: number;
  readonly panels: ReadonlyArray<
    Record<string, unknown> & { type: string; title: string; targets?: unknown[] }
  >;
  readonly templating: { readonly list: ReadonlyArray<Record<string, unknown> & { name: string }> };
  readonly [key: string]: unknown;
}

const PATHS: readonly PrometheusPath[] = ['direct', 'otlp'];

function matchersFor(e: MetricCatalogEntry): string[] {
  const m = ['job=~"$service"'];
  if (e.statistic !== 'p95') m.push('instance=~"$instance"');
  if (e.instrument.startsWith('http.server')) m.push('http_route=~"$route"');
  return m;
}

/** Threshold steps from the config alerts on this metric (warning orange, critical red). */
function thresholds(config: OtelkitConfig, e: MetricCatalogEntry) {
  const steps: Array<{ color: string; value: number | null }> = [{ color: 'green', value: null }];
  const rules = config.alerts.rules.filter(
    (r) => findCatalogEntry(r.parsed.metric)?.name === e.name && r.parsed.operator.startsWith('>'),
  );
  for (const severity of ['warning', 'critical'] as const) {
    const values = rules.filter((r) => r.severity === severity).map((r) => r.parsed.value);
    if (values.length)
      steps.push({ color: severity === 'warning' ? 'orange' : 'red', value: Math.min(...values) });
  }
  steps.sort((a, b) => (a.value ?? Number.NEGATIVE_INFINITY) - (b.value ?? Number.NEGATIVE_INFINITY));
  return { mode: 'absolute' as ThresholdsMode.Absolute, steps };
}

function legend(e: MetricCatalogEntry): string {
  if (e.statistic === 'p95') return '{{job}} {{http_route}}';
  if (e.by.includes('resource_id')) return '{{instance}} {{resource_id}}';
  return '{{job}} {{instance}}';
}

function kibanaLogsUrl(kibana: string, query: string): string {
  return `${kibana.replace(/\/$/, '')}/app/discover#/?_a=(query:(language:kuery,query:'${query}'))`;
}

function metricPanel(
  config: OtelkitConfig,
  p: PanelConfig,
  id: number,
  gridPos: { h: number; w: number; x: number; y: number },
  o: Required<GrafanaOptions>,
) {
  const e = findCatalogEntry(p.metric!)!;
  const histogram = e.instrumentType === 'histogram' && e.statistic === 'p95';
  const heatmap = p.type === 'heatmap';
  const targets = PATHS.map((path, i) => ({
    refId: i === 0 ? 'A' : 'B',
    datasource: { type: 'prometheus', uid: o.prometheusUid },
    expr: heatmap
      ? `sum by (le) (rate(${e.series[path]}_bucket{${matchersFor(e).join(',')}}[$__rate_interval]))`
      : catalogPromQL(e, path, { matchers: matchersFor(e) }),
    legendFormat: heatmap ? '{{le}}' : `${legend(e)} (${path})`,
    ...(heatmap ? { format: 'heatmap' } : {}),
    // trace ids on the histogram buckets (OpenMetrics exemplars) link to Jaeger
    ...(histogram ? { exemplar: true } : {}),
    ...(p.type === 'table' ? { instant: true, format: 'table' } : {}),
  }));
  return {
    id,
    type: p.type,
    title: p.title,
    description: `${e.description} — ${e.name} (${e.instrument})`,
    gridPos,
    datasource: { type: 'prometheus', uid: o.prometheusUid },
    targets,
    fieldConfig: {
      defaults: {
        unit: e.grafanaUnit,
        thresholds: thresholds(config, e),
        ...(p.type === 'gauge' && e.unit === 'percent' ? { min: 0, max: 100 } : {}),
        links: [
          {
            // biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's own ${...} variables
            title: 'Logs of ${__field.labels.job} in Kibana',
            // biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's own ${...} variables
            url: kibanaLogsUrl(o.kibanaUrl, 'service.name:"${__field.labels.job}"'),
            targetBlank: true,
          },
        ],
      },
      overrides: [],
    },
    options:
      p.type === 'timeseries'
        ? {
            legend: { displayMode: 'list', placement: 'bottom', showLegend: true },
            tooltip: { mode: 'multi', sort: 'none' },
          }
        : p.type === 'gauge' || p.type === 'stat'
          ? { reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false } }
          : {},
  };
}

function logsPanel(
  p: PanelConfig,
  id: number,
  gridPos: { h: number; w: number; x: number; y: number },
  o: Required<GrafanaOptions>,
) {
  return {
    id,
    type: 'logs',
    title: p.title,
    description: 'Log lines of the selected service (ECS); trace.id links to the trace and to Kibana',
    gridPos,
    datasource: { type: 'elasticsearch', uid: o.elasticsearchUid },
    targets: [
      {
        refId: 'A',
        datasource: { type: 'elasticsearch', uid: o.elasticsearchUid },
        // biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's own ${...} variables
        query: 'service.name:${service:lucene}',
        metrics: [{ id: '1', type: 'logs' }],
        bucketAggs: [],
        timeField: '@timestamp',
      },
    ],
    fieldConfig: {
      defaults: {
        links: [
          {
            title: 'Trace in Jaeger',
            url:
              '/explore?left={"datasource":"' +
              o.jaegerUid +
              // biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's own ${...} variables
              '","queries":[{"query":"${__data.fields["trace.id"]}"}]}',
          },
          {
            title: 'This trace in Kibana',
            // biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's own ${...} variables
            url: kibanaLogsUrl(o.kibanaUrl, 'trace.id:"${__data.fields["trace.id"]}"'),
            targetBlank: true,
          },
        ],
      },
      overrides: [],
    },
    options: { showTime: true, wrapLogMessage: true, sortOrder: 'Descending', enableLogDetails: true },
  };
}

function link(l: {
  title: string;
  url?: string;
  type?: 'link' | 'dashboards';
  targetBlank?: boolean;
  tags?: string[];
  asDropdown?: boolean;
}) {
  return {
    title: l.title,
    type: l.type ?? ('link' as const),
    url: l.url ?? '',
    tags: l.tags ?? [],
    asDropdown: l.asDropdown ?? false,
    icon: l.type === 'dashboards' ? 'dashboard' : 'external link',
    includeVars: true,
    keepTime: true,
    targetBlank: l.targetBlank ?? false,
    tooltip: '',
  };
}

function variable(name: string, label: string, query: string, uid: string) {
  return {
    name,
    label,
    type: 'query' as const,
    datasource: { type: 'prometheus', uid },
    query: { query, refId: `${name}-var` },
    definition: query,
    refresh: 2,
    includeAll: true,
    multi: true,
    allValue: '.*',
    current: { text: 'All', value: '$__all' },
    sort: 1,
  };
}

/** One dashboard. */
export function generateDashboard(
  config: OtelkitConfig,
  d: GrafanaDashboardConfig,
  options: GrafanaOptions = {},
): GrafanaDashboard {
  const o: Required<GrafanaOptions> = {
    prometheusUid: options.prometheusUid ?? 'prometheus',
    elasticsearchUid: options.elasticsearchUid ?? 'elasticsearch',
    jaegerUid: options.jaegerUid ?? 'jaeger',
    kibanaUrl: options.kibanaUrl ?? 'http://localhost:5601',
  };
  const panels = d.panels.map((p, i) => {
    // two panels per row; logs take the full width at the bottom of their row
    const w = p.type === 'logs' ? 24 : p.type === 'stat' || p.type === 'gauge' ? 8 : 12;
    const gridPos = { h: p.type === 'logs' ? 10 : 8, w, x: (i % 2) * 12, y: Math.floor(i / 2) * 8 };
    if (p.type === 'logs') gridPos.x = 0;
    return p.type === 'logs' ? logsPanel(p, i + 1, gridPos, o) : metricPanel(config, p, i + 1, gridPos, o);
  });
  const dashboard = {
    uid: d.uid,
    title: d.name,
    description: `Generated by otelkit from the monitoring config (otelkit generate grafana). Do not edit: regenerate.`,
    tags: ['otelkit', 'generated'],
    editable: false,
    schemaVersion: 39,
    version: 1,
    time: { from: 'now-1h', to: 'now' },
    refresh: '30s',
    timezone: 'browser',
    graphTooltip: 1,
    templating: {
      list: [
        variable('service', 'Service', 'label_values(up, job)', o.prometheusUid),
        variable('instance', 'Instance', 'label_values(up{job=~"$service"}, instance)', o.prometheusUid),
        variable(
          'route',
          'Route',
          'label_values({__name__=~"http_server_request_duration(_seconds)?_count",job=~"$service"}, http_route)',
          o.prometheusUid,
        ),
      ],
    },
    annotations: {
      list: [
        {
          name: 'Alerts',
          enable: true,
          iconColor: 'red',
          datasource: { type: 'prometheus', uid: o.prometheusUid },
          target: { refId: 'alerts', expr: 'ALERTS{alertstate="firing",job=~"$service"}' } as never,
        },
      ],
    },
    links: [
      link({
        title: 'Logs in Kibana',
        url: kibanaLogsUrl(o.kibanaUrl, 'service.name:"$service"'),
        targetBlank: true,
      }),
      link({ title: 'Traces in Jaeger', url: `/explore?left={"datasource":"${o.jaegerUid}"}` }),
      link({ title: 'otelkit', type: 'dashboards', tags: ['otelkit'], asDropdown: true }),
    ],
    panels,
  } satisfies Dashboard;
  return dashboard as unknown as GrafanaDashboard;
}

/** Every configured dashboard, keyed by file name (`otelkit-performance.json`). */
export function generateGrafanaDashboards(
  config: OtelkitConfig,
  options: GrafanaOptions = {},
): Record<string, GrafanaDashboard> {
  return Object.fromEntries(
    config.monitoring.visualization.dashboards.map((d) => [
      `${d.uid}.json`,
      generateDashboard(config, d, options),
    ]),
  );
}
