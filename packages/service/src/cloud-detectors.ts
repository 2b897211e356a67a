/**
 * The opt-in cloud resource detectors (`service.detectors: ['aws']`, `OTEL_NODE_RESOURCE_DETECTORS=gcp`):
 * the maintained contrib packages, optional peers of this package, loaded only when named.
 *
 * They ask the provider's metadata service, which off that cloud may never answer, and their
 * sockets and timers (up to 5 s, not unref'ed) would hold the process open and their requests
 * would be traced by our own HTTP instrumentation. So they run in a worker thread that is unref'ed
 * and terminated at `service.detectionTimeoutMillis`: startup waits only for the worker to load
 * the packages and name the attributes it will look for (≈ 0.1–0.2 s, never more than the
 * deadline), exports wait at most until the deadline, and the process can always exit.
 */
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { diag } from '@opentelemetry/api';
import type { DetectedResource, ResourceDetector } from '@opentelemetry/resources';
import { type CloudResourceDetectorName, ConfigError, ConfigErrorCode } from '@otelkit/config';

type AttributeValue = string | number | boolean | Array<string | number | boolean>;

/** Which package and which of its detectors each name runs — as auto-instrumentations-node. */
export const CLOUD_DETECTOR_PACKAGES: Readonly<
  Record<CloudResourceDetectorName, { readonly packageName: string; readonly detectors: readonly string[] }>
> = {
  alibaba: {
    packageName: '@opentelemetry/resource-detector-alibaba-cloud',
    detectors: ['alibabaCloudEcsDetector'],
  },
  aws: {
    packageName: '@opentelemetry/resource-detector-aws',
    detectors: [
      'awsEc2Detector',
      'awsEcsDetector',
      'awsEksDetector',
      'awsBeanstalkDetector',
      'awsLambdaDetector',
    ],
  },
  azure: {
    packageName: '@opentelemetry/resource-detector-azure',
    detectors: ['azureAppServiceDetector', 'azureFunctionsDetector', 'azureVmDetector'],
  },
  gcp: { packageName: '@opentelemetry/resource-detector-gcp', detectors: ['gcpDetector'] },
};

/**
 * Where each named detector's package is, or a ConfigError naming `service.detectors` and every
 * package to install.
 *
 * @throws ConfigError when a named package is not installed.
 */
export function resolveCloudDetectors(
  names: readonly CloudResourceDetectorName[],
  resolve: (id: string) => string = require.resolve,
): { name: CloudResourceDetectorName; path: string; detectors: readonly string[] }[] {
  const missing: string[] = [];
  const out: { name: CloudResourceDetectorName; path: string; detectors: readonly string[] }[] = [];
  for (const name of names) {
    const { packageName, detectors } = CLOUD_DETECTOR_PACKAGES[name];
    try {
      out.push({ name, path: resolve(packageName), detectors });
    } catch {
      missing.push(
        `"${name}" needs ${packageName}, an optional peer dependency of @otelkit/service that is not installed: npm install ${packageName}`,
      );
    }
  }
  if (missing.length > 0) {
    throw new ConfigError(
      missing.map((message) => ({ path: 'service.detectors', message, source: 'code' as const })),
      ConfigErrorCode.INVALID,
    );
  }
  return out;
}

