import { settleWithin } from '@otelkit/config';

/** One step of the ordered shutdown: run alone, or several `parallel` ones together. */
export interface ShutdownStep {
  readonly name: string;
  readonly run?: () => Promise<unknown>;
  readonly parallel?: readonly ShutdownStep[];
}

export interface ShutdownStepResult {
  readonly name: string;
  readonly ok: boolean;
  readonly durationMillis: number;
  /** Why it did not finish: its error, `timed out`, or `no time left`. */
  readonly error?: string;
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
}

async function runOne(step: ShutdownStep, deadline: number): Promise<ShutdownStepResult[]> {
  if (step.parallel) {
    const results = await Promise.all(step.parallel.map((s) => runOne(s, deadline)));
    return results.flat();
  }
  const started = performance.now();
  const remaining = deadline - started;
  if (remaining <= 0) return [{ name: step.name, ok: false, durationMillis: 0, error: 'no time left' }];
  const outcome = await settleWithin(
    Promise.resolve().then(() => step.run?.()),
    remaining,
  );
  const durationMillis = Math.round(performance.now() - started);
  if (outcome.status === 'fulfilled') return [{ name: step.name, ok: true, durationMillis }];
  const error =
    outcome.status === 'timedOut'
      ? 'timed out'
      : outcome.reason instanceof Error
        ? outcome.reason.message
        : String(outcome.reason);
  return [{ name: step.name, ok: false, durationMillis, error }];
}

/**
 * Runs the steps in order within one time budget. A step that throws or outlives what is left of
 * the budget is reported and the next one runs; the whole never rejects and never takes longer
 * than the budget (plus a timer tick).
 */
export async function runShutdown(
  budgetMillis: number,
  steps: readonly ShutdownStep[],
): Promise<ShutdownReport> {
  const started = performance.now();
  const deadline = started + budgetMillis;
  const results: ShutdownStepResult[] = [];
  for (const step of steps) results.push(...(await runOne(step, deadline)));
  return {
    ok: results.every((r) => r.ok),
    budgetMillis,
    durationMillis: Math.round(performance.now() - started),
    steps: results,
  };
}
