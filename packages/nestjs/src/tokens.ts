/**
 * The injection token of the running {@link Monitoring} handle that `OtelkitModule` provides
 * (globally): `@Inject(OTELKIT_MONITORING) monitoring: Monitoring`.
 */
export const OTELKIT_MONITORING = Symbol.for('@otelkit/nestjs.monitoring');
