/**
 * `service.detectors`: which OpenTelemetry resource detectors fill the resource next to the
 * `service` fields — the names are NodeSDK's / auto-instrumentations-node's
 * (`OTEL_NODE_RESOURCE_DETECTORS`: env, host, os, process, serviceinstance, container, alibaba,
 * aws, azure, gcp, all, none). One deliberate difference: `all` (the default) is the local
 * detectors only. The cloud ones ask the provider's metadata service (169.254.169.254,
 * 100.100.100.200, the Kubernetes API) and otelkit never sends a request to a metadata or
 * link-local address unless told to, so a cloud detector runs only when it is named. Its one home:
 * the schema, the environment layer and the summary read it here; `@otelkit/service` maps the names
 * to detectors (`src/resource.ts`, `src/cloud-detectors.ts`).
 */
import { ExpectedError } from '../duration';

/** The detectors that read only this machine (files, `os`, `process`): `all` runs these. */
export const LOCAL_RESOURCE_DETECTOR_NAMES = [
  'host',
  'os',
  'process',
  'serviceinstance',
  'container',
] as const;
/**
 * The cloud detectors (opt-in: each runs only when named; each needs its contrib package, an
 * optional peer of `@otelkit/service`).
 */
export const CLOUD_RESOURCE_DETECTOR_NAMES = ['alibaba', 'aws', 'azure', 'gcp'] as const;
export const RESOURCE_DETECTOR_NAMES = [
  ...LOCAL_RESOURCE_DETECTOR_NAMES,
  ...CLOUD_RESOURCE_DETECTOR_NAMES,
] as const;

export type LocalResourceDetectorName = (typeof LOCAL_RESOURCE_DETECTOR_NAMES)[number];
export type CloudResourceDetectorName = (typeof CLOUD_RESOURCE_DETECTOR_NAMES)[number];
export type ResourceDetectorName = LocalResourceDetectorName | CloudResourceDetectorName;

/** `all`: every local detector (NodeSDK's `all` plus container, without the cloud ones). */
export const DEFAULT_RESOURCE_DETECTORS: readonly ResourceDetectorName[] = LOCAL_RESOURCE_DETECTOR_NAMES;

/** How long the cloud detectors may take before their attributes are given up. @default 2000 */
export const DEFAULT_DETECTION_TIMEOUT_MILLIS = 2000;

const EXPECTED = `expected true, false, 'all', 'none' or a list of env|${RESOURCE_DETECTOR_NAMES.join('|')} ('all' is the local ones; a cloud detector — ${CLOUD_RESOURCE_DETECTOR_NAMES.join(', ')} — runs only when named)`;

export function isCloudResourceDetector(name: string): name is CloudResourceDetectorName {
  return (CLOUD_RESOURCE_DETECTOR_NAMES as readonly string[]).includes(name);
}

/**
 * `true` / `'all'` → every local detector, `false` / `'none'` / `[]` → none, a list (or a
 * comma-separated string, as in the environment variable) → those; `'all'` in a list with cloud
 * names → the local ones and those clouds (`['all', 'aws']`). `env` is accepted and adds nothing:
 * the config's own environment layer always applies `OTEL_RESOURCE_ATTRIBUTES` and
 * `OTEL_SERVICE_NAME`.
 *
 * @throws ExpectedError naming what is allowed.
 */
export function parseResourceDetectors(value: unknown): ResourceDetectorName[] {
  if (value === true) return [...DEFAULT_RESOURCE_DETECTORS];
  if (value === false) return [];
  const names =
    typeof value === 'string'
      ? value.split(',').map((s) => s.trim().toLowerCase())
      : Array.isArray(value) && value.every((v) => typeof v === 'string')
        ? value.map((s: string) => s.trim().toLowerCase())
        : undefined;
  if (names === undefined) throw new ExpectedError(EXPECTED);
  const list = names.filter((n) => n !== '');
  const out: ResourceDetectorName[] = [];
  for (const name of list) {
    if (name === 'env' || name === 'all' || name === 'none') continue;
    if (!(RESOURCE_DETECTOR_NAMES as readonly string[]).includes(name)) {
      throw new ExpectedError(`${EXPECTED} ("${name}" is not one)`);
    }
    if (!out.includes(name as ResourceDetectorName)) out.push(name as ResourceDetectorName);
  }
  if (list.includes('all')) return [...DEFAULT_RESOURCE_DETECTORS, ...out.filter(isCloudResourceDetector)];
  if (list.includes('none')) return [];
  return out;
}

/**
 * `OTEL_NODE_RESOURCE_DETECTORS` as NodeSDK reads it: the valid names are kept and each invalid
 * (unknown) one is reported to be warned about and ignored — the spec's rule for environment
 * values. A cloud name is valid and opts that detector in.
 */
export function parseResourceDetectorsFromEnv(value: string): {
  detectors: ResourceDetectorName[];
  invalid: { name: string; message: string }[];
} {
  const valid: string[] = [];
  const invalid: { name: string; message: string }[] = [];
  const names = value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  for (const name of names) {
    try {
      parseResourceDetectors([name]);
      valid.push(name);
    } catch (err) {
      if (!(err instanceof ExpectedError)) throw err;
      invalid.push({ name, message: err.message });
    }
  }
  return { detectors: parseResourceDetectors(valid), invalid };
}
