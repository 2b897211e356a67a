import { settleWithin } from '@otelkit/config';

/** One step of the ordered shutdown: run alone, or several `parallel` ones together. */
export interface ShutdownStep {
  readonly name: string;
  /**
   * The work, given the milliseconds it may take (its share of the budget, less a little
   * headroom so that it can count what it gives up on before the step is declared timed out).
   */
  readonly run?: (timeoutMillis: number) => Promise<unknown>;
  readonly parallel?: readonly ShutdownStep[];
  /** Its part of the budget relative to the other steps. @default 1 */
  readonly weight?: number;
}

export interface ShutdownStepResult {
  readonly name: string;
  readonly ok: boolean;
  readonly durationMillis: number;
  /** The time this step was allowed (its share of what was left of the budget). */
  readonly shareMillis: number;
  /** Why it did not finish: its error, `timed out`, or `no time left`. */
  readonly error?: string;
}

/**
 * What was not delivered, per signal and reason, once the shutdown ended. Each signal's own
 * `stats()` holds the same counts (and what was delivered).
 */
export interface UndeliveredReport {
  /** Spans dropped (`queue_full`, `shutdown`) or failed (`export_error`, `timeout`, `shutdown`). */
  traces: { dropped: Record<string, number>; failed: Record<string, number>; total: number };
  /** Push exports and their data points that failed, by reason (`shutdown`: unanswered at the deadline). */
  metrics: { exports: Record<string, number>; points: Record<string, number>; total: number };
  /** Log lines dropped per output (`<index>:<type>`), by reason. */
  logs: { outputs: Record<string, Record<string, number>>; total: number };
  /** Sum of the three totals (metric data points, not exports). */
  total: number;
}

/** What `Monitoring.shutdown()` resolves with. */
export interface ShutdownReport {
  /** Every step finished within the budget. */
  ok: boolean;
  budgetMillis: number;
  durationMillis: number;
  steps: ShutdownStepResult[];
  /** Counters of each signal after shutdown (spans dropped or failed, lines dropped, …). */
  tracing?: unknown;
  metrics?: unknown;
  logging?: unknown;
  /** The resource manager's counters, when `pools` was on. */
  resources?: unknown;
  /** Everything not delivered, per signal and reason (set by `startMonitoring`). */
  undelivered?: UndeliveredReport;
}

/** Headroom left between a step's own deadline and its share: it counts its losses in it. */
function headroom(share: number): number {
  return Math.min(100, Math.floor(share / 10));
}

async function runOne(step: ShutdownStep, deadline: number): Promise<ShutdownStepResult[]> {
  if (step.parallel) {
    const results = await Promise.all(step.parallel.map((s) => runOne(s, deadline)));
    return results.flat();
  }
  const started = performance.now();
  const remaining = Math.floor(deadline - started);
  if (remaining <= 0)
    return [{ name: step.name, ok: false, durationMillis: 0, shareMillis: 0, error: 'no time left' }];
  const outcome = await settleWithin(
    Promise.resolve().then(() => step.run?.(remaining - headroom(remaining))),
    remaining,
  );
  const durationMillis = Math.round(performance.now() - started);
  const base = { name: step.name, durationMillis, shareMillis: remaining };
  if (outcome.status === 'fulfilled') return [{ ...base, ok: true }];
  const error =
    outcome.status === 'timedOut'
      ? 'timed out'
      : outcome.reason instanceof Error
        ? outcome.reason.message
        : String(outcome.reason);
  return [{ ...base, ok: false, error }];
}

function weightOf(step: ShutdownStep): number {
  const w = step.weight ?? 1;
  return Number.isFinite(w) && w > 0 ? w : 1;
}

/**
 * Runs the steps in order within one time budget, each within its share: what is left of the
 * budget times its weight over the weights of the steps still to run. A step that finishes early
 * passes its unused time on; a step that hangs (a collector that never answers) loses only its
 * own share, and the next one runs. Parallel steps share one window. The whole never rejects and
 * never takes longer than the budget (plus a timer tick).
 */
export async function runShutdown(
  budgetMillis: number,
  steps: readonly ShutdownStep[],
): Promise<ShutdownReport> {
  const started = performance.now();
  const end = started + budgetMillis;
  const results: ShutdownStepResult[] = [];
  let weightLeft = steps.reduce((n, s) => n + weightOf(s), 0);
  for (const step of steps) {
    const w = weightOf(step);
    const now = performance.now();
    const deadline = Math.min(end, now + ((end - now) * w) / weightLeft);
    weightLeft -= w;
    results.push(...(await runOne(step, deadline)));
  }
  return {
    ok: results.every((r) => r.ok),
    budgetMillis,
    durationMillis: Math.round(performance.now() - started),
    steps: results,
  };
}
