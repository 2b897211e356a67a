// Monitoring Setup Guide — "Jaeger Integration". `agentHost` is the Jaeger host; spans go over
// OTLP/HTTP to its port 4318 (the thrift agent protocol is deprecated and leaves OpenTelemetry JS 3.x).
import { service } from '@otelkit/service';
import { JaegerTracer } from '@otelkit/service/seed';
import { runIfMain } from '../services';

@service
export class TracingExample {
  readonly tracer: JaegerTracer;

  constructor(agentHost = 'jaeger-agent', otlpPort?: number) {
    this.tracer = new JaegerTracer({
      serviceName: 'my-service',
      agentHost,
      ...(otlpPort !== undefined ? { otlpPort } : {}),
    });
  }

  async checkout(items: number): Promise<void> {
    this.tracer.startActiveSpan('checkout', (span) => {
      span.setAttribute('order.items', items);
      span.end();
    });
  }
}

runIfMain(module, async () => {
  const example = new TracingExample(process.argv[2] ?? 'localhost');
  await example.checkout(3);
  await example.tracer.shutdown();
});
