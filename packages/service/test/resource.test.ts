// The standard resource, as NodeSDK builds it: telemetry.sdk.* from the SDK's default resource,
// the host / os / process / service-instance / container detectors (service.detectors,
// OTEL_NODE_RESOURCE_DETECTORS), then the service section on top. Read back from the spans the
// running tracer provider produced, not from the config.
import * as fs from 'node:fs';
import * as os from 'node:os';
import { trace } from '@opentelemetry/api';
import { ConfigError, loadConfig } from '@otelkit/config';
import { startMonitoring } from '@otelkit/service';

const base = {
  service: { name: 'resource-test', version: '2.0.0' },
  logging: { level: 'warn', outputs: [] },
  metrics: { collectors: ['prometheus'], exporters: ['handler'] },
  tracing: { exporter: 'memory' },
  resources: { enabled: false },
  shutdown: { handleSignals: false },
  instrumentations: false,
} as const;

async function resourceOf(config: object, env: Record<string, string> = {}) {
  const m = startMonitoring(config as never, { env, file: false });
  try {
    trace.getTracer('t').startSpan('probe').end();
    await m.tracing.forceFlush();
    const span = m.tracing.memoryExporter!.getFinishedSpans()[0]!;
    await span.resource.waitForAsyncAttributes?.();
    return { ...span.resource.attributes };
  } finally {
    await m.shutdown();
  }
}

describe('the resource of every signal', () => {
  it('by default: telemetry.sdk.*, host, os, process (without its arguments), service instance, and the service fields', async () => {
    const attrs = await resourceOf(base);
    expect(attrs).toMatchObject({
      'service.name': 'resource-test',
      'service.version': '2.0.0',
      'telemetry.sdk.language': 'nodejs',
      'telemetry.sdk.name': 'opentelemetry',
      'telemetry.sdk.version': expect.stringMatching(/^3\./),
      'telemetry.distro.name': 'otelkit',
      'host.name': os.hostname(),
      'os.type': 'linux',
      'process.pid': process.pid,
      'process.runtime.name': 'nodejs',
      'process.runtime.version': process.versions.node,
      'service.instance.id': expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    if (fs.existsSync('/etc/machine-id')) {
      expect(attrs['host.id']).toBe(fs.readFileSync('/etc/machine-id', 'utf8').trim());
    }
    // command lines carry secrets: never exported
    expect(attrs['process.command_args']).toBeUndefined();
    expect(attrs['process.command_line']).toBeUndefined();
  });

  it('the service section wins over what the detectors find', async () => {
    const attrs = await resourceOf({
      ...base,
      service: { ...base.service, instanceId: 'pod-7', attributes: { 'host.name': 'given-host' } },
    });
    expect(attrs['service.instance.id']).toBe('pod-7');
    expect(attrs['host.name']).toBe('given-host');
  });

  it("detectors: 'none' and OTEL_NODE_RESOURCE_DETECTORS=host choose what runs", async () => {
    const none = await resourceOf({ ...base, service: { ...base.service, detectors: 'none' } });
    expect(Object.keys(none).filter((k) => /^(host|os|process|container)\./.test(k))).toEqual([]);
    expect(none['service.instance.id']).toBeUndefined();
    expect(none['telemetry.sdk.language']).toBe('nodejs');

    const hostOnly = await resourceOf(base, { OTEL_NODE_RESOURCE_DETECTORS: 'env,host' });
    expect(hostOnly['host.name']).toBe(os.hostname());
    expect(hostOnly['process.pid']).toBeUndefined();
    expect(hostOnly['os.type']).toBeUndefined();
  });

  it('an invalid name in OTEL_NODE_RESOURCE_DETECTORS is a warning and ignored, the valid ones kept (as NodeSDK); in code a ConfigError', () => {
    const warnings: string[] = [];
    const c = loadConfig({
      config: base as never,
      env: { OTEL_NODE_RESOURCE_DETECTORS: 'host,bogus' },
      file: false,
      onWarning: (w) => warnings.push(`${w.path}: ${w.message}`),
    });
    expect(warnings).toEqual([expect.stringMatching(/^OTEL_NODE_RESOURCE_DETECTORS: .*"bogus" is not one/)]);
    expect(c.service.detectors).toEqual(['host']);
    expect(() =>
      loadConfig({ config: { service: { detectors: ['host', 'bogus'] } } as never, env: {}, file: false }),
    ).toThrow(ConfigError);
    expect(() =>
      loadConfig({ config: { service: { detectors: ['host', 'bogus'] } } as never, env: {}, file: false }),
    ).toThrow(/service\.detectors: expected .*"bogus" is not one/);
  });

  it("a cloud detector is opt-in: accepted when named (code or OTEL_NODE_RESOURCE_DETECTORS), never part of 'all'", () => {
    const warnings: string[] = [];
    const fromEnv = loadConfig({
      config: base as never,
      env: { OTEL_NODE_RESOURCE_DETECTORS: 'aws,process' },
      file: false,
      onWarning: (w) => warnings.push(`${w.path}: ${w.message}`),
    });
    expect(warnings).toEqual([]);
    expect(fromEnv.service.detectors).toEqual(['aws', 'process']);
    const inCode = loadConfig({
      config: { service: { detectors: ['host', 'gcp'] } } as never,
      env: {},
      file: false,
    });
    expect(inCode.service.detectors).toEqual(['host', 'gcp']);
    const all = loadConfig({ config: { service: { detectors: 'all' } } as never, env: {}, file: false });
    expect(all.service.detectors).toEqual(['host', 'os', 'process', 'serviceinstance', 'container']);
  });
});
