/**
 * `service.detectors`: which OpenTelemetry resource detectors fill the resource next to the
 * `service` fields — the names and the default are NodeSDK's (`OTEL_NODE_RESOURCE_DETECTORS`,
 * default all), plus the contrib container detector. Its one home: the schema, the environment
 * layer and the summary read it here; `@otelkit/service` maps the names to detectors.
 */
import { ExpectedError } from '../duration';

export const RESOURCE_DETECTOR_NAMES = ['host', 'os', 'process', 'serviceinstance', 'container'] as const;
export type ResourceDetectorName = (typeof RESOURCE_DETECTOR_NAMES)[number];

/** All of them, as NodeSDK (its `all`, plus container). */
export const DEFAULT_RESOURCE_DETECTORS: readonly ResourceDetectorName[] = RESOURCE_DETECTOR_NAMES;

/** Cloud detectors call the provider's metadata endpoint: not built in (safe defaults). */
const CLOUD = ['aws', 'gcp', 'azure', 'alibaba', 'alibabacloud'];

const EXPECTED = `expected true, false, 'all', 'none' or a list of ${RESOURCE_DETECTOR_NAMES.join('|')}`;

/**
 * `true` / `'all'` → every detector, `false` / `'none'` / `[]` → none, a list (or a comma-separated
 * string, as in the environment variable) → those. `env` is accepted and adds nothing: the config's
 * own environment layer always applies `OTEL_RESOURCE_ATTRIBUTES` and `OTEL_SERVICE_NAME`.
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
  if (list.includes('all')) return [...DEFAULT_RESOURCE_DETECTORS];
  if (list.includes('none')) return [];
  const out: ResourceDetectorName[] = [];
  for (const name of list) {
    if (name === 'env') continue;
    if (CLOUD.includes(name)) {
      throw new ExpectedError(
        `"${name}": cloud resource detectors are not built in (they query the provider's metadata endpoint); set the cloud.* attributes in service.attributes, or ${EXPECTED}`,
      );
    }
    if (!(RESOURCE_DETECTOR_NAMES as readonly string[]).includes(name)) {
      throw new ExpectedError(`${EXPECTED} ("${name}" is not one)`);
    }
    if (!out.includes(name as ResourceDetectorName)) out.push(name as ResourceDetectorName);
  }
  return out;
}

/**
 * `OTEL_NODE_RESOURCE_DETECTORS` as NodeSDK reads it: the valid names are kept and each invalid
 * one (unknown, or a cloud detector, which is not built in) is reported to be warned about and
 * ignored — the spec's rule for environment values.
 */
export function parseResourceDetectorsFromEnv(value: string): {
  detectors: ResourceDetectorName[];
  invalid: { name: string; message: string }[];
} {
  const detectors: ResourceDetectorName[] = [];
  const invalid: { name: string; message: string }[] = [];
  const names = value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  for (const name of names) {
    try {
      for (const d of parseResourceDetectors([name])) if (!detectors.includes(d)) detectors.push(d);
    } catch (err) {
      if (!(err instanceof ExpectedError)) throw err;
      invalid.push({ name, message: err.message });
    }
  }
  const lower = names.map((n) => n.toLowerCase());
  if (lower.includes('none')) return { detectors: [], invalid };
  if (lower.includes('all')) return { detectors: [...DEFAULT_RESOURCE_DETECTORS], invalid };
  return { detectors, invalid };
}
