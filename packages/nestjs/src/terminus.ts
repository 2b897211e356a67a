import { Inject, Injectable } from '@nestjs/common';
import { type HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import type { HealthKind } from '@otelkit/resource-monitor';
import type { Monitoring } from '@otelkit/service';
import { OTELKIT_MONITORING } from './tokens';

/** What {@link OtelkitHealthIndicator} reports per check of the otelkit health registry. */
export interface OtelkitHealthCheckDetail {
  /** `warn`: degraded (e.g. telemetry drops) but serving — still `up`, as otelkit's own `/health` answers 200. */
  readonly status: 'pass' | 'warn' | 'fail';
  readonly message?: string;
}

/**
 * A `@nestjs/terminus` health indicator over otelkit's health registry (`monitoring.health`):
 * its liveness or readiness checks (the resource monitor's, the resource manager's per pool,
 * yours, and readiness off while shutting down), cached and bounded by their timeouts as on
 * otelkit's own `/health` paths. `up` when no check fails (a degraded `warn` check included, as
 * otelkit's `/health` answers 200), else `down` — which terminus answers with 503. Needs `TerminusModule` imported next to it (for `HealthIndicatorService`).
 *
 * @example
 * \@Controller('health')
 * class HealthController {
 *   constructor(private health: HealthCheckService, private otelkit: OtelkitHealthIndicator) {}
 *   \@Get('ready') \@HealthCheck()
 *   ready() { return this.health.check([() => this.otelkit.isHealthy('otelkit', 'readiness')]); }
 * }
 */
export class OtelkitHealthIndicator {
  constructor(
    private readonly _monitoring: Monitoring,
    private readonly _indicator: HealthIndicatorService,
  ) {}

  /** Runs the registry's checks of `kind` and reports them under `key`. Never rejects. */
  async isHealthy<const Key extends string>(
    key: Key,
    kind: HealthKind | 'all' = 'readiness',
  ): Promise<HealthIndicatorResult<Key>> {
    const session = this._indicator.check(key);
    const report = await this._monitoring.health.check(kind);
    const checks: Record<string, OtelkitHealthCheckDetail> = {};
    for (const c of report.checks) {
      checks[c.name] =
        c.message === undefined ? { status: c.status } : { status: c.status, message: c.message };
    }
    return report.status !== 'fail' ? session.up({ kind, checks }) : session.down({ kind, checks });
  }
}
Injectable()(OtelkitHealthIndicator);
Inject(OTELKIT_MONITORING)(OtelkitHealthIndicator, undefined, 0);
Inject(HealthIndicatorService)(OtelkitHealthIndicator, undefined, 1);
