import { constants } from 'node:os';
import { diag } from '@opentelemetry/api';
import type { ShutdownReport } from './shutdown';

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

interface Shuttable {
  shutdown(): Promise<ShutdownReport>;
  forceFlush(): Promise<void>;
  readonly logger: { warn(obj: object, msg?: string): void; info(obj: object, msg?: string): void };
}

/**
 * On SIGTERM/SIGINT: run the ordered shutdown, then exit with 128 + the signal's number — unless
 * the application listens for that signal itself. Then the app owns the signal: it may drain for
 * seconds and log all along, so we only flush and keep everything open (the logger above all);
 * the ordered shutdown runs when the app calls `shutdown()` or runs out of work (`beforeExit`),
 * and a `process.exit()` still writes the buffered file and console lines (the logger's exit
 * hook). Returns a function that removes the handlers.
 */
export function installSignalHandlers(target: Shuttable): () => void {
  const handlers = new Map<NodeJS.Signals, () => void>();
  for (const signal of SIGNALS) {
    const handler = () => {
      // Our own listener is still registered here (not `once`, which removes itself before the
      // call): more than one means the app handles the signal and decides when to exit.
      const appHandles = process.listenerCount(signal) > 1;
      process.removeListener(signal, handler);
      if (appHandles) {
        // Closing the logger here lost a host's whole drain, its last line included (issue 14).
        target.forceFlush().catch((err: unknown) => diag.error(`otelkit: flush after ${signal} failed`, err));
        return;
      }
      const code = 128 + (constants.signals[signal] ?? 15);
      target
        .shutdown()
        .then((report) => {
          const lost = report.undelivered;
          // Every step done in time: each signal delivered what it held when it closed (what an
          // app wrote after that is counted in stats(), and is no failure of the shutdown).
          if (!report.ok) {
            // the logger is closed by now; stderr is the last resort for what was lost
            process.stderr.write(
              `otelkit: shutdown after ${signal} incomplete: ${JSON.stringify({
                steps: report.steps.filter((s) => !s.ok),
                ...(lost !== undefined && lost.total > 0 ? { undelivered: lost } : {}),
              })}\n`,
            );
          }
        })
        .catch((err: unknown) => diag.error('otelkit: shutdown failed', err))
        .finally(() => process.exit(code));
    };
    handlers.set(signal, handler);
    process.on(signal, handler);
  }
  return () => {
    for (const [signal, handler] of handlers) process.removeListener(signal, handler);
  };
}
