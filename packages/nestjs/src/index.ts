export { OtelkitHttpMiddleware } from './http-middleware';
export { OtelkitInterceptor } from './otelkit-interceptor';
export { OtelkitLogger } from './otelkit-logger';
export { OtelkitModule } from './otelkit-module';
export { OTELKIT_MONITORING } from './tokens';
export type { OtelkitModuleAsyncOptions, OtelkitModuleConfig } from './types';
