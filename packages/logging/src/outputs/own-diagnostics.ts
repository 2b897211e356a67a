/**
 * Our own diagnostics (OpenTelemetry's `diag`, routed to the logger by `@otelkit/service`) must
 * never go out through a pipe that is failing: an Elasticsearch shipping warning was shipped to
 * the Elasticsearch that failed (and retried, and failed again, and warned again…), OTLP log
 * export failures went out as OTLP logs (issue 14 item 5). pino writes synchronously, so a flag
 * set around the diagnostic's log call tells the outputs' fan-out which lines are ours.
 */
let depth = 0;

/** Runs `write` (one log call) marked as our own diagnostic. Never throws what `write` throws. */
export function writeOwnDiagnostic(write: () => void): void {
  depth++;
  try {
    write();
  } catch {
    // diagnostics never break anything
  } finally {
    depth--;
  }
}

/** True while an own diagnostic is being written. */
export function writingOwnDiagnostic(): boolean {
  return depth > 0;
}
