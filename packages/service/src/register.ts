// `node --import @otelkit/service/register app.js` (ESM or CommonJS apps) or
// `node --require @otelkit/service/register app.js` (CommonJS): starts monitoring from the config
// file named by OTELKIT_CONFIG and the OTEL_* environment, and turns on the configured
// auto-instrumentations, before the app loads anything.
import { register } from 'node:module';
import { pathToFileURL } from 'node:url';
import { isMainThread } from 'node:worker_threads';
import { diag } from '@opentelemetry/api';
import { startMonitoring } from './start-monitoring';

// Node also runs --require/--import preloads inside the thread that runs loader hooks; monitoring
// (and the hook itself) belong to the application's main thread only.
if (isMainThread) {
  // ESM: import-in-the-middle's loader hook, so libraries loaded with `import` are patched too.
  // (Under --require in a CommonJS app this is harmless: the hook only sees ESM loads.)
  try {
    register('@opentelemetry/instrumentation/hook.mjs', pathToFileURL(__filename));
  } catch (err) {
    diag.warn('otelkit: the ESM loader hook could not be registered; ESM imports are not instrumented', err);
  }

  // A bad config throws here, at startup, with every problem listed. startMonitoring turns on the
  // configured auto-instrumentations (before the app loads its libraries, from here).
  const monitoring = startMonitoring();
  monitoring.logger.debug(
    { instrumentations: monitoring.instrumentations.names },
    'otelkit auto-instrumentation on',
  );
}
