import { constants } from 'node:os';
import { diag } from '@opentelemetry/api';

/** What the process hooks need from one logger. */
export interface HookedLogger {
  /** Synchronous flush of file/console outputs. Never throws. */
  flushSync(): void;
  /** Full shutdown within its budget. Never rejects. */
  shutdown(): Promise<void>;
  /** Writes a line describing the crash (then flushSync is called). Never throws. */
  logCrash(err: unknown, origin: string, handledByApp: boolean): void;
  readonly handleSignals: boolean;
  readonly logUncaught: boolean;
}

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

const loggers = new Set<HookedLogger>();
let installed = false;
let exiting = false;

function onExit(): void {
  for (const l of loggers) l.flushSync();
}

function onUncaught(err: unknown, origin: string): void {
  const handledByApp = process.listenerCount('uncaughtException') > 0;
  for (const l of loggers) {
    if (!l.logUncaught) continue;
    l.logCrash(err, origin, handledByApp);
    l.flushSync();
  }
}

function onSignal(signal: (typeof SIGNALS)[number]): void {
  const ours = [...loggers].filter((l) => l.handleSignals);
  for (const l of loggers) l.flushSync();
  if (ours.length === 0 || exiting) return;
  // Our own listener is one of them: more means the application handles the signal itself.
  if (process.listenerCount(signal) > 1) return;
  exiting = true;
  const code = 128 + (constants.signals[signal] ?? 15);
  Promise.all(ours.map((l) => l.shutdown())).then(
    () => process.exit(code),
    (err) => {
      diag.error('@otelkit/logging: shutdown on signal failed', err);
      process.exit(code);
    },
  );
}

const signalListeners = new Map<string, () => void>(SIGNALS.map((s) => [s, () => onSignal(s)]));

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', onExit);
  process.on('uncaughtExceptionMonitor', onUncaught);
}

function syncSignalListeners(): void {
  const wanted = [...loggers].some((l) => l.handleSignals);
  for (const [signal, listener] of signalListeners) {
    const present = process.listeners(signal as NodeJS.Signals).includes(listener);
    if (wanted && !present) process.on(signal as NodeJS.Signals, listener);
    if (!wanted && present) process.removeListener(signal as NodeJS.Signals, listener);
  }
}

/** Registers a logger with the process-wide exit, crash and signal hooks (one set for all loggers). */
export function registerLogger(logger: HookedLogger): void {
  loggers.add(logger);
  install();
  syncSignalListeners();
}

/** Removes a logger; the hooks are removed with the last one. */
export function unregisterLogger(logger: HookedLogger): void {
  loggers.delete(logger);
  syncSignalListeners();
  if (loggers.size === 0 && installed) {
    installed = false;
    process.removeListener('exit', onExit);
    process.removeListener('uncaughtExceptionMonitor', onUncaught);
  }
}
