import type { AttributeScalar, ServiceConfig } from './types';

/**
 * The OpenTelemetry resource attributes (semantic-convention keys) for the `service` section.
 * Packages turn them into a Resource with `resourceFromAttributes()`.
 */
export function toResourceAttributes(service: ServiceConfig): Record<string, AttributeScalar> {
  const attrs: Record<string, AttributeScalar> = { ...service.attributes, 'service.name': service.name };
  if (service.version) attrs['service.version'] = service.version;
  if (service.namespace) attrs['service.namespace'] = service.namespace;
  if (service.instanceId) attrs['service.instance.id'] = service.instanceId;
  if (service.environment) attrs['deployment.environment.name'] = service.environment;
  return attrs;
}
