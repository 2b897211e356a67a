export type { CliIo } from './cli';
export { DEFAULT_CONFIG_FILES, maskConfig, runCli } from './cli';
export type { AlertmanagerConfigFile, AlertmanagerRoute } from './generators/alertmanager';
export { generateAlertmanagerConfig, maskAlertmanagerConfig } from './generators/alertmanager';
export type { GenerateFilesOptions, GenerateTarget } from './generators/generate-files';
export { GENERATE_TARGETS, generateFiles } from './generators/generate-files';
export type { GrafanaDashboard, GrafanaOptions } from './generators/grafana';
export { generateDashboard, generateGrafanaDashboards } from './generators/grafana';
export type {
  PrometheusConfigFile,
  PrometheusConfigOptions,
  ScrapeJob,
} from './generators/prometheus-config';
export { generatePrometheusConfig, prometheusFlags } from './generators/prometheus-config';
export type { AlertingRule, RecordingRule, RuleFile, RuleGroup } from './generators/prometheus-rules';
export {
  alertExpr,
  alertName,
  baselineAlerts,
  configAlert,
  GenerateError,
  generatePrometheusRules,
  recordingGroup,
} from './generators/prometheus-rules';
export type {
  PromtoolAlertTest,
  PromtoolSeries,
  PromtoolTestFile,
  PromtoolTestGroup,
} from './generators/rule-tests';
export { generateRuleTests } from './generators/rule-tests';