// Runs in the worker: load each package, call its detectors (each starts its requests), report the
// attribute names at once (the resource needs them now), then each name's values when they settle.
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { port, signal, detectors } = workerData;
const keys = {};
const errors = {};
const pending = [];
const message = (e) => String((e && e.message) || e);
for (const d of detectors) {
  try {
    const mod = require(d.path);
    const found = d.detectors.map((e) => (mod[e].detect({}) || {}).attributes || {});
    keys[d.name] = [...new Set(found.flatMap((a) => Object.keys(a)))];
    pending.push([d.name, found]);
  } catch (e) {
    errors[d.name] = message(e);
  }
}
port.postMessage({ keys, errors });
const flag = new Int32Array(signal);
Atomics.store(flag, 0, 1);
Atomics.notify(flag, 0);
for (const [name, found] of pending) {
  (async () => {
    const attributes = {};
    let failed;
    for (const attrs of found) {
      for (const [k, v] of Object.entries(attrs)) {
        try {
          const value = await v;
          if (value !== undefined && value !== null) attributes[k] = value;
        } catch (e) {
          failed = message(e);
        }
      }
    }
    port.postMessage({ name, attributes, failed });
  })();
}
`;

const warned = new Set<string>();

/**
 * The keys a cloud detector named but did not fill. The SDK warns once for each such key
 * ("dropping invalid resource attribute value", as it does under NodeSDK: twelve lines for gcp off
 * GCP); after our one warning per detector those are noise, so `start-monitoring.ts` turns them
 * into debug lines.
 */
const absentKeys = new Set<string>();
const DROPPING = /^dropping invalid resource attribute value for key "(.+)"$/;

/** Whether an SDK diag message only repeats that a cloud detector left a key unfilled. */
export function isAbsentCloudAttributeWarning(message: string): boolean {
  const key = DROPPING.exec(message)?.[1];
  return key !== undefined && absentKeys.has(key);
}

function warnOnce(name: string, text: string): void {
  if (warned.has(name)) return;
  warned.add(name);
  const line = `otelkit: service.detectors '${name}': ${text}`;
  // Deferred: detection runs while startMonitoring builds the resource, before OpenTelemetry's diag
  // is routed to the app's logger, so a warning given there and then (a package that did not load
  // in time, or failed to) was lost. A microtask runs once startMonitoring has returned.
  queueMicrotask(() => diag.warn(line));
}

interface Result {
  attributes?: Record<string, AttributeValue>;
  failed?: string;
}

/**
 * One resource detector for the named clouds, bounded by `timeoutMillis`. Never throws: a package
 * that fails to load, a detector that fails, finds nothing or misses the deadline is one warning
 * per name (`diag`), and its attributes are left out.
 */
export function cloudResourceDetector(
  resolved: ReturnType<typeof resolveCloudDetectors>,
  timeoutMillis: number,
): ResourceDetector {
  return {
    detect(): DetectedResource {
      const started = performance.now();
      const signal = new SharedArrayBuffer(4);
      const { port1, port2 } = new MessageChannel();
      let worker: Worker;
      try {
        worker = new Worker(WORKER_SOURCE, {
          eval: true,
          workerData: { port: port2, signal, detectors: resolved },
          transferList: [port2],
          // Not the app's --require / --import (loaders, APM agents, our register entry): only the
          // detector packages run here. (NODE_OPTIONS preloads still do; register skips workers.)
          execArgv: [],
          stdout: true,
          stderr: true,
        });
      } catch (err) {
        for (const { name } of resolved) warnOnce(name, `could not start (${(err as Error).message})`);
        port1.close();
        return { attributes: {} };
      }
      worker.unref();
      worker.on('error', (err) => diag.debug(`otelkit: cloud resource detection worker: ${err.message}`));
      // The packages' own diagnostics (gcp-metadata's warnings) go to diag, not the app's stderr.
      worker.stdout.on('data', (d: Buffer) => diag.debug(`otelkit: cloud resource detection: ${d}`));
      worker.stderr.on('data', (d: Buffer) => diag.debug(`otelkit: cloud resource detection: ${d}`));
      const stop = () => {
        port1.close();
        worker.terminate().catch(() => undefined);
      };

      Atomics.wait(new Int32Array(signal), 0, 0, timeoutMillis);
      const first = receiveMessageOnPort(port1)?.message as
        | { keys: Record<string, string[]>; errors: Record<string, string> }
        | undefined;
      if (first === undefined) {
        for (const { name } of resolved) warnOnce(name, `not loaded within ${timeoutMillis} ms; left out`);
        stop();
        return { attributes: {} };
      }
      for (const [name, error] of Object.entries(first.errors))
        warnOnce(name, `failed to load (${error}); left out`);
      const names = Object.keys(first.keys);
      const keys = [...new Set(Object.values(first.keys).flat())];
      if (keys.length === 0) {
        for (const name of names) warnOnce(name, 'found nothing (not on that cloud?)');
        stop();
        return { attributes: {} };
      }

      const results = new Map<string, Result>();
      const settled = new Promise<void>((resolve) => {
        const timer = setTimeout(
          () => {
            for (const name of names) {
              if (!results.has(name)) warnOnce(name, `no answer within ${timeoutMillis} ms; left out`);
            }
            resolve();
          },
          Math.max(0, timeoutMillis - (performance.now() - started)),
        );
        timer.unref();
        port1.on('message', (m: { name: string } & Result) => {
          results.set(m.name, m);
          const found = Object.keys(m.attributes ?? {}).length > 0;
          // One of a cloud's detectors failing where another found the platform (EC2's request
          // on ECS) is normal: a debug line then, a warning only when the name found nothing.
          if (found && m.failed !== undefined)
            diag.debug(`otelkit: service.detectors '${m.name}': ${m.failed}`);
          else if (m.failed !== undefined) warnOnce(m.name, `failed (${m.failed})`);
          else if (!found) warnOnce(m.name, 'found nothing (not on that cloud?)');
          if (results.size === names.length) {
            clearTimeout(timer);
            resolve();
          }
        });
        port1.unref();
      }).finally(stop);

      // The configured order decides between two clouds that fill the same key: the later one wins.
      const attributes: Record<string, Promise<AttributeValue | undefined>> = {};
      for (const key of keys) {
        attributes[key] = settled.then(() => {
          let value: AttributeValue | undefined;
          for (const name of names) value = results.get(name)?.attributes?.[key] ?? value;
          if (value === undefined) absentKeys.add(key);
          return value;
        });
      }
      return { attributes };
    },
  };
}
