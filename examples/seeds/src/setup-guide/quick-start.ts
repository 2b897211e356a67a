// Monitoring Setup Guide — "Quick Start": monitoring_config.py + service.py.
import { service } from '@otelkit/service';
import { runIfMain } from '../services';

// monitoring_config.ts
export const MONITORING_CONFIG = {
  logging: {
    level: 'INFO',
    format: 'structured',
    outputs: ['console', 'file'],
    correlation: true,
  },
  metrics: {
    collectors: ['prometheus'],
    interval: 10,
    exporters: ['http'],
  },
  tracing: {
    enabled: true,
    sampler: 0.1,
    exporter: 'jaeger',
  },
} as const;

// service.ts
@service({ monitoring: MONITORING_CONFIG })
export class MonitoredService {
  async operation(): Promise<string> {
    // Automatically gets logging, metrics, and tracing
    return 'done';
  }
}

runIfMain(module, async () => {
  console.log(await new MonitoredService().operation());
  // monitoring started on that first call: Prometheus on 127.0.0.1:9464/metrics, spans to Jaeger's OTLP intake
  await (await import('@otelkit/service')).getMonitoring()?.shutdown();
});
