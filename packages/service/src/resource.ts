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
import {
  isCloudResourceDetector,
  type LocalResourceDetectorName,
  type ServiceConfig,
  toResourceAttributes,
} from '@otelkit/config';
import { cloudResourceDetector, resolveCloudDetectors } from './cloud-detectors';

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

const DETECTORS: Record<LocalResourceDetectorName, ResourceDetector> = {
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
 * Detected values that need I/O (host.id, container.id, everything a cloud detector finds) settle
 * asynchronously; the exporters wait for them. The cloud detectors (only when named) come after the
 * local ones, so what the metadata service says wins (`host.id`), and are bounded by
 * `service.detectionTimeoutMillis` (`cloud-detectors.ts`).
 *
 * @throws ConfigError naming `service.detectors` and the package when a named cloud detector's
 * package is not installed.
 * @example
 * const resource = buildResource(config.service);
 */
export function buildResource(service: ServiceConfig, options: { cloud?: boolean } = {}): Resource {
  // Disabled (OTEL_SDK_DISABLED): nothing is exported, so no request to a metadata service either.
  const clouds = options.cloud === false ? [] : service.detectors.filter(isCloudResourceDetector);
  const detectors: ResourceDetector[] = [];
  for (const name of service.detectors) if (!isCloudResourceDetector(name)) detectors.push(DETECTORS[name]);
  if (clouds.length > 0) {
    detectors.push(cloudResourceDetector(resolveCloudDetectors(clouds), service.detectionTimeoutMillis));
  }
  const detected = detectResources({ detectors });
  return defaultResource()
    .merge(resourceFromAttributes(DISTRO))
    .merge(detected)
    .merge(resourceFromAttributes(toResourceAttributes(service)));
}
