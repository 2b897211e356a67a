/**
 * The `service` slice: who the telemetry is about (becomes the OpenTelemetry resource). Its schema,
 * types and defaults live here, once.
 */
import { z } from 'zod';
import { accepts, custom, durationMillis, type InputOf, obj, text } from '../fields/zod-fields';
import {
  DEFAULT_DETECTION_TIMEOUT_MILLIS,
  DEFAULT_RESOURCE_DETECTORS,
  parseResourceDetectors,
  type ResourceDetectorName,
} from './resource-detectors';

/** A scalar resource attribute value. */
export type AttributeScalar = string | number | boolean;

/** Who the telemetry is about: becomes the OpenTelemetry resource. */
export interface ServiceConfig {
  /** `service.name`. @default 'unknown_service:node' */
  readonly name: string;
  /** `service.version` */
  readonly version?: string;
  /** `deployment.environment.name` */
  readonly environment?: string;
  /** `service.namespace` */
  readonly namespace?: string;
  /** `service.instance.id` */
  readonly instanceId?: string;
  /** Extra resource attributes, e.g. `{ 'cloud.region': 'eu-west-1' }`. */
  readonly attributes: Readonly<Record<string, AttributeScalar>>;
  /**
   * Resource detectors run next to these fields (`OTEL_NODE_RESOURCE_DETECTORS`); the service
   * fields win over what they detect. A cloud detector (`alibaba`, `aws`, `azure`, `gcp`) runs only
   * when named here, and needs its `@opentelemetry/resource-detector-*` package installed.
   * @default all: host, os, process, serviceinstance, container (no cloud detector)
   */
  readonly detectors: readonly ResourceDetectorName[];
  /**
   * How long the cloud detectors may take: what they have not found by then is left out (one
   * warning), and exports never wait longer for the resource. Startup waits only while a worker
   * loads the detector packages and names the attributes they fill (typically ~0.1 s, at most
   * this long), never for the metadata services' answers.
   * @default 2000
   */
  readonly detectionTimeoutMillis: number;
}

export const DEFAULT_SERVICE: ServiceConfig = {
  name: 'unknown_service:node',
  attributes: {},
  detectors: DEFAULT_RESOURCE_DETECTORS,
  detectionTimeoutMillis: DEFAULT_DETECTION_TIMEOUT_MILLIS,
};

/** What may be written in the `service` section: the schema, whose input type is {@link ServiceInput}. */
export const serviceSchema = obj({
  /** `service.name` (`OTEL_SERVICE_NAME`). @default 'unknown_service:node' */
  name: text.optional(),
  /** `service.version` */
  version: text.optional(),
  /** `deployment.environment.name` */
  environment: text.optional(),
  /** `service.namespace` */
  namespace: text.optional(),
  /** `service.instance.id` */
  instanceId: text.optional(),
  /** Extra resource attributes, e.g. `{ 'cloud.region': 'eu-west-1' }`. */
  attributes: z.record(text, z.union([z.string(), z.number(), z.boolean()])).optional(),
  /**
   * `true`/`'all'` (the local detectors), `false`/`'none'`, or a list of detector names; a cloud
   * detector only when named: `['all', 'aws']`.
   */
  detectors: custom(
    parseResourceDetectors,
    accepts<boolean | 'all' | 'none' | Array<ResourceDetectorName | 'all' | 'env'>>(),
  ),
  /** How long the cloud detectors may take (`'2s'`, or milliseconds). @default 2000 */
  detectionTimeoutMillis: durationMillis,
});

/** What may be written in the `service` section (code, file, overrides). */
export type ServiceInput = InputOf<typeof serviceSchema>;
