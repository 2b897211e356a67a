import { containerDetector } from '@opentelemetry/resource-detector-container';
import {
  defaultResource,
  detectResources,
  hostDetector,
  osDetector,
  processDetector,
  type Resource,
  type ResourceDetector,
  resourceFromAttributes,
  serviceInstanceIdDetector,
} from '@opentelemetry/resources';
import { type ResourceDetectorName, type ServiceConfig, toResourceAttributes } from '@otelkit/config';

/** Instrumentation-distribution attributes (semconv `telemetry.distro.*`). */
const DISTRO = { 'telemetry.distro.name': 'otelkit', 'telemetry.distro.version': '0.1.0' } as const;

/**
 * Command lines carry secrets (`--password=…`, tokens in URLs), and every backend would store them:
 * the process detector's argument attributes are left out; the executable, pid, runtime and owner
 * stay.
 */
const PROCESS_LEFT_OUT = new Set(['process.command_args', 'process.command_line']);

const processWithoutArgs: ResourceDetector = {
  detect(config) {
    const detected = processDetector.detect(config);
    const attributes = Object.fromEntries(
      Object.entries(detected.attributes ?? {}).filter(([key]) => !PROCESS_LEFT_OUT.has(key)),
    );
    return { ...detected, attributes };
  },
};

const DETECTORS: Record<ResourceDetectorName, ResourceDetector> = {
  host: hostDetector,
  os: osDetector,
  process: processWithoutArgs,
  serviceinstance: serviceInstanceIdDetector,
  container: containerDetector,
};

/**
 * The resource of every signal, as NodeSDK builds it: the SDK's default resource
 * (`telemetry.sdk.*`), then what the configured detectors find (`service.detectors`,
 * `OTEL_NODE_RESOURCE_DETECTORS`), then the `service` section — which wins over anything detected.
 * Detected values that need I/O (host.id, container.id) settle asynchronously; the exporters wait
 * for them.
 *
 * @example
 * const resource = buildResource(config.service);
 */
export function buildResource(service: ServiceConfig): Resource {
  const detected = detectResources({ detectors: service.detectors.map((name) => DETECTORS[name]) });
  return defaultResource()
    .merge(resourceFromAttributes(DISTRO))
    .merge(detected)
    .merge(resourceFromAttributes(toResourceAttributes(service)));
}
