import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { TracerProvider as SdkTracerProvider } from '@opentelemetry/sdk-trace';
import { DEFAULT_REDACT_PATHS, type LoggingConfig, type LogOutputConfig } from '@otelkit/config';

/** A normalised logging slice, as `loadConfig()` returns it, with overrides. */
export function loggingConfig(over: Partial<LoggingConfig> & { outputs: LogOutputConfig[] }): LoggingConfig {
  return {
    enabled: true,
    level: 'info',
    format: 'json',
    correlation: true,
    redact: { enabled: true, paths: DEFAULT_REDACT_PATHS, censor: '[REDACTED]' },
    shutdownTimeoutMillis: 5000,
    ...over,
  };
}

export function fileOutput(
  file: string,
  over: Partial<Extract<LogOutputConfig, { type: 'file' }>> = {},
): LogOutputConfig {
  return { type: 'file', path: file, mkdir: true, rotation: null, ...over };
}

export function tmpDir(prefix = 'otelkit-logging-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Parses every line of a file; fails the test on any line that is not one JSON object. */
export function readJsonLines(file: string): Array<Record<string, unknown>> {
  const text = fs.readFileSync(file, 'utf8');
  if (text === '') return [];
  expect(text.endsWith('\n')).toBe(true);
  return text
    .slice(0, -1)
    .split('\n')
    .map((line) => {
      const parsed = JSON.parse(line);
      expect(typeof parsed).toBe('object');
      return parsed as Record<string, unknown>;
    });
}

let tracingReady = false;
/** A real tracer with the AsyncLocalStorage context manager, registered once per test file. */
export function realTracer() {
  if (!tracingReady) {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    trace.setGlobalTracerProvider(new SdkTracerProvider());
    tracingReady = true;
  }
  return trace.getTracer('otelkit-logging-test');
}

export async function waitUntil(check: () => boolean, timeoutMs = 15_000, what = 'condition'): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
